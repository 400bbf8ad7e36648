"""Rule 9 of SPEC (fairness): fallback weeks per engineer and calendar year.

Counted from the fallback assignments (volunteered or assigned by command): the working days of
each request an engineer covers from the fallback request (all of it, or the part they took),
divided by 5, shown against the ``fallback.weeks_per_year`` target (2–4 by default).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Literal

from ..domain.policy import Policy
from .evaluation import Evaluated, Status

Standing = Literal["below", "within", "above"]


def fallback_days(evaluated: Iterable[Evaluated], policy: Policy) -> dict[str, dict[int, int]]:
    """Engineer -> year -> working days of fallback cover."""
    days: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for ev in evaluated:
        if ev.status is not Status.ACTIVE:
            continue
        covered: dict[str, set[date]] = defaultdict(set)
        for c in ev.covers:
            if c.fallback and c.backup:
                covered[c.backup] |= set(c.days)  # working days: the engineer's days off
        for person, their in covered.items():
            for day in their:
                days[person][day.year] += 1
    return {k: dict(v) for k, v in days.items()}


def standing(weeks: float, policy: Policy) -> Standing:
    """Where ``weeks`` of fallback in a year stand against the team's target."""
    target = policy.fallback.weeks_per_year
    if weeks < target.min:
        return "below"
    return "above" if weeks > target.max else "within"
