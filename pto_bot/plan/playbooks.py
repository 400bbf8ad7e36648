"""Planning one account playbook: a note naming what it lacks (priority or coverage label, an
owner on the roster), edited to a thank-you once fixed."""

from __future__ import annotations

from ..domain.accounts import Account
from ..domain.topics import Topic
from ..render import reminder_wording as wording
from .actions import Action
from .context import Context
from .notes import ensure_note, has_note


def plan_playbook(ctx: Context, account: Account) -> list[Action]:
    existing = ctx.notes(account.iid)
    if not account.problems and not has_note(existing, Topic.PLAYBOOK):
        return []
    body = wording.playbook_labels_note(account)
    return ensure_note(existing, account.iid, Topic.PLAYBOOK, body, "playbook labels")
