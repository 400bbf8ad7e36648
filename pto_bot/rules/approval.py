"""Rule 1 of SPEC, continued: who decides a request held for approval, and when the manager is
reminded.

- The manager is asked once per dates (the approval note), then reminded in that note's thread
  once each working day after the first, at most ``approval.reminders`` times, never while out.
- ``approval.deputy`` decides in the manager's place while the manager is out (the manager's
  own PTO request covers the day) or once ``approval.deputy_after_days`` working days passed
  since the manager was asked; the deputy is asked then, and otherwise refused with the reason.

Working days are the team's (:class:`~..domain.calendar.TeamCalendar`); a reminder comes at the
clock time the manager was first asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.bot_notes import BotNote
from ..domain.policy import Policy
from ..domain.request_form import PtoRequest
from ..domain.topics import Topic
from ..domain.world import World
from . import changes


def approval_key(request: PtoRequest) -> str:
    """What an approval is asked for: the request's dates (new dates ask again)."""
    return f"{request.start}/{request.end}"


@dataclass(frozen=True)
class Asked:
    """The approval note of a request's dates: when the manager was asked, and whether the
    deputy was asked in it."""

    note_id: int
    at: datetime
    deputy: bool


def asked(world: World, iid: int, request: PtoRequest) -> Asked | None:
    """The bot's approval note on request ``iid`` for its current dates, if posted."""
    key = approval_key(request)
    for note in world.bot_notes(iid):
        if note.topic == Topic.APPROVAL and note.data.get("k") == key and note.created_at:
            return Asked(note.note_id, note.created_at, bool(note.data.get("deputy")))
    return None


def follow_ups(world: World, iid: int, topic: Topic, request: PtoRequest) -> list[BotNote]:
    """The bot's notes of ``topic`` (reminders, the deputy's ask) for the request's dates."""
    key = approval_key(request)
    return [
        n
        for n in world.bot_notes(iid)
        if n.topic == topic and str(n.data.get("k", "")).split("#")[0] == key
    ]


def manager_away(world: World, day: date) -> PtoRequest | None:
    """The manager's own PTO request covering ``day`` (not cancelled), if any."""
    for filed in world.manager_time_off:
        r = filed.form
        if r is None or not r.start <= day <= r.end:
            continue
        if not changes.is_cancelled(filed.issue, r, world.policy):
            return r
    return None


def deputy_from(asked_at: datetime, policy: Policy) -> datetime:
    """When the manager's silence hands the decision to the deputy."""
    days = policy.approval.deputy_after_days
    return policy.calendar.same_time_working_days_later(asked_at, days)


def next_reminder(
    asked_at: datetime, sent: list[BotNote], now: datetime, policy: Policy
) -> int | None:
    """The number of the reminder due at ``now`` (1 for the first), or None: one each working
    day after the day the manager was asked, at that clock time, at most
    ``approval.reminders``, never two on one day."""
    calendar = policy.calendar
    count = len(sent)
    if count >= policy.approval.reminders or not calendar.is_working_day(calendar.day_of(now)):
        return None
    if now < calendar.same_time_working_days_later(asked_at, count + 1):
        return None
    last = max((n.created_at for n in sent if n.created_at is not None), default=None)
    if last is not None and calendar.day_of(last) == calendar.day_of(now):
        return None
    return count + 1


@dataclass(frozen=True)
class DeputyTurn:
    """Whether the deputy decides a request at some moment, and why."""

    away: PtoRequest | None  # the manager's own time off covering that day
    asked: Asked | None  # the manager's approval note, if posted
    silent_from: datetime | None  # when the manager's silence hands the decision over

    def allowed(self, at: datetime) -> bool:
        return self.away is not None or (self.silent_from is not None and at >= self.silent_from)


def deputy_turn(world: World, iid: int, request: PtoRequest, at: datetime) -> DeputyTurn:
    """Whether the deputy may decide request ``iid`` at ``at``: the manager is out that day,
    or was asked ``approval.deputy_after_days`` working days before and has not answered."""
    policy = world.policy
    found = asked(world, iid, request)
    return DeputyTurn(
        manager_away(world, policy.calendar.day_of(at)),
        found,
        deputy_from(found.at, policy) if found is not None else None,
    )
