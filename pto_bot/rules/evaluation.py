"""What the rules conclude, as frozen data: one :class:`Evaluated` per PTO request and the
:class:`Evaluation` of them all. Produced by :func:`pto_bot.rules.evaluate.evaluate`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from ..domain.accounts import Account
from ..domain.ledger import NO_DECISIONS, Decisions, How, Span
from ..domain.problems import Problem
from ..domain.request_form import PtoRequest
from ..domain.usernames import user_key
from ..domain.world import FiledRequest


class Status(StrEnum):
    NEEDS_INFO = "needs-info"
    CANCELLED = "cancelled"
    DENIED = "denied"
    NEEDS_APPROVAL = "needs-approval"
    ACTIVE = "active"


@dataclass(frozen=True)
class Cover:
    """Who covers one account during one request, on which of its days: the whole request, or
    the part of it the backup is free for (an account then has a cover for each part)."""

    account: Account
    backup: str | None
    how: How | None
    fallback: bool  # the pod could not take it: it belongs on the fallback request
    holidays: tuple[tuple[date, str], ...] = ()  # the backup's public holidays in its days
    days: tuple[date, ...] = ()  # the working days off it covers, in order
    confirmed: bool = False  # the backup confirmed it (`/pto accept`)


def spans(days: Iterable[date], period: Sequence[date]) -> tuple[Span, ...]:
    """``days`` as stretches of ``period`` (the request's working days off, in order): a stretch
    runs on while the next working day off is one of ``days`` too, weekends and holidays between
    them included."""
    wanted = set(days)
    found: list[Span] = []
    run: list[date] = []
    for day in period:
        if day in wanted:
            run.append(day)
        elif run:
            found.append((run[0], run[-1]))
            run = []
    if run:
        found.append((run[0], run[-1]))
    return tuple(found)


@dataclass(frozen=True)
class Evaluated:
    """One PTO request as the rules judge it."""

    filed: FiledRequest
    status: Status
    problems: tuple[Problem, ...] = ()
    counted: bool = False  # counts as "out" for everyone else
    count: int = 0  # the most people out on one working day (requests queued before + this)
    daily: Mapping[date, int] = field(default_factory=dict)
    peak_days: tuple[date, ...] = ()
    overlapping: tuple[str, ...] = ()  # others out during the period
    pod: str | None = None
    pod_covers: bool = False
    covers: tuple[Cover, ...] = ()
    global_support: tuple[Account, ...] = ()
    proposed: tuple[Cover, ...] = ()  # waiting for approval: the coverage it would get
    decisions: Decisions = NO_DECISIONS
    return_day: date | None = None

    @property
    def iid(self) -> int:
        return self.filed.iid

    @property
    def request(self) -> PtoRequest:
        assert self.filed.form is not None
        return self.filed.form

    @property
    def uncovered(self) -> tuple[Cover, ...]:
        return tuple(c for c in self.covers if c.backup is None)

    @property
    def fallback_covers(self) -> tuple[Cover, ...]:
        return tuple(c for c in self.covers if c.fallback)

    @property
    def state(self) -> str:
        """What people see: the status, with an active request split into covered and
        needs-coverage."""
        if self.status is Status.ACTIVE:
            return "needs-coverage" if self.uncovered else "covered"
        return self.status.value

    @property
    def backups(self) -> list[str]:
        return sorted({c.backup for c in self.covers if c.backup})

    @property
    def period(self) -> tuple[date, ...]:
        """The working days off, in order: what every cover's days are part of."""
        return tuple(sorted(self.daily))

    def spans(self, cover: Cover) -> tuple[Span, ...]:
        """The stretches of the request ``cover`` covers; the whole request as its dates."""
        if self.whole(cover):
            return ((self.request.start, self.request.end),)
        return spans(cover.days, self.period)

    def part(self, cover: Cover) -> tuple[Span, ...]:
        """The stretches of the request ``cover`` is for when it is part of it; () when it is
        for the whole of it (what the wording then leaves unsaid)."""
        return () if self.whole(cover) else self.spans(cover)

    def whole(self, cover: Cover) -> bool:
        """``cover`` is for every working day off of the request."""
        return set(cover.days) >= set(self.daily)

    def covers_of(self, backup: str) -> tuple[Cover, ...]:
        """The covers ``backup`` holds (any case)."""
        key = user_key(backup)
        return tuple(c for c in self.covers if c.backup and user_key(c.backup) == key)


@dataclass(frozen=True)
class Evaluation:
    today: date
    requests: tuple[Evaluated, ...]  # in queue order
    fallback_days: Mapping[str, Mapping[int, int]]  # engineer -> year -> days of fallback cover
    _by_iid: dict[int, Evaluated] = field(default_factory=dict, repr=False)
    _by_engineer: dict[str, tuple[Evaluated, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def of(
        cls,
        today: date,
        requests: tuple[Evaluated, ...],
        fallback_days: Mapping[str, Mapping[int, int]],
    ) -> Evaluation:
        by_engineer: dict[str, list[Evaluated]] = defaultdict(list)
        for ev in requests:
            if ev.counted:
                by_engineer[user_key(ev.request.engineer)].append(ev)
        return cls(
            today,
            requests,
            fallback_days,
            {e.iid: e for e in requests},
            {k: tuple(v) for k, v in by_engineer.items()},
        )

    def get(self, iid: int) -> Evaluated | None:
        return self._by_iid.get(iid)

    def fallback_weeks(self, username: str, year: int) -> float:
        return self.fallback_days.get(username, {}).get(year, 0) / 5

    def absence(self, user: str, days: Iterable[date]) -> Evaluated | None:
        """The request that has ``user`` out on one of ``days``, if any. Out on a day: it is one
        of their days off, a working day of the team that is no public holiday of theirs (the
        ``daily`` of a counted request, :func:`~.counting.days_off`). A backup off only on a
        Saturday, or on their own holiday, is not out for the week they cover."""
        wanted = set(days)
        mine = self._by_engineer.get(user_key(user), ())
        return next((e for e in mine if wanted.intersection(e.daily)), None)

    def out_on(self, day: date) -> list[Evaluated]:
        """The requests that have someone out on ``day`` (a working day off for them)."""
        return [e for e in self.requests if e.counted and day in e.daily]
