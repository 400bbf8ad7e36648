"""The calendar every rule counts in: countries, working days, the day after a period."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from datetime import date

import holidays
import pytest

from pto_bot.domain import calendar
from pto_bot.domain.calendar import first_working_day_after, supported_countries

WEEKDAYS = frozenset(range(5))


def test_the_countries_are_read_from_the_registry_as_the_package_lists_them() -> None:
    assert supported_countries() == frozenset(holidays.list_supported_countries())
    assert {"US", "CA", "GB", "UK", "USA"} <= supported_countries()


@pytest.mark.slow
def test_the_countries_are_known_without_loading_the_holidays_package() -> None:
    script = (
        "import sys\n"
        "from pto_bot.domain.calendar import supported_countries\n"
        "print(len(supported_countries()), 'holidays' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.split() == [str(len(holidays.list_supported_countries())), "False"]


def test_the_countries_are_imported_from_the_registry_when_its_file_cannot_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    from holidays.registry import COUNTRIES

    assert calendar._registry() is COUNTRIES


def test_the_first_working_day_after_skips_weekends_and_the_persons_holidays() -> None:
    # Thanksgiving, Thursday 2026-11-26: a US holiday, not a Canadian one
    assert first_working_day_after(date(2026, 11, 25), WEEKDAYS, "US", None) == date(2026, 11, 27)
    assert first_working_day_after(date(2026, 11, 25), WEEKDAYS, "CA", None) == date(2026, 11, 26)
    assert first_working_day_after(date(2026, 11, 27), WEEKDAYS, None, None) == date(2026, 11, 30)
