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
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..domain.ledger import Span
from ..domain.markers import Shifts
from ..domain.topics import Topic
from ..domain.usernames import among
from ..render import wording
from ..rules.coverage import announced
from ..rules.evaluation import Cover, Evaluated, Status, spans
from .actions import Action
from .context import Context
from .notes import announce
from .place import NOWHERE, Place
from .quiet import is_away

TOLD_BY_REPLY = ("volunteer", "assigned")


@dataclass(frozen=True)
class Change:
    """One account whose backups are not the ones its people were told about."""

    account: str
    was: Shifts | None  # the backups they were told about (as :func:`holding` writes them)
    now: Shifts | None  # the backups now (None: nobody)
    was_out: tuple[date, date] | None  # why a backup no longer covers: their absence
    declined: tuple[str, ...] = ()  # backups who said no (told in the reply to it)
    open: tuple[Span, ...] = ()  # the stretches nobody covers now

    @property
    def before(self) -> list[str]:
        return [b for b, _ in announced(self.was or ())]

    @property
    def after(self) -> list[str]:
        return [b for b, _ in announced(self.now or ())]


def holding(ev: Evaluated, covers: Iterable[Cover]) -> dict[str, Shifts]:
    """Account -> who holds it among ``covers``: one backup's name when they hold the whole
    request, else each backup's ``[backup, first day, last day]`` stretches (the coverage
    note's record, :func:`~..rules.coverage.announced` reads it back)."""
    grouped: dict[str, list[Cover]] = {}
    for c in covers:
        if c.backup:
            grouped.setdefault(c.account.name, []).append(c)
    found: dict[str, Shifts] = {}
    for account, held in grouped.items():
        if len(held) == 1 and ev.whole(held[0]) and held[0].backup:
            found[account] = held[0].backup
        else:
            found[account] = [
                [str(c.backup), a.isoformat(), b.isoformat()]
                for c in held
                for a, b in spans(c.days, ev.period)
            ]
    return found


def covering(ctx: Context, ev: Evaluated) -> dict[str, Shifts]:
    """Account -> the backups who can really cover it now (not one who is out on its days)."""
    return holding(
        ev,
        (c for c in ev.covers if c.backup and ctx.evaluation.absence(c.backup, c.days) is None),
    )


def changes(ctx: Context, ev: Evaluated, told: dict[str, Shifts]) -> list[Change]:
    now = covering(ctx, ev)
    by_reply = {c.account.name for c in ev.covers if c.how in TOLD_BY_REPLY}
    found = []
    for account in sorted(set(told) | set(now)):
        was, current = told.get(account), now.get(account)
        if was == current or (was is None and account in by_reply):
            continue
        gone = [b for b, _ in announced(was or ()) if not among(b, _names(current))]
        absence = next(
            (a for b in gone if (a := ctx.evaluation.absence(b, ev.daily)) is not None), None
        )
        out = (absence.request.start, absence.request.end) if absence else None
        said_no = tuple(b for b in gone if ev.decisions.declined_by(account, b))
        open_ = [c for c in ev.uncovered if c.account.name == account]
        stretches = tuple(s for c in open_ for s in ev.spans(c))
        found.append(Change(account, was, current, out, said_no, stretches))
    return found


def _names(value: Shifts | None) -> list[str]:
    return [b for b, _ in announced(value or ())]


def news(
    ctx: Context, ev: Evaluated, fallback_ref: str | None, place: Place = NOWHERE
) -> tuple[dict[str, Shifts] | None, list[Action]]:
    """Who was told of which backup after this run (for the coverage note's marker), and the
    note that tells those who do not know yet: on the request, mentioning the engineer too; on
    the coverage issue (``place``) while the engineer is out, without them."""
    state = ev.filed.coverage
    posted = ctx.world.coverage_note(ev.iid) is not None
    if ev.status not in (Status.ACTIVE, Status.NEEDS_INFO) or ev.filed.form is None:
        if not posted:
            return {}, []  # the first post names no backup yet (waiting for approval, ...)
        return (state.told if state else None), []
    now = covering(ctx, ev)
    if not posted or state is None or state.told is None:
        # the first post mentions them all; a note from before this was recorded: assume told
        return now, []
    found = changes(ctx, ev, state.told)
    if not found:
        return now, []
    r = ev.request
    key = _digest([[c.account, c.was, c.now] for c in found] + [str(r.start), str(r.end)])
    next_step = _next_step(ev, fallback_ref)
    out = is_away(ctx, r.engineer)
    if out and not place.exists:
        return state.told, []  # told once the coverage issue is there
    body = wording.coverage_news(ev, found, next_step, engineer_told=not out)
    told = (*ctx.notes(ev.iid), *place.notes)
    actions = announce(told, ev.iid, Topic.BACKUPS, body, "coverage changed", key=key)
    return now, place.on(actions) if out else actions


def _next_step(ev: Evaluated, fallback_ref: str | None) -> str:
    """What happens to an account left without a backup."""
    if ev.status is Status.NEEDS_INFO:
        return "choose another backup in the request's Backups field"
    if fallback_ref is not None:
        return f"volunteers are asked in {fallback_ref}"
    return "the manager or a pod lead can assign someone"


def _digest(parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]
