"""Telling people when coverage changes after it was announced.

The coverage note's first post mentions every backup; later it is edited, and an edit tells
nobody (:mod:`.notes`). So when who covers what changes after that — a backup assigned after an
approval, one who booked PTO and was replaced, a hand-picked backup or a buddy who is now out —
a new note mentions everyone concerned: the engineer when a backup was lost (with what to do),
the backups who no longer cover, and the new ones. Volunteers and assignees were told in the
reply to their command. The coverage note's marker records who was told (``told``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date

from ..domain.topics import Topic
from ..render import wording
from ..rules.evaluation import Evaluated, Status
from .actions import Action
from .context import Context
from .notes import announce

TOLD_BY_REPLY = ("volunteer", "assigned")


@dataclass(frozen=True)
class Change:
    """One account whose backup is not the one its people were told about."""

    account: str
    was: str | None  # the backup they were told about
    now: str | None  # the backup now (None: nobody)
    was_out: tuple[date, date] | None  # why ``was`` no longer covers: their absence


def covering(ctx: Context, ev: Evaluated) -> dict[str, str]:
    """Account -> the backup who can really cover it now (not one who is out)."""
    return {
        c.account.name: c.backup
        for c in ev.covers
        if c.backup and ctx.evaluation.absence(c.backup, ev.daily) is None
    }


def changes(ctx: Context, ev: Evaluated, told: dict[str, str]) -> list[Change]:
    now = covering(ctx, ev)
    by_reply = {c.account.name for c in ev.covers if c.how in TOLD_BY_REPLY}
    found = []
    for account in sorted(set(told) | set(now)):
        was, current = told.get(account), now.get(account)
        if was == current or (was is None and account in by_reply):
            continue
        absence = ctx.evaluation.absence(was, ev.daily) if was else None
        out = (absence.request.start, absence.request.end) if absence else None
        found.append(Change(account, was, current, out))
    return found


def news(
    ctx: Context, ev: Evaluated, fallback_ref: str | None
) -> tuple[dict[str, str] | None, list[Action]]:
    """Who was told of which backup after this run (for the coverage note's marker), and the
    note that tells those who do not know yet."""
    announced = ev.filed.coverage
    posted = ctx.world.bot_note(ev.iid, Topic.COVERAGE) is not None
    if ev.status not in (Status.ACTIVE, Status.NEEDS_INFO) or ev.filed.form is None:
        if not posted:
            return {}, []  # the first post names no backup yet (waiting for approval, ...)
        return (announced.told if announced else None), []
    now = covering(ctx, ev)
    if not posted or announced is None or announced.told is None:
        # the first post mentions them all; a note from before this was recorded: assume told
        return now, []
    found = changes(ctx, ev, announced.told)
    if not found:
        return now, []
    r = ev.request
    key = _digest([[c.account, c.was, c.now] for c in found] + [str(r.start), str(r.end)])
    next_step = _next_step(ev, fallback_ref)
    body = wording.coverage_news(ev, found, next_step)
    actions = announce(ctx.notes(ev.iid), ev.iid, Topic.BACKUPS, body, "coverage changed", key=key)
    return now, actions


def _next_step(ev: Evaluated, fallback_ref: str | None) -> str:
    """What happens to an account left without a backup."""
    if ev.status is Status.NEEDS_INFO:
        return "choose another backup in the request's Backups field"
    if fallback_ref is not None:
        return f"volunteers are asked in {fallback_ref}"
    return "the manager or a pod lead can assign someone"


def _digest(parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]
