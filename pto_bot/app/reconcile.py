"""A run: read, plan, apply (only the issues an event can change, for the webhook job), then
refresh the dashboard, and the bot's memory in it, from the state the run's writes produced
(worked out from the writes, not read back: :mod:`..plan.aftermath`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..adapters import away_cache
from ..adapters.offline import OfflineTracker
from ..adapters.slack import notifier_from_env
from ..adapters.tracker import Notifier, Tracker
from ..domain.memory import SETTLE, Memory
from ..domain.policy import OFFLINE_BOT, Policy
from ..domain.snapshot import Snapshot
from ..domain.world import read_world
from ..plan.aftermath import after_writes
from ..plan.memory import remember
from ..plan.planner import Plan, plan
from ..plan.scope import event_scope, within
from ..reports.coverage_view import build_view
from ..reports.dashboard import dashboard_actions
from .account import problems_of
from .apply import Result, apply
from .away import scan_for, unanswered
from .exits import EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL
from .options import ReadOptions, cache_path
from .read import labels_to_read, open_project, reading


@dataclass(frozen=True)
class Run:
    snapshot: Snapshot
    plan: Plan
    result: Result
    after: Plan | None = None  # the state the writes produced (a scheduled run): the report's

    @property
    def problems(self) -> list[str]:
        return problems_of(self.plan, self.result)

    @property
    def exit_code(self) -> int:
        """0 done; 1 some issues could not be processed; 2 the tracker refused the run (token,
        role, project, unreachable) before anything was written."""
        if self.result.stopped is not None and not self.result.writes:
            return EXIT_CONFIG
        return EXIT_PARTIAL if self.problems else EXIT_OK


def reconcile(
    policy: Policy,
    tracker: Tracker,
    now: datetime,
    dry_run: bool,
    event_iid: int | None = None,
    notifier: Notifier | None = None,
    bot: str | None = None,
) -> Run:
    """Read, plan, apply. With ``event_iid`` only the issues that event can change are written;
    the scheduled run takes care of the rest. ``bot`` is the bot's username, as
    :func:`~.read.bot_identity` found it (default: the policy's)."""
    fresh = () if event_iid is None else (event_iid,)
    wanted = reading(policy, now, bot or policy.bot.username or OFFLINE_BOT, fresh=fresh)
    snapshot = tracker.read(labels_to_read(policy), wanted)
    world = read_world(policy, snapshot, bot)  # read once: for the scan and the plan
    scan = None
    if event_iid is None:  # the scheduled run catches the mentions events missed
        scan = scan_for(policy, tracker, snapshot, world, now)
    if scan is not None and scan.errors:
        snapshot = replace(snapshot, errors=(*snapshot.errors, *scan.errors))
        world = replace(world, problems=(*world.problems, *scan.errors))
    chat = notifier is not None
    the_plan = plan(policy, snapshot, now, bot, chat=chat, scan=scan, world=world)
    if event_iid is not None:
        scope = event_scope(the_plan.world, the_plan.evaluation, event_iid)
        the_plan = replace(the_plan, actions=tuple(within(the_plan.actions, scope)))
    result = apply(tracker, the_plan.actions, dry_run=dry_run, notifier=notifier)
    the_plan = unanswered(the_plan, result)
    after, touched = snapshot, set[int]()
    if result.writes and not dry_run:
        done = [(d.action, d.detail) for d in result.done if d.status == "done"]
        after, touched = after_writes(snapshot, done, result.created, the_plan.world.bot, now)
    refresh = result.stopped is None and (
        _refresh(snapshot, event_iid, touched, dry_run)
        or _away_changed(snapshot, the_plan, event_iid, dry_run)
    )
    shown = None
    if event_iid is None or refresh:  # the state the writes produced
        if after is snapshot and event_iid is None:
            shown = the_plan
        else:
            again = plan(policy, after, now, the_plan.world.bot, scan=scan)
            shown = unanswered(again, result)
    if refresh and shown is not None:
        _dashboard(tracker, now, dry_run, shown, result, after, touched)
    if not dry_run and isinstance(tracker, OfflineTracker):
        tracker.save()
    return Run(snapshot, the_plan, result, shown if event_iid is None else None)


#: The most the bot's memory may take of the dashboard's description (GitLab allows 1,048,576
#: characters): a team of 9 with a year of history needs about 4,000.
MEMORY_LIMIT = 500_000

#: The next event reads the notes of each issue changed since the bot's memory was written.
#: An event run after which that would be more than this many (besides the next event's own
#: issue) refreshes the memory and the dashboard: one more write, so an event reads at most
#: 7 + this many issues' worth.
REREAD_LIMIT = 3


def _refresh(snapshot: Snapshot, event_iid: int | None, touched: set[int], dry_run: bool) -> bool:
    """The dashboard and the memory are refreshed by every scheduled run; by an event run when
    the memory was lost, or when the next event would otherwise read more than
    :data:`REREAD_LIMIT` issues it has read already (those it read again now, those it wrote
    to)."""
    if event_iid is None:
        return True
    if snapshot.synced is None or dry_run:  # an offline file: nothing is remembered
        return False
    if snapshot.remembered is None:
        return True
    reread = {i.iid for i in snapshot.issues if i.read_at == snapshot.synced} - touched
    return bool(reread) and len(reread | touched) > REREAD_LIMIT


def _away_changed(snapshot: Snapshot, the_plan: Plan, event_iid: int | None, dry_run: bool) -> bool:
    """An event run changed who is away (a new request, new dates, a cancellation): the memory
    the next webhook job decides from is refreshed at once."""
    old = snapshot.remembered
    if event_iid is None or dry_run or old is None or the_plan.away is None:
        return False
    today = the_plan.evaluation.today
    now_away = tuple(a.to_json() for a in the_plan.away.absences if a.end >= today)
    return now_away != old.away.absences or the_plan.away.places.projects != old.away.projects


def _dropped(after: Snapshot, memory: Memory) -> bool:
    """This run read closed issues (changed since the memory was written) that the memory does
    not keep, though their notes had settled."""
    return any(
        not issue.is_open
        and issue.read_at is not None
        and issue.read_at == after.synced
        and issue.read_at >= issue.updated_at + SETTLE
        and issue.iid not in memory.issues
        for issue in after.issues
    )


def _dashboard(
    tracker: Tracker,
    now: datetime,
    dry_run: bool,
    shown: Plan,
    result: Result,
    after: Snapshot,
    touched: set[int],
) -> None:
    """Rewrite the dashboard from the state the run's writes produced (``shown``, ``after``),
    with the run's problems and what the bot remembers for the next run."""
    problems = problems_of(shown, result)
    view = build_view(shown, shown.world.policy.reports.weeks, project=after.project)
    sealed = None
    if not dry_run:
        memory = remember(after, shown, touched, now)
        old = after.remembered
        # nothing new since it was written: the dashboard stays as it is (unless this run read
        # closed issues the memory does not keep: its time moves on, or they are read each run)
        same = old is not None and memory.same_as(old) and not _dropped(after, memory)
        sealed = tracker.seal(old if same and old is not None else memory)
        if sealed is not None and len(sealed) > MEMORY_LIMIT:
            problems.append(
                f"the bot's memory ({len(sealed):,} characters) does not fit in the dashboard "
                "issue: every run reads every issue that can still matter"
            )
            sealed = None
    actions = dashboard_actions(shown.world, view, problems, sealed)
    extra = apply(tracker, actions, dry_run=dry_run)
    result.done.extend(extra.done)
    result.failures.extend(extra.failures)


def run_reconcile(options: ReadOptions, dry_run: bool, env: Mapping[str, str]) -> Run:
    """The scheduled job."""
    o = open_project(options, env)
    # no channel messages from a trial on an export: they would reach the real team channel
    notifier = notifier_from_env(env) if options.offline is None else None
    run = reconcile(o.policy, o.tracker, o.now, dry_run, notifier=notifier, bot=o.bot)
    keep_absences(options, env, run, o.now, dry_run)
    return run


def keep_absences(
    options: ReadOptions, env: Mapping[str, str], run: Run, now: datetime, dry_run: bool
) -> None:
    """Who is away, beside the runner cache: the webhook job then ignores a mention of someone
    who is not out without a request (:mod:`..adapters.away_cache`)."""
    cache = cache_path(options.cache, env)
    shown = run.after or run.plan
    if cache is None or dry_run or options.offline is not None or shown.away is None:
        return
    away_cache.save(cache, run.snapshot.project, shown.away.absences, now)
