"""Event scope: which issues a webhook event on one issue can change. The event job writes only
those; the scheduled run takes care of the rest."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.world import World
from ..rules.evaluation import Evaluation
from .actions import Action, CreateIssue, PostNote, touches


def event_scope(world: World, evaluation: Evaluation, iid: int) -> set[int]:
    """The issues an event on ``iid`` can change: its request, the fallback request, the requests
    overlapping it (their counts and backups depend on it), and those engineers' playbooks."""
    fallback_of = {fb.issue.iid: req for req, fb in world.fallbacks.items()}
    fallback_of |= {ci.iid: req for req, ci in world.coverage_issues.items()}
    account_owner = {a.iid: a.owner for a in world.accounts}
    if iid in fallback_of:
        seeds = {fallback_of[iid]}
    elif iid in account_owner:
        seeds = {
            ev.iid
            for ev in evaluation.requests
            if ev.filed.form is not None and ev.request.engineer == account_owner[iid]
        }
    else:
        seeds = {iid} if evaluation.get(iid) is not None else set()
    scope = set(seeds)
    for seed in seeds:
        ev = evaluation.get(seed)
        if ev is None or ev.filed.form is None:
            continue
        r = ev.request
        for other in evaluation.requests:
            o = other.filed.form
            if o is not None and o.start <= r.end and r.start <= o.end:
                scope.add(other.iid)
    for req in list(scope):
        if req in world.fallbacks:
            scope.add(world.fallbacks[req].issue.iid)
        if req in world.coverage_issues:
            scope.add(world.coverage_issues[req].iid)
        ev = evaluation.get(req)
        if ev is not None and ev.filed.form is not None:
            scope |= {a.iid for a in world.accounts_of(ev.request.engineer)}
    if iid in account_owner:
        scope.add(iid)
    return scope


def within(actions: Iterable[Action], scope: set[int]) -> list[Action]:
    """The actions that write to issues in ``scope`` (new fallback requests of those included)."""
    issues = frozenset(scope)
    opening = {a.key: a.link_to for a in actions if isinstance(a, CreateIssue)}

    def writes_within(action: Action) -> bool:
        if isinstance(action, PostNote) and action.new is not None:  # on an issue it opens
            return opening.get(action.new) in issues
        return touches(action, issues)

    return [action for action in actions if writes_within(action)]
