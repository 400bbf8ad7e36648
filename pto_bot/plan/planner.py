"""The planner: (policy, snapshot, now) -> the actions that bring the project up to date.

Pure. It decides from data only: the bot's own earlier notes (hidden markers) tell it what it
already did, so the same snapshot always gives the same plan and a converged project gives none.
Each issue is planned by one function returning all its actions. ``strict`` (the default, and
what every test, the demo and the benchmarks run): a planning function that raises stops the
plan. In production (``strict=False``) one that fails contributes no action and is reported,
and the others are planned as usual.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from ..commands.parse import new_commands
from ..commands.verbs import run_command
from ..domain.away import Scan
from ..domain.ledger import LedgerEntry
from ..domain.policy import Policy
from ..domain.snapshot import Snapshot
from ..domain.time_off import TimeOff
from ..domain.world import World, read_world
from ..rules.evaluate import evaluate
from ..rules.evaluation import Evaluation
from .actions import Action, CreateIssue, touches
from .away import Away, answers, prepare
from .away_notes import digest_actions, log_actions
from .context import Context
from .coverage_issue import coverage_key
from .fallbacks import plan_orphan
from .playbooks import plan_playbook
from .quiet import Held, hush
from .replies import Replies
from .requests import plan_request
from .time_off import calendar_actions

STATE_CHANGING = frozenset(
    {"volunteer", "withdraw", "accept", "decline", "approve", "deny", "assign"}
)

Failure = tuple[int | None, str]  # (issue iid, what went wrong)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    world: World
    evaluation: Evaluation
    failures: tuple[Failure, ...]
    now: datetime
    away: Away | None = None
    held: tuple[Held, ...] = ()  # writes left until the engineer they would reach is back


def plan(
    policy: Policy,
    snapshot: Snapshot,
    now: datetime,
    bot: str | None = None,
    chat: bool = False,
    scan: Scan | None = None,
    world: World | None = None,
    *,
    strict: bool = True,
    time_off: Sequence[TimeOff] | None = None,
) -> Plan:
    """Plan a run at ``now``; ``bot`` is the bot's username (default: the policy's); ``chat``:
    a team-channel webhook is set up (without one no message is planned, and notes ask people
    to post instead); ``scan``: the issues read for mentions of people who are out (a scheduled
    run): their answers, the "while you were out" records and the backups' digests; ``world``:
    the snapshot's, when the caller read it already (:func:`~..domain.world.read_world`);
    ``strict``: see the module; ``time_off``: the absences the team's time-off calendar records
    (a scheduled run that read it): requests opened for those nobody requested, flags on the
    requests it contradicts."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    world = world or read_world(policy, snapshot, bot, strict=strict)
    today = now.astimezone(policy.tz).date()
    failures = _Failures(strict)
    evaluation, replies = _run_commands(world, today, failures)
    away = prepare(world, evaluation, scan)
    ctx = Context(world, evaluation, now, chat, away)
    actions: list[Action] = replies.actions(ctx)
    if scan is not None:
        actions += answers(policy, away.found, today)
    for ev in evaluation.requests:
        actions += _one_issue(ev.iid, "planning", partial(plan_request, ctx, ev), failures)
    if time_off is not None:
        calendar = partial(calendar_actions, ctx, time_off)
        actions += _one_issue(None, "calendar", calendar, failures)
    known = {r.iid for r in world.requests}
    for request_iid, fallback in world.fallbacks.items():
        if request_iid not in known:
            orphan = partial(plan_orphan, ctx, fallback.issue, request_iid)
            actions += _one_issue(fallback.issue.iid, "planning", orphan, failures)
    for account in world.accounts:
        playbook = partial(plan_playbook, ctx, account)
        actions += _one_issue(account.iid, "playbook", playbook, failures)
    if scan is not None:
        opening = {
            a.link_to: a.key
            for a in actions
            if isinstance(a, CreateIssue)
            and a.link_to is not None
            and a.key == coverage_key(a.link_to)
        }
        actions += log_actions(world, away, now, opening) + digest_actions(
            world, away, now, opening
        )
    trusted = [a for a in actions if not touches(a, world.untrusted)]
    kept, held = hush(ctx, trusted)
    return Plan(tuple(kept), world, evaluation, tuple(failures.found), now, away, tuple(held))


class _Failures:
    """Where a planning function's exception goes: up (strict), or into the plan's failures."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.found: list[Failure] = []

    def add(self, iid: int | None, what: str, exc: Exception) -> None:
        if self.strict:
            raise exc
        self.found.append((iid, _failure(what, exc)))


def _run_commands(world: World, today: date, failures: _Failures) -> tuple[Evaluation, Replies]:
    """Answer the new commands in order, as many of each comment as its reply holds; each
    state-changing one re-evaluates the world."""
    ledger: list[LedgerEntry] = list(world.ledger)
    evaluation = evaluate(world, tuple(ledger), today)
    replies = Replies()
    for command in new_commands(world):
        if not replies.admits(command):
            continue
        try:
            outcome = run_command(world, evaluation, command)
        except Exception as exc:  # one bad command must not stop the others
            failures.add(command.issue_iid, "command", exc)
            continue
        if not replies.add(command, outcome):  # left out: it changes nothing
            continue
        ledger.append(outcome.entry)
        if outcome.entry.ok and outcome.entry.verb in STATE_CHANGING:
            evaluation = evaluate(world, tuple(ledger), today)
    return evaluation, replies


def _one_issue(
    iid: int | None, what: str, planner: Callable[[], list[Action]], failures: _Failures
) -> list[Action]:
    """All the actions ``planner`` returns for one issue, or none when it fails."""
    try:
        return planner()
    except Exception as exc:  # report the issue, go on with the others
        failures.add(iid, what, exc)
        return []


def _failure(what: str, exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    place = f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}"
    return f"{what} failed: {type(exc).__name__}: {exc} ({place})"
