"""Working days and public holidays (from the maintained ``holidays`` package): the calendar
every rule counts in.

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
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
