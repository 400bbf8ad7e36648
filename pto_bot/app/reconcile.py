"""A run: read, plan, apply (only the issues an event can change, for the webhook job), then
refresh the dashboard from the state the run's writes produced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from ..adapters.offline import OfflineTracker
from ..adapters.slack import notifier_from_env
from ..adapters.tracker import Notifier, Tracker
from ..domain.policy import Policy
from ..domain.snapshot import Snapshot
from ..plan.planner import Plan, plan
from ..plan.scope import event_scope, within
from ..reports.coverage_view import build_view
from ..reports.dashboard import dashboard_actions
from .account import problems_of
from .apply import Result, apply
from .exits import EXIT_CONFIG, EXIT_OK, EXIT_PARTIAL
from .options import ReadOptions
from .read import labels_to_read, open_project


@dataclass(frozen=True)
class Run:
    snapshot: Snapshot
    plan: Plan
    result: Result

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
    snapshot = tracker.read(labels_to_read(policy))
    the_plan = plan(policy, snapshot, now, bot, chat=notifier is not None)
    if event_iid is not None:
        scope = event_scope(the_plan.world, the_plan.evaluation, event_iid)
        the_plan = replace(the_plan, actions=tuple(within(the_plan.actions, scope)))
    result = apply(tracker, the_plan.actions, dry_run=dry_run, notifier=notifier)
    if event_iid is None and policy.reports.dashboard and result.stopped is None:
        _dashboard(policy, tracker, now, dry_run, the_plan, result, snapshot.project)
    if not dry_run and isinstance(tracker, OfflineTracker):
        tracker.save()
    return Run(snapshot, the_plan, result)


def _dashboard(
    policy: Policy,
    tracker: Tracker,
    now: datetime,
    dry_run: bool,
    the_plan: Plan,
    result: Result,
    project: str,
) -> None:
    """Rewrite the dashboard from the state the run's writes produced, with the run's problems."""
    problems = problems_of(the_plan, result)
    shown = the_plan
    if result.writes and not dry_run:
        shown = plan(policy, tracker.read(labels_to_read(policy)), now, the_plan.world.bot)
    view = build_view(shown, policy.reports.weeks, project=project)
    actions = dashboard_actions(shown.world, view, problems)
    extra = apply(tracker, actions, dry_run=dry_run)
    result.done.extend(extra.done)
    result.failures.extend(extra.failures)


def run_reconcile(options: ReadOptions, dry_run: bool, env: Mapping[str, str]) -> Run:
    """The scheduled job."""
    o = open_project(options, env)
    # no channel messages from a trial on an export: they would reach the real team channel
    notifier = notifier_from_env(env) if options.offline is None else None
    return reconcile(o.policy, o.tracker, o.now, dry_run, notifier=notifier, bot=o.bot)
