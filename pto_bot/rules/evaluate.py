"""Runs the rules over the world: ``evaluate(world, ledger, today)`` -> a frozen Evaluation.

Pure and deterministic: the same world and ledger always give the same evaluation. Requests are
judged in queue order: first their status and count (rules 8 and 1), then who covers (rules 2
and 3), then the fallback weeks they add up to (rule 9).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from ..domain.calendar import first_working_day_after
from ..domain.ledger import NO_DECISIONS, Decisions, LedgerEntry, fold_ledger
from ..domain.policy import Policy
from ..domain.policy_sections import Pod
from ..domain.world import FiledRequest, World
from . import authority, changes, counting, coverage, going_live
from .evaluation import Cover, Evaluated, Evaluation, Status
from .fairness import fallback_days
from .hand_picked import hand_picked
from .rotation import pod_of


def evaluate(world: World, ledger: tuple[LedgerEntry, ...], today: date) -> Evaluation:
    policy = world.policy
    decisions = fold_ledger(ledger)
    out = counting.OutIndex()
    judged = [
        _judge(policy, req, decisions.get(req.iid, NO_DECISIONS), out) for req in world.requests
    ]
    backups = coverage.Backups(policy, out)
    covered = _cover(world, judged, backups)
    evaluated = tuple(covered)
    return Evaluation.of(today, evaluated, fallback_days(evaluated, policy))


@dataclass(frozen=True)
class _Judged:
    ev: Evaluated
    # the pod (its name and members) and the days it can cover (fewer than the limit of it
    # out), when the engineer has one
    pod: tuple[str, Pod, frozenset[date]] | None = None


def _judge(
    policy: Policy, req: FiledRequest, decisions: Decisions, out: counting.OutIndex
) -> _Judged:
    """Rules 8 and 1: cancelled, denied, or counted (and held for approval)."""
    r = req.form
    if r is None:
        problems = tuple(req.parsed.problems)
        return _Judged(Evaluated(req, Status.NEEDS_INFO, problems, decisions=decisions))
    opened = req.from_calendar or authority.may_open(policy, req.issue.author, r)
    if not opened:  # counted for nothing, told why
        problems = (authority.opener_problem(policy, req.issue.author, r),)
        return _Judged(Evaluated(req, Status.NEEDS_INFO, problems, decisions=decisions))
    person = policy.engineers.get(r.engineer)
    back = first_working_day_after(
        r.end,
        policy.working_weekdays,
        person.country if person else None,
        person.subdivision if person else None,
    )
    base = Evaluated(req, Status.ACTIVE, decisions=decisions, return_day=back)
    if changes.is_cancelled(req.issue, r, policy):
        return _Judged(replace(base, status=Status.CANCELLED))
    if changes.is_denied(decisions, r):
        return _Judged(replace(base, status=Status.DENIED))
    days = counting.days_off(policy, r)
    found = counting.count(r.engineer, days, out)
    # a request that had started before the bot went live is not held: that moment passed
    approved = changes.is_approved(decisions, r) or going_live.before(r.start, policy)
    held = counting.held_for_approval(found.count, r.kind, approved, policy)
    pod = pod_of(policy, r.engineer, r.start)
    limit = policy.coverage.pod_out_limit
    pod_open = (*pod, coverage.pod_days(pod[1], r.engineer, days, out, limit)) if pod else None
    out.add(r.engineer, days)
    ev = replace(
        base,
        status=Status.NEEDS_APPROVAL if held else Status.ACTIVE,
        counted=True,
        count=found.count,
        daily=found.daily,
        peak_days=found.peak_days,
        overlapping=found.overlapping,
    )
    return _Judged(ev, pod_open)


def _cover(world: World, judged: list[_Judged], backups: coverage.Backups) -> list[Evaluated]:
    """Rules 2 and 3, in two passes so that kept assignments reserve their load first."""
    policy = world.policy
    result = [j.ev for j in judged]
    pending: list[tuple[int, list[Cover], list[coverage.Left], list[str], frozenset[date]]] = []
    for index, item in enumerate(judged):
        ev = item.ev
        if ev.status is not Status.ACTIVE:
            continue
        r = ev.request
        accounts = world.accounts_of(r.engineer)
        named = [a for a in accounts if coverage.needs_named_backup(policy, a)]
        global_support = tuple(a for a in accounts if not coverage.needs_named_backup(policy, a))
        if policy.coverage.mode == "hand-picked" or r.backups:
            covers, problems = hand_picked(r, named, accounts, ev.decisions, backups)
            result[index] = replace(
                ev,
                status=Status.NEEDS_INFO if problems else ev.status,
                problems=tuple(problems),
                covers=_in_order(covers),
                global_support=global_support,
            )
            continue
        pod_name, pool, pod_open = _pod(item, backups)
        kept, rest = coverage.keep_decided(
            r, named, pool, pod_open, ev.filed.previous_assignment(), ev.decisions, backups
        )
        result[index] = replace(
            ev, pod=pod_name, pod_covers=bool(pool), global_support=global_support
        )
        pending.append((index, kept, rest, pool, pod_open))
    for index, kept, rest, pool, pod_open in pending:
        ev = result[index]
        found = coverage.assign_from_pod(ev.request, rest, pool, pod_open, ev.decisions, backups)
        result[index] = replace(ev, covers=_in_order(kept + found))
    for index, item in enumerate(judged):
        if item.ev.status is Status.NEEDS_APPROVAL:
            result[index] = _proposed(world, item, backups)
    return [replace(ev, covers=_confirmed(ev)) for ev in result]


def _pod(item: _Judged, backups: coverage.Backups) -> tuple[str | None, list[str], frozenset[date]]:
    """The pod's name, the members who can cover part of the request, and the days it can."""
    if item.pod is None:
        return None, [], frozenset()
    name, pod, pod_open = item.pod
    return name, coverage.pod_pool(pod, item.ev.request, pod_open, backups), pod_open


