"""A PTO request closed before its start by someone who may not cancel it
(:func:`~..rules.authority.may_cancel`): reopened, and told why, once a closing."""

from __future__ import annotations

from dataclasses import replace

from ..domain.topics import Topic
from ..render import wording
from ..rules import changes, going_live, rotation
from ..rules.evaluation import Evaluated
from .actions import Action, SetState
from .context import Context
from .notes import announce


def reopen(ctx: Context, ev: Evaluated) -> tuple[list[Action], Evaluated]:
    """The writes that reopen the request (none when it needs none), and the request as it is
    once reopened: planned then as the open request it is."""
    issue, form = ev.filed.issue, ev.filed.form
    if form is None or not changes.closed_by_someone_else(issue, form, ctx.policy):
        return [], ev
    if going_live.is_history(ev.filed, ctx.policy):
        return [], ev
    assert issue.closed_at is not None
    pod = rotation.pod_of(ctx.policy, form.engineer, form.start)
    lead = pod[1].lead if pod is not None else None
    body = wording.reopened_note(ev, ctx.policy, issue.closed_by or "someone", lead)
    key = issue.closed_at.isoformat()
    told = announce(ctx.notes(issue.iid), issue.iid, Topic.REOPENED, body, "closed", key=key)
    reopening = SetState(issue.iid, "reopen", "closed by someone who may not cancel it")
    opened = replace(issue, state="opened", closed_at=None, closed_by=None)
    return [reopening, *told], replace(ev, filed=replace(ev.filed, issue=opened))
