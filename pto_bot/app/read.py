"""The read every command starts with: the policy, the moment, the tracker and a snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..adapters.offline import OfflineTracker
from ..adapters.tracker import Tracker
from ..domain.policy import Policy
from ..domain.policy_file import load_policy
from ..domain.snapshot import Snapshot
from ..errors import ConfigError
from ..plan.planner import Plan, plan


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
class ReadOptions:
    """Where a command reads from: the policy, the moment, an offline file, a read cache."""

    policy: str | Path = "policy.yaml"
    now: str | None = None
    offline: Path | None = None
    cache: str | None = None


@dataclass(frozen=True)
class Project:
    """A project as read: what every command works on."""

    policy: Policy
    now: datetime
    tracker: Tracker
    snapshot: Snapshot


def open_project(options: ReadOptions, env: Mapping[str, str]) -> tuple[Policy, datetime, Tracker]:
    """The policy, the moment and the tracker, before anything is read."""
    policy = load_policy(options.policy)
    moment = parse_now(options.now)
    tracker = open_tracker(policy, options.offline, moment, env, cache_path(options.cache, env))
    return policy, moment, tracker


def read_project(options: ReadOptions, env: Mapping[str, str]) -> Project:
    policy, moment, tracker = open_project(options, env)
    return Project(policy, moment, tracker, tracker.read(labels_to_read(policy)))


def planned(options: ReadOptions, env: Mapping[str, str]) -> tuple[Project, Plan]:
    """The read and the plan of the read-only commands (report, metrics, check): nothing is
    applied."""
    project = read_project(options, env)
    return project, plan(project.policy, project.snapshot, project.now)


def history_horizon(options: ReadOptions, now: datetime) -> date | None:
    """The day before which closed history is not read (GitLab only; an offline file is read
    whole)."""
    if options.offline is not None:
        return None
    from ..adapters.gitlab.config import CLOSED_LOOKBACK

    return (now - CLOSED_LOOKBACK).date()


def chat_configured(options: ReadOptions, env: Mapping[str, str]) -> bool:
    """Team-channel messages can be sent: a Slack webhook is set, and this is no offline trial
    (its messages would reach the real team channel)."""
    return options.offline is None and bool((env.get("PTO_BOT_SLACK_WEBHOOK") or "").strip())
