"""The read every command starts with: the policy, the moment, the tracker and a snapshot."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from ..adapters.gitlab.config import CLOSED_LOOKBACK
from ..adapters.tracker import Query, Tracker
from ..domain.policy import OFFLINE_BOT, Policy
from ..domain.policy_file import load_policy
from ..domain.snapshot import Snapshot
from ..domain.usernames import same_user
from ..errors import ConfigError
from ..plan.planner import Plan, plan
from ..rules import history, pilot
from .options import ReadOptions, cache_path, parse_now

#: How far back ``metrics`` reads closed history (the pilot's year, and a month more).
FULL_HISTORY = CLOSED_LOOKBACK


def query(
    policy: Policy, now: datetime, *, fresh: Collection[int] = (), full: bool = False
) -> Query:
    """What a run reads: the open issues of the bot's labels, and the closed requests and
    fallback requests the rules need (since :func:`~..rules.history.horizon`; while the pilot's
    check-in is due, its issue too, and everything since the pilot's start); ``full``: every
    closed one of the last :data:`FULL_HISTORY` (the pilot's metrics); ``fresh``: the issue an
    event is about, read from GitLab whatever the tracker kept."""
    labels = policy.labels
    read: tuple[str, ...] = (
        labels.request,
        labels.playbook,
        labels.fallback,
        labels.coverage_issue,
        labels.dashboard,
    )
    closed: tuple[str, ...] = (labels.request, labels.fallback, labels.coverage_issue)
    today = now.astimezone(policy.tz).date()
    if pilot.checkin_due(policy, today):  # the check-in issue, open or closed: opened once
        read, closed = (*read, labels.checkin), (*closed, labels.checkin)
    if full:
        since = now - FULL_HISTORY
    else:
        first = pilot.history_from(policy, today, history.horizon(today))
        since = datetime.combine(first, time(0), tzinfo=policy.tz)
    live = policy.go_live
    return Query(
        read,
        closed,
        since,
        board=labels.dashboard,
        fresh=frozenset(fresh),
        silent_before=datetime.combine(live, time(0), tzinfo=policy.tz) if live else None,
        system_notes=(labels.playbook,),
    )


def open_tracker(
    policy: Policy,
    offline: Path | None,
    now: datetime,
    env: Mapping[str, str],
    cache: Path | None = None,
) -> Tracker:
    """The offline file when given, else GitLab from the environment."""
    if offline is not None:
        from ..adapters.offline import OfflineTracker  # a trial on an export, not GitLab

        return OfflineTracker(offline, policy.bot.username or OFFLINE_BOT, clock=lambda: now)
    from ..adapters.gitlab.client import GitLabTracker  # python-gitlab is loaded only here

    limits = policy.limits
    return GitLabTracker.from_env(
        env,
        policy.gitlab.url,
        cache_path=cache,
        writes_per_minute=limits.writes_per_minute,
        write_minutes=limits.write_minutes,
    )


def bot_identity(
    policy: Policy, tracker: Tracker, source: str | Path = "policy.yaml", writes: bool = True
) -> str:
    """Who the bot is: the token's user on GitLab (one ``GET /user``), the policy's name on an
    offline file. For a run that writes, a ``bot.username`` that names someone else stops it
    here, before anything is read or written: the bot would not recognise its own notes and would
    post them again. A read-only command (report, metrics, check) takes ``bot.username`` as
    given, without asking: its token may be a reader's, not the bot's."""
    expected = policy.bot.username
    if not writes and expected is not None:
        return expected
    actual = tracker.bot_username
    if expected is not None and not same_user(expected, actual):
        raise ConfigError(
            [
                f"{source}: bot.username is {expected!r}, but GITLAB_TOKEN belongs to "
                f"{actual!r}; nothing was written. Set `bot.username: {actual}` (or delete the "
                f"line: the token's user is the bot), or store {expected}'s token in GITLAB_TOKEN"
            ]
        )
    return actual


@dataclass(frozen=True)
class Project:
    """A project as read: what every command works on."""

    policy: Policy
    now: datetime
    tracker: Tracker
    bot: str
    snapshot: Snapshot


@dataclass(frozen=True)
class Opened:
    """A project opened, before anything is read: the policy, the moment, the tracker and who
    the bot is there."""

    policy: Policy
    now: datetime
    tracker: Tracker
    bot: str


def open_project(
    options: ReadOptions,
    env: Mapping[str, str],
    policy: Policy | None = None,
    *,
    writes: bool = True,
) -> Opened:
    """The policy (read from ``options`` unless given), the moment, the tracker and the bot's
    identity (:func:`bot_identity`), before anything is read."""
    policy = policy or read_policy(options)
    moment = parse_now(options.now)
    tracker = open_tracker(policy, options.offline, moment, env, cache_path(options.cache, env))
    bot = bot_identity(policy, tracker, options.policy, writes)
    return Opened(policy, moment, tracker, bot)


def read_policy(options: ReadOptions) -> Policy:
    """The policy file ``options`` names, read and checked."""
    return load_policy(options.policy)


def read_project(
    options: ReadOptions, env: Mapping[str, str], full: bool = False, policy: Policy | None = None
) -> Project:
    """The read of the read-only commands (report, metrics, check); ``full``: all the closed
    history of :data:`FULL_HISTORY` (metrics), not only what the rules need; ``policy``: the
    policy, when the command has read it already."""
    o = open_project(options, env, policy, writes=False)
    snapshot = o.tracker.read(query(o.policy, o.now, full=full))
    return Project(o.policy, o.now, o.tracker, o.bot, snapshot)


def planned(
    options: ReadOptions, env: Mapping[str, str], full: bool = False, policy: Policy | None = None
) -> tuple[Project, Plan]:
    """The read and the plan of the read-only commands (report, metrics, check): nothing is
    applied."""
    project = read_project(options, env, full, policy)
    return project, plan(project.policy, project.snapshot, project.now, project.bot)


def first_day(policy: Policy, since: date | None) -> date:
    """The first start day ``metrics`` counts: ``since``, else the policy's ``pilot.start``."""
    found = since or policy.pilot.start
    if found is None:
        raise ConfigError(["metrics: give --since DATE, or set pilot.start in policy.yaml"])
    return found


def history_horizon(options: ReadOptions, now: datetime) -> date | None:
    """The day before which closed history is not read by ``metrics`` (GitLab only; an offline
    file is read whole)."""
    if options.offline is not None:
        return None
    return (now - FULL_HISTORY).date()


def chat_configured(options: ReadOptions, env: Mapping[str, str]) -> bool:
    """Team-channel messages can be sent: a Slack webhook is set, and this is no offline trial
    (its messages would reach the real team channel)."""
    return options.offline is None and bool((env.get("PTO_BOT_SLACK_WEBHOOK") or "").strip())
