"""The calendar every rule counts in: countries, working days, the day after a period."""

from __future__ import annotations

from datetime import date

import holidays

from pto_bot.domain.calendar import first_working_day_after, supported_countries

WEEKDAYS = frozenset(range(5))


def test_the_countries_are_read_from_the_registry_as_the_package_lists_them() -> None:
    assert supported_countries() == frozenset(holidays.list_supported_countries())
    assert {"US", "CA", "GB", "UK", "USA"} <= supported_countries()


def test_the_first_working_day_after_skips_weekends_and_the_persons_holidays() -> None:
    # Thanksgiving, Thursday 2026-11-26: a US holiday, not a Canadian one
    assert first_working_day_after(date(2026, 11, 25), WEEKDAYS, "US", None) == date(2026, 11, 27)
    assert first_working_day_after(date(2026, 11, 25), WEEKDAYS, "CA", None) == date(2026, 11, 26)
    assert first_working_day_after(date(2026, 11, 27), WEEKDAYS, None, None) == date(2026, 11, 30)
