"""Planning the follow-ups of a request held for approval (rule 1, :mod:`..rules.approval`): the
manager's reminders and the deputy's ask. Each is a new note in the approval note's thread — a
reply, so the conversation stays in one place and GitLab notifies whom it mentions (an edit
would tell nobody) — posted once, found again by its marker (``k``: the dates, and the
reminder's number)."""

from __future__ import annotations

from ..domain.markers import with_marker
from ..domain.topics import Topic
from ..render import approval_wording as wording
from ..rules import approval
from ..rules.evaluation import Evaluated
from .actions import Action, Reply
from .context import Context


def follow_ups(ctx: Context, ev: Evaluated) -> list[Action]:
    """The reminder and the deputy's ask due now for ``ev``, held for approval."""
    policy, world, r = ctx.policy, ctx.world, ev.request
    asked = approval.asked(world, ev.iid, r)
    if asked is None:
        return []  # the approval note itself is posted first
    key = approval.approval_key(r)
    turn = approval.deputy_turn(world, ev.iid, r, ctx.now)
    actions: list[Action] = []
    deputy_asked = asked.deputy or bool(
        approval.follow_ups(world, ev.iid, Topic.APPROVAL_DEPUTY, r)
    )
    if policy.approval.deputy and not deputy_asked and turn.allowed(ctx.now):
        away_end = turn.away.end if turn.away is not None else None
        body = wording.deputy_note(ev, policy, asked.at, away_end)
        why = "the manager is out" if away_end else "the manager has not answered"
        actions.append(_reply(ev, asked.note_id, Topic.APPROVAL_DEPUTY, body, why, key))
    if turn.away is None:  # nothing reaches the manager while out
        sent = approval.follow_ups(world, ev.iid, Topic.APPROVAL_REMINDER, r)
        number = approval.next_reminder(asked.at, sent, ctx.now, policy)
        if number is not None:
            body = wording.reminder_note(ev, policy, number, asked.at, ctx.now)
            why = f"still waiting for approval (reminder {number})"
            actions.append(
                _reply(ev, asked.note_id, Topic.APPROVAL_REMINDER, body, why, f"{key}#{number}")
            )
    return actions


def _reply(ev: Evaluated, note: int, topic: Topic, body: str, why: str, key: str) -> Reply:
    return Reply("", ev.iid, "", with_marker(body, topic, k=key), why, topic=topic, note=note)
