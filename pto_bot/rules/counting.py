"""Rule 1 of SPEC: count-based thresholds.

For a request, count the distinct engineers out on each working day of its period, taking the
requests queued before it plus itself. A public holiday of an engineer's country is not a working
day for them: nobody is "out" on a day the team is off anyway (:func:`days_off`). The 1 / 2 / 3+
banding, the visibility post and the approval hold are decided here and nowhere else:

- 1 out: coordinate with the pod (``out::1``);
- ``thresholds.visibility`` out: also post for visibility in the team channel;
- ``thresholds.approval`` out and more: planned PTO waits for the manager's approval; emergency
  PTO is never held, the manager is informed instead. ``approval: null`` (the classic workflow,
  the buddy program) holds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from ..domain.calendar import holiday_name, working_days
from ..domain.policy import Policy
from ..domain.request_form import Kind, PtoRequest

Level = Literal["none", "pod", "visibility", "approval"]


class OutIndex:
    """Who is out on each day, among the requests counted so far (queue order): while the
    evaluation runs, what :meth:`~.evaluation.Evaluation.absence` says once it is done.

    Counting a request costs its own days, not the number of requests before it.
    """

    def __init__(self) -> None:
        self._by_day: dict[date, set[str]] = defaultdict(set)

    def add(self, engineer: str, days: Iterable[date]) -> None:
        """``engineer`` is out on ``days`` (their days off: :func:`days_off`)."""
        for day in days:
            self._by_day[day].add(engineer)

    def is_out_on(self, user: str, days: Iterable[date]) -> bool:
        """``user`` is out on one of ``days``."""
        return any(user in self._by_day.get(day, ()) for day in days)

    def out_on(self, day: date) -> set[str]:
        return self._by_day.get(day, set())


@dataclass(frozen=True)
class Count:
    daily: dict[date, int]  # working day -> people out (this request included)
    count: int  # the peak
    peak_days: tuple[date, ...]
    overlapping: tuple[str, ...]  # some of the others out during the period (up to NAMED)


NAMED = 12  # the others a note names; in a large team the rest are "and N more"


def count(engineer: str, days: Iterable[date], out: OutIndex) -> Count:
    """The count of a request of ``engineer`` on ``days``, against the requests in ``out``:
    its own days' cost, whatever the size of the team."""
    daily: dict[date, int] = {}
    others: set[str] = set()
    for day in days:
        people = out.out_on(day)
        mine = engineer in people
        daily[day] = len(people) - mine + 1
        if len(others) < NAMED:
            others.update(p for p in people if p != engineer)
    peak = max(daily.values(), default=1)
    return Count(
        daily=daily,
        count=peak,
        peak_days=tuple(d for d, n in daily.items() if n == peak),
        overlapping=tuple(sorted(others)[:NAMED]),
    )


def days_off(policy: Policy, r: PtoRequest) -> list[date]:
    """The team's working days of the request that are not public holidays for the engineer."""
    return days_off_between(policy, r.engineer, r.start, r.end)


def days_off_between(policy: Policy, engineer: str, start: date, end: date) -> list[date]:
    """The team's working days from ``start`` to ``end`` that are not public holidays for
    ``engineer``: the days they are out, when off for that period."""
    person = policy.engineers.get(engineer)
    return [
        day
        for day in working_days(start, end, policy.working_weekdays)
        if person is None or not holiday_name(person.country, person.subdivision, day)
    ]


def band(people: int, policy: Policy) -> str:
    """``"0"``, ``"1"``, ``"2"``, ... up to ``"3+"``: the approval threshold and above share one."""
    top = policy.thresholds.approval
    return f"{top}+" if top is not None and people >= top else str(people)


def level(people: int, policy: Policy) -> Level:
    """What a number of people out asks of the team."""
    if reaches_approval(people, policy):
        return "approval"
    if people >= policy.thresholds.visibility:
        return "visibility"
    return "pod" if people else "none"


def reaches_approval(people: int, policy: Policy) -> bool:
    """The approval threshold is set and ``people`` reach it."""
    top = policy.thresholds.approval
    return top is not None and people >= top


def out_label(people: int, policy: Policy) -> str:
    return f"{policy.labels.out_prefix}{band(people, policy)}"


def posts_for_visibility(people: int, policy: Policy) -> bool:
    return people >= policy.thresholds.visibility


def held_for_approval(people: int, kind: Kind, approved: bool, policy: Policy) -> bool:
    """Planned PTO at the approval threshold waits for the manager, unless approved."""
    return reaches_approval(people, policy) and kind == "planned" and not approved


def informs_manager(people: int, kind: Kind, policy: Policy) -> bool:
    """Emergency PTO at the approval threshold is not held, but the manager is told."""
    return reaches_approval(people, policy) and kind == "emergency"
