"""Absences the team's time-off calendar records (the HR tool's or a shared calendar's feed, read
by the shell on scheduled runs) against the PTO requests: engineers book time off there and
in GitLab (seeds 000 and 001), and when only the first happens the 1 / 2 / 3+ counts are wrong
and nobody covers.

- **Unrequested**: an absence of a roster engineer, with a working day off still to come or
  under way, that no PTO request of theirs overlaps (whatever its state), is opened as a PTO
  request by the bot, once (its description's marker names the calendar event). It then counts
  as out and gets coverage like any other. Overlapping events of one engineer are one absence;
  one longer than ``requests.max_days`` is opened in parts.
- **Contradicted**: an open request not over yet that the calendar disagrees with is flagged,
  once per difference, and never changed: the calendar shows other working days off around
  it, or still shows the engineer off for a cancelled or denied request, or no longer shows the
  absence a request was opened from. A request the calendar says nothing about is not flagged
  (a shared calendar may not hold everything).

Days are compared as days off: the team's working days that are not the engineer's public
holidays. Pure: the absences come as plain data (:class:`~..domain.time_off.TimeOff`).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from ..domain.markers import read_marker
from ..domain.time_off import TimeOff
from ..domain.usernames import user_key
from ..domain.world import FiledRequest, World
from .counting import days_off_between
from .evaluation import Evaluated, Evaluation, Status

Kind = Literal["dates", "still-off", "gone"]
_DROPPED = (Status.CANCELLED, Status.DENIED)


@dataclass(frozen=True)
class Span:
    """One engineer away from ``first`` to ``last`` (included), as the calendar says."""

    engineer: str
    first: date
    last: date
    event: str  # the key of the (first) calendar event it comes from

    def overlaps(self, start: date, end: date) -> bool:
        return self.first <= end and start <= self.last


@dataclass(frozen=True)
class Mismatch:
    """A request the calendar disagrees with."""

    ev: Evaluated
    kind: Kind
    calendar: tuple[Span, ...]  # the engineer's absences around the request
    missing: tuple[date, ...]  # days off in the request the calendar does not show
    extra: tuple[date, ...]  # days the calendar shows off that no request of theirs has

    @property
    def key(self) -> str:
        """One flag per difference: the request's dates and what the calendar shows."""
        r = self.ev.request
        shown = ";".join(f"{s.first}/{s.last}" for s in self.calendar)
        return f"{self.kind}:{r.start}/{r.end}:{shown}"


def event_key(uid: str) -> str:
    """How a request remembers the calendar event it was opened from (not its UID itself)."""
    return hashlib.sha256(uid.encode("utf-8")).hexdigest()[:16]


def from_calendar(world: World, filed: FiledRequest) -> dict[str, Any] | None:
    """What a request the bot opened from the calendar says it was opened for (its marker)."""
    if not filed.from_calendar:
        return None
    data = read_marker(filed.issue.description)
    return data if data is not None else None


def spans(absences: Iterable[TimeOff]) -> dict[str, list[Span]]:
    """Each engineer's absences, overlapping or adjacent ones merged (the key: ``user_key``)."""
    found: dict[str, list[Span]] = defaultdict(list)
    for a in sorted(absences, key=lambda a: (user_key(a.engineer), a.first_day, a.last_day)):
        mine = found[user_key(a.engineer)]
        if mine and a.first_day <= mine[-1].last + timedelta(days=1):
            last = mine[-1]
            mine[-1] = Span(last.engineer, last.first, max(last.last, a.last_day), last.event)
        else:
            mine.append(Span(a.engineer, a.first_day, a.last_day, event_key(a.uid)))
    return found


def openings(
    world: World, evaluation: Evaluation, absences: Iterable[TimeOff], today: date
) -> Iterator[Span]:
    """The absences (in parts of at most ``requests.max_days``) the bot opens a request for."""
    policy = world.policy
    opened = set()
    for filed in world.requests:
        data = from_calendar(world, filed)
        if data is not None:
            opened.add((user_key(str(data.get("eng"))), data.get("event"), data.get("first")))
    by_engineer = _by_engineer(evaluation)
    for key, found in spans(absences).items():
        requests = by_engineer.get(key, [])
        for span in found:
            if span.last < today or any(span.overlaps(*_dates(ev)) for ev in requests):
                continue
            for part in _parts(span, policy.requests.max_days):
                if part.last < today or (key, part.event, str(part.first)) in opened:
                    continue
                if days_off_between(policy, part.engineer, part.first, part.last):
                    yield part


def mismatches(
    world: World, evaluation: Evaluation, absences: Iterable[TimeOff], today: date
) -> Iterator[Mismatch]:
    """The open requests not over yet that the calendar contradicts (see the module)."""
    policy = world.policy
    by_engineer = spans(absences)
    requests_of = _by_engineer(evaluation)
    for ev in evaluation.requests:
        r = ev.filed.form
        if r is None or not ev.filed.issue.is_open or r.end < today:
            continue
        mine = by_engineer.get(user_key(r.engineer), [])
        around = tuple(s for s in mine if s.overlaps(r.start, r.end))
        if ev.status in _DROPPED:
            if around:
                yield Mismatch(ev, "still-off", around, (), ())
            continue
        if not around:
            if from_calendar(world, ev.filed) is not None:
                yield Mismatch(ev, "gone", (), (), ())
            continue
        shown = {d for s in mine for d in days_off_between(policy, r.engineer, s.first, s.last)}
        booked = {
            d
            for other in requests_of.get(user_key(r.engineer), [])
            if other.status not in _DROPPED
            for d in days_off_between(policy, r.engineer, *_dates(other))
        }
        missing = sorted(set(days_off_between(policy, r.engineer, r.start, r.end)) - shown)
        extra = sorted(
            {d for s in around for d in days_off_between(policy, r.engineer, s.first, s.last)}
            - booked
        )
        if missing or extra:
            yield Mismatch(ev, "dates", around, tuple(missing), tuple(extra))


def _by_engineer(evaluation: Evaluation) -> dict[str, list[Evaluated]]:
    """The requests whose dates read well, by engineer (``user_key``)."""
    found: dict[str, list[Evaluated]] = defaultdict(list)
    for ev in evaluation.requests:
        if ev.filed.form is not None:
            found[user_key(ev.request.engineer)].append(ev)
    return found


def _dates(ev: Evaluated) -> tuple[date, date]:
    return ev.request.start, ev.request.end


def _parts(span: Span, most: int) -> Iterator[Span]:
    first = span.first
    while first <= span.last:
        last = min(span.last, first + timedelta(days=most - 1))
        yield Span(span.engineer, first, last, span.event)
        first = last + timedelta(days=1)
