"""A run: read, plan, apply (only the issues an event can change, for the webhook job), open the
pilot's check-in when it is due, report on the dashboard, commit.

The plan is made once. The coverage view of a scheduled run is built once, after the writes (the
fallback requests they opened named by their number): the dashboard and ``--report`` both show it.
The dashboard is planned from the plan, the view and what the writes did (the run's problems);
the tracker then keeps what the next run needs (:meth:`commit`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..adapters import away_cache
from ..adapters.slack import notifier_from_env
from ..adapters.tracker import Notifier, Tracker
from ..domain.policy import Policy
from ..domain.snapshot import Snapshot
from ..domain.time_off import TimeOffFeed
from ..domain.world import read_world
from ..plan.fallbacks import fallback_key
from ..plan.planner import Plan, plan
from ..plan.scope import event_scope, within
from ..reports.checkin import checkin_actions
from ..reports.coverage_view import build_view, with_opened
from ..reports.dashboard import dashboard_actions
from ..reports.view import CoverageView
from .apply import Applied, apply
from .away import scan_for, unanswered
from .exits import EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL
from .options import ReadOptions, cache_path, strict_from
from .read import open_project, query
from .run_log import problems_of
from .time_off import read_time_off


@dataclass(frozen=True)
class Run:
    snapshot: Snapshot
    plan: Plan
    result: Applied
    kept: tuple[str, ...] = ()  # what the tracker said when keeping its memory
    warnings: tuple[str, ...] = ()  # worth saying, no failure: the time-off calendar unread
    view: CoverageView | None = None  # what the reports show; None for an event's run

    @property
    def problems(self) -> list[str]:
        return [*problems_of(self.plan, self.result), *self.kept]

    @property
    def exit_code(self) -> int:
        """0 done; 1 some issues could not be processed; 2 the tracker refused the run (token,
        role, project, unreachable) before anything was written."""
        stopped = self.result.stopped
        if stopped is not None and stopped.kind != "rate-limited" and not self.result.writes:
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
    *,
    strict: bool = True,
    time_off: TimeOffFeed | None = None,
) -> Run:
    """Read, plan, apply, report, commit. With ``event_iid`` only the issues that event can
    change are written; the scheduled run takes care of the rest. ``bot`` is the bot's username,
    as :func:`~.read.bot_identity` found it (default: the policy's). ``strict``: a planning
    failure raises (every test, the demo); in production one bad issue never stops the others
    and is reported instead. ``time_off``: what the team's time-off calendar said (a scheduled
    run that read it): its absences are planned when it could be read; its warnings are the
    run's (printed, and on the dashboard), never a failure."""
    fresh = () if event_iid is None else (event_iid,)
    snapshot = tracker.read(query(policy, now, fresh=fresh))
    world = read_world(policy, snapshot, bot, strict=strict)
    scan = None
    if event_iid is None:  # the scheduled run catches the mentions events missed
        scan = scan_for(policy, tracker, world, now)
    if scan is not None and scan.errors:
        world = replace(world, problems=(*world.problems, *scan.errors))
    warnings = time_off.warnings if time_off is not None else ()
    absences = time_off.absences if time_off is not None and time_off.read else None
    the_plan = plan(
        policy,
        snapshot,
        now,
        bot,
        chat=notifier is not None,
        scan=scan,
        world=world,
        strict=strict,
        time_off=absences if event_iid is None else None,
    )
    if event_iid is not None:
        scope = event_scope(the_plan.world, the_plan.evaluation, event_iid)
        the_plan = replace(the_plan, actions=tuple(within(the_plan.actions, scope)))
    result = apply(tracker, the_plan.actions, dry_run=dry_run, notifier=notifier)
    unanswered(tracker, the_plan, result)
    view = None
    if event_iid is None:
        going = result.stopped is None
        if going:
            result.extend(apply(tracker, checkin_actions(the_plan), dry_run=dry_run))
        view = _run_view(the_plan, result, snapshot.project)
        if going:
            _dashboard(tracker, dry_run, the_plan, view, result, warnings)
    kept: list[str] = []
    if not dry_run and result.stopped is None:
        world = the_plan.world
        home = (
            world.dashboard.iid if world.dashboard is not None else result.created.get("dashboard")
        )
        kept = tracker.commit(home, whole=event_iid is None)
    return Run(snapshot, the_plan, result, tuple(kept), warnings, view)


def _run_view(the_plan: Plan, result: Applied, project: str) -> CoverageView:
    """The coverage view after the run's writes: the fallback requests they opened (request iid
    -> the new issue's iid) named by their number."""
    view = build_view(the_plan, the_plan.world.policy.reports.weeks, project=project or None)
    requests = {r.iid for r in the_plan.world.requests}
    opened = {
        r: result.created[fallback_key(r)] for r in requests if fallback_key(r) in result.created
    }
    return with_opened(view, opened)


def _dashboard(
    tracker: Tracker,
    dry_run: bool,
    the_plan: Plan,
    view: CoverageView,
    result: Applied,
    warnings: Sequence[str],
) -> None:
    """The dashboard, from the run's plan and view, with the run's problems and warnings."""
    problems = [*problems_of(the_plan, result), *warnings]
    actions = dashboard_actions(the_plan.world, view, problems)
    result.extend(apply(tracker, actions, dry_run=dry_run))


def run_reconcile(options: ReadOptions, dry_run: bool, env: Mapping[str, str]) -> Run:
    """The scheduled job."""
    o = open_project(options, env)
    # no channel messages from a trial on an export: they would reach the real team channel
    notifier = notifier_from_env(env) if options.offline is None else None
    run = reconcile(
        o.policy,
        o.tracker,
        o.now,
        dry_run,
        notifier=notifier,
        bot=o.bot,
        strict=strict_from(env),
        time_off=read_time_off(env, o.policy, o.now),
    )
    keep_absences(options, env, run, o.now, dry_run)
    return run


def keep_absences(
    options: ReadOptions, env: Mapping[str, str], run: Run, now: datetime, dry_run: bool
) -> None:
    """Who is away, beside the runner cache: the webhook job then ignores a mention of someone
    who is not out without a request (:mod:`..adapters.away_cache`)."""
    cache = cache_path(options.cache, env)
    if cache is None or dry_run or options.offline is not None or run.plan.away is None:
        return
    away_cache.save(cache, run.snapshot.project, run.plan.away.absences, now)
