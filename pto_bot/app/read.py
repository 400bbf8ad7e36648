"""The read every command starts with: the policy, the moment, the tracker and a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..adapters.offline import OfflineTracker
from ..adapters.tracker import Tracker
from ..domain.policy import Policy
from ..domain.policy_file import load_policy
from ..domain.snapshot import Snapshot
from ..errors import ConfigError


def parse_now(value: str | None) -> datetime:
    """``--now`` as an aware time (naive means UTC); the real clock when not given."""
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            [f"--now: {value!r} is not an ISO-8601 time; write e.g. 2026-12-21T09:00:00Z"]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def labels_to_read(policy: Policy) -> list[str]:
    labels = policy.labels
    return [labels.request, labels.playbook, labels.fallback, labels.dashboard]


def cache_path(option: str | None, env: Mapping[str, str]) -> Path | None:
    value = option or env.get("PTO_BOT_CACHE")
    return Path(value) if value else None


def open_tracker(
    policy: Policy,
    offline: Path | None,
    now: datetime,
    env: Mapping[str, str],
    cache: Path | None = None,
) -> Tracker:
    """The offline file when given, else GitLab from the environment."""
    if offline is not None:
        return OfflineTracker(offline, policy.bot.username, clock=lambda: now)
    from ..adapters.gitlab.client import GitLabTracker  # python-gitlab is loaded only here

    return GitLabTracker.from_env(env, bot_username=policy.bot.username, cache_path=cache)


@dataclass(frozen=True)
class Project:
    """A project as read: what every command works on."""

    policy: Policy
    now: datetime
    tracker: Tracker
    snapshot: Snapshot


def read_project(
    policy_path: str | Path,
    now: str | None,
    offline: Path | None,
    cache: str | None,
    env: Mapping[str, str],
) -> Project:
    policy = load_policy(policy_path)
    moment = parse_now(now)
    tracker = open_tracker(policy, offline, moment, env, cache_path(cache, env))
    return Project(policy, moment, tracker, tracker.read(labels_to_read(policy)))