def _in_order(covers: list[Cover]) -> tuple[Cover, ...]:
    """Auto-assigned accounts first, then by name; an account's covers by their first day."""
    return tuple(
        sorted(covers, key=lambda c: (coverage.cover_order(c.account), c.days[:1], c.backup or ""))
    )


def _confirmed(ev: Evaluated) -> tuple[Cover, ...]:
    """The covers, each marked confirmed when its backup accepted it (`/pto accept`)."""
    return tuple(
        replace(c, confirmed=ev.decisions.confirmed(c.account.name, c.backup))
        if c.backup is not None
        else c
        for c in ev.covers
    )


def _proposed(world: World, item: _Judged, backups: coverage.Backups) -> Evaluated:
    """A request waiting for approval, with the coverage it would get if approved now: for the
    manager to judge whether it is feasible. Computed on a trial, after every other request."""
    policy = world.policy
    ev = item.ev
    r = ev.request
    accounts = world.accounts_of(r.engineer)
    named = [a for a in accounts if coverage.needs_named_backup(policy, a)]
    global_support = tuple(a for a in accounts if not coverage.needs_named_backup(policy, a))
    trial = coverage.Trial(backups)
    if policy.coverage.mode == "hand-picked" or r.backups:
        covers, _ = hand_picked(r, named, accounts, ev.decisions, trial)
    else:
        _, pool, pod_open = _pod(item, trial)
        rest = [(a, trial.days(r)) for a in named]
        covers = coverage.assign_from_pod(r, rest, pool, pod_open, ev.decisions, trial)
    return replace(ev, proposed=_in_order(covers), global_support=global_support)


def if_approved(
    world: World, ledger: tuple[LedgerEntry, ...], today: date, ev: Evaluated
) -> Evaluated | None:
    """``ev`` as it would be judged once the manager approved it: the coverage it would get."""
    r = ev.request
    approval = LedgerEntry(
        note_id=0,
        index=0,
        key=f"if-approved:{ev.iid}",
        verb="approve",
        ok=True,
        by=world.policy.team.manager,
        request=ev.iid,
        start=r.start.isoformat(),
        end=r.end.isoformat(),
    )
    return evaluate(world, (*ledger, approval), today).get(ev.iid)
