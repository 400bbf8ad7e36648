"""Working days and public holidays (from the maintained ``holidays`` package): the calendar
every rule counts in, and the team's working time (:class:`TeamCalendar`).

Only the team's countries are loaded. The package's ``holidays.countries`` imports all of its
250 countries as soon as one is asked for; here it is replaced, before anything imports it, by
a package that imports a country's module when that country is asked for (:func:`_lazy_countries`).
Which codes exist is read from the package's registry file without importing the package at
all (:func:`supported_countries`): validating a policy loads no calendar.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

_COUNTRIES = "holidays.countries"


def _registry() -> dict[str, tuple[str, ...]]:
    """The holidays package's registry of countries (module name: class name, codes, aliases),
    read from its source without importing the package; imported when it cannot be read so."""
    spec = importlib.util.find_spec("holidays")  # locates the package, does not import it
    origin = spec.origin if spec is not None else None
    try:
        tree = ast.parse(Path(origin or "").with_name("registry.py").read_text("utf-8"))
        for node in tree.body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "COUNTRIES" for t in targets):
                    found = ast.literal_eval(node.value)
                    if isinstance(found, dict) and found:
                        return found
    except (OSError, SyntaxError, ValueError, TypeError):
        pass
    from holidays.registry import COUNTRIES

    return COUNTRIES


@cache
def supported_countries() -> frozenset[str]:
    """The ISO codes (alpha-2 and alpha-3) of the countries the holidays package knows."""
    return frozenset(
        code
        for entry in _registry().values()
        for code in entry[1:]
        if code.isupper() and len(code) <= 3
    )


def _lazy_countries() -> types.ModuleType:
    """``holidays.countries`` as a package that imports one country's module when one of its
    names (class, codes, aliases) is asked for; the package's own ``__init__``, which imports
    every country, never runs. Installed once, before the first calendar is made."""
    found = sys.modules.get(_COUNTRIES)
    if found is not None:
        return found
    import holidays  # noqa: F401  (the parent package: constants, base classes, no country)

    spec = importlib.util.find_spec(_COUNTRIES)
    if spec is None or spec.submodule_search_locations is None:
        raise ImportError(f"{_COUNTRIES} not found")
    package = types.ModuleType(_COUNTRIES, "Countries, each imported when first asked for.")
    package.__spec__ = spec
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = _COUNTRIES
    where = {name: module for module, names in _registry().items() for name in names}

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {_COUNTRIES!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{_COUNTRIES}.{where[name]}"), name)
        setattr(package, name, value)
        return value

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[_COUNTRIES] = package
    return package


def _country_holidays(country: str, **options: Any) -> holidays.HolidayBase:
    _lazy_countries()
    import holidays

    return holidays.country_holidays(country, **options)


@cache
def _calendar(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    cal = _country_holidays(country, subdiv=subdivision, years=year)
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
        _country_holidays(country, subdiv=subdivision)
    except NotImplementedError:
        return False
    return True


def unknown_subdivision(country: str, subdivision: str | None) -> str | None:
    """What is wrong with ``subdivision`` of ``country``, for a policy problem; None when it
    is fine (or not given)."""
    if subdivision is None or known_subdivision(country, subdivision):
        return None
    return (
        f"{subdivision!r} is not one the holidays package knows for {country} "
        "(e.g. ON for CA, CA for US)"
    )


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


#: How far working time is counted before giving up (a calendar with no working day at all).
_LONGEST = 3660  # days


@dataclass(frozen=True)
class TeamCalendar:
    """The team's working time: its working weekdays that are not public holidays of the
    team's country, in the team's time zone, each counted round the clock (00:00 to 24:00).
    A deadline of working hours skips the rest: 48 h from Friday 10:00 is Tuesday 10:00."""

    weekdays: frozenset[int]
    tz: ZoneInfo
    country: str | None = None
    subdivision: str | None = None

    def holiday(self, day: date) -> str | None:
        """The team's public holiday on ``day``, if it is one."""
        if self.country is None:
            return None
        return holiday_name(self.country, self.subdivision, day)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and self.holiday(day) is None

    def day_of(self, moment: datetime) -> date:
        """The team's day at ``moment``."""
        return moment.astimezone(self.tz).date()

    def _midnight(self, day: date) -> datetime:
        """The instant the team's ``day`` begins, in UTC (arithmetic on aware times of one zone
        ignores daylight saving time: done in UTC)."""
        return datetime.combine(day, time(0), tzinfo=self.tz).astimezone(UTC)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment ``hours`` of working time after ``start``: only the hours of working days
        count; a start on a day off counts from the next working day's midnight."""
        left = timedelta(hours=hours)
        moment = start.astimezone(UTC)
        day = self.day_of(start)
        for _ in range(_LONGEST):
            nxt = day + timedelta(days=1)
            if self.is_working_day(day):
                begin = max(moment, self._midnight(day))
                span = self._midnight(nxt) - begin
                if span >= left:
                    return (begin + left).astimezone(start.tzinfo)
                left -= span
            day = nxt
        raise ValueError(f"no working day within {_LONGEST} days of {start:%Y-%m-%d}")

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """The hours of working time from ``start`` to ``end`` (0 when ``end`` comes first)."""
        total = timedelta()
        first, last = start.astimezone(UTC), end.astimezone(UTC)
        day = self.day_of(start)
        while first < last and day <= self.day_of(end):
            nxt = day + timedelta(days=1)
            if self.is_working_day(day):
                begin, finish = max(first, self._midnight(day)), min(last, self._midnight(nxt))
                total += max(timedelta(), finish - begin)
            day = nxt
        return total.total_seconds() / 3600

    def working_days_after(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (``day`` itself not counted)."""
        found = 0
        for _ in range(_LONGEST):
            day += timedelta(days=1)
            if self.is_working_day(day):
                found += 1
                if found >= count:
                    return day
        raise ValueError(f"no working day within {_LONGEST} days")

    def same_time_working_days_later(self, moment: datetime, count: int) -> datetime:
        """The same clock time of the team, ``count`` working days after ``moment``'s day:
        asked on Friday at 10:00, two working days later is Tuesday at 10:00."""
        local = moment.astimezone(self.tz)
        day = self.working_days_after(local.date(), count)
        later = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.tz)
        return later.astimezone(moment.tzinfo)
