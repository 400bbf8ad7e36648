"""Rule 1: count-based thresholds, as pure functions (people in, band and decisions out)."""

from __future__ import annotations

from datetime import date

import pytest

from project import Project, policy_file
from pto_bot.domain.calendar import working_days
from pto_bot.domain.request_form import PtoRequest
from pto_bot.rules import counting

POLICY = policy_file()  # visibility 2, approval 3


@pytest.mark.parametrize(
    ("people", "band", "level", "label"),
    [
        (0, "0", "none", "out::0"),
        (1, "1", "pod", "out::1"),
        (2, "2", "visibility", "out::2"),
        (3, "3+", "approval", "out::3+"),
        (7, "3+", "approval", "out::3+"),
    ],
)
def test_the_band_of_a_count(people: int, band: str, level: str, label: str) -> None:
    assert counting.band(people, POLICY) == band
    assert counting.level(people, POLICY) == level
    assert counting.out_label(people, POLICY) == label


@pytest.mark.parametrize(
    ("people", "kind", "approved", "held", "informed", "visible"),
    [
        (1, "planned", False, False, False, False),
        (2, "planned", False, False, False, True),
        (3, "planned", False, True, False, True),
        (3, "planned", True, False, False, True),
        (3, "emergency", False, False, True, True),
        (2, "emergency", False, False, False, True),
    ],
)
def test_what_a_count_asks_of_the_team(
    people: int, kind: str, approved: bool, held: bool, informed: bool, visible: bool
) -> None:
    assert counting.held_for_approval(people, kind, approved, POLICY) is held  # type: ignore[arg-type]
    assert counting.informs_manager(people, kind, POLICY) is informed  # type: ignore[arg-type]
    assert counting.posts_for_visibility(people, POLICY) is visible


def test_a_count_takes_the_peak_working_day_and_names_the_others() -> None:
    out = counting.OutIndex()
    week = working_days(date(2026, 12, 7), date(2026, 12, 11), POLICY.working_weekdays)
    out.add("klang", week[:2])
    out.add("harishsr", week[1:2])
    found = counting.count("a.conrad", week, out)
    assert found.count == 3
    assert found.peak_days == (date(2026, 12, 8),)
    assert found.daily[date(2026, 12, 11)] == 1
    assert found.overlapping == ("harishsr", "klang")


def test_the_same_engineer_twice_counts_once() -> None:
    out = counting.OutIndex()
    days = [date(2026, 12, 7)]
    out.add("klang", days)
    assert counting.count("klang", days, out).count == 1
    assert out.is_out_on("klang", days)
    assert not out.is_out_on("klang", [date(2026, 12, 8)])


def test_days_off_leave_out_weekends_and_the_engineers_public_holidays() -> None:
    # Thanksgiving (Thu 2026-11-26) is a US holiday: harishsr (US) is not off that day
    r = PtoRequest("harishsr", date(2026, 11, 25), date(2026, 11, 30), "planned", (), "")
    assert counting.days_off(POLICY, r) == [
        date(2026, 11, 25),
        date(2026, 11, 27),
        date(2026, 11, 30),
    ]
    ca = PtoRequest("dbass90", date(2026, 11, 25), date(2026, 11, 30), "planned", (), "")
    assert date(2026, 11, 26) in counting.days_off(POLICY, ca)


def test_requests_count_in_queue_order() -> None:
    p = Project()
    first = p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-02")
    evaluation = p.plan("2026-11-20").evaluation
    assert [evaluation.get(i).count for i in (first, second)] == [1, 2]  # type: ignore[union-attr]
