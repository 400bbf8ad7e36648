"""Working days and public holidays (from the maintained ``holidays`` package): the calendar
every rule counts in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache

import holidays


@cache
def supported_countries() -> frozenset[str]:
    """The ISO codes (alpha-2 and alpha-3) of the countries the holidays package knows, read
    from its registry: without importing every country's module."""
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # an older holidays without a registry
        return frozenset(holidays.list_supported_countries())
    return frozenset(
        code
        for entry in COUNTRIES.values()
        for code in entry[1:]
        if code.isupper() and len(code) <= 3
    )


@cache
def _calendar(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    cal = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return {day: str(name) for day, name in cal.items()}


def holiday_name(country: str, subdivision: str | None, day: date) -> str | None:
    return _calendar(country, subdivision, day.year).get(day)


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def working_days(start: date, end: date, weekdays: frozenset[int]) -> list[date]:
    return [d for d in days(start, end) if d.weekday() in weekdays]


@cache
def known_subdivision(country: str, subdivision: str) -> bool:
    try:
        holidays.country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        return False
    return True


def holidays_in(
    country: str, subdivision: str | None, start: date, end: date, weekdays: frozenset[int]
) -> list[tuple[date, str]]:
    """The public holidays on the working days from ``start`` to ``end``."""
    found = []
    for day in working_days(start, end, weekdays):
        name = holiday_name(country, subdivision, day)
        if name:
            found.append((day, name))
    return found


def first_working_day_after(
    day: date, weekdays: frozenset[int], country: str | None, subdivision: str | None
) -> date:
    """The first working day after ``day`` that is not a public holiday where the person works."""
    nxt = day + timedelta(days=1)
    for _ in range(30):
        holiday = country is not None and holiday_name(country, subdivision, nxt)
        if nxt.weekday() in weekdays and not holiday:
            return nxt
        nxt += timedelta(days=1)
    return nxt


def last_working_day_before(day: date, weekdays: frozenset[int]) -> date:
    """The last working day (by weekday) before ``day``."""
    prev = day - timedelta(days=1)
    while prev.weekday() not in weekdays:
        prev -= timedelta(days=1)
    return prev
