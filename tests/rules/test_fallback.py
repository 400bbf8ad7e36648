"""Rules 4 and 5: the fallback window, its deadline, the escalation, the volunteer limit and the
suggested volunteers, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from project import Project, policy_file, policy_with
from pto_bot.domain.policy import Policy
from pto_bot.rules import fallback

POLICY = policy_file()
OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(("kind", "hours", "due"), [("planned", 48, 3), ("emergency", 4, 1)])
def test_the_window_and_deadline_follow_the_kind(kind: str, hours: int, due: int) -> None:
    assert fallback.window_hours(kind, POLICY) == hours  # type: ignore[arg-type]
    deadline = fallback.deadline(kind, OPENED, POLICY)  # type: ignore[arg-type]
    assert (deadline - OPENED).total_seconds() == hours * 3600  # a Tuesday: all working time
    assert deadline.day == due


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("kind", "opened", "due"),
    [
        # the issue's own examples: a weekend does not count
        ("planned", "2026-11-20T10:00", "2026-11-24T10:00"),  # Friday -> Tuesday
        ("emergency", "2026-11-20T22:00", "2026-11-23T02:00"),  # Friday night -> Monday 02:00
        # the team's public holiday does not count either (Thanksgiving, Thursday 2026-11-26)
        ("planned", "2026-11-25T10:00", "2026-11-30T10:00"),
        ("emergency", "2026-11-25T22:00", "2026-11-27T02:00"),
        # opened on a day off: counted from the next working day's midnight
        ("planned", "2026-11-21T15:00", "2026-11-25T00:00"),
        ("emergency", "2026-11-22T23:30", "2026-11-23T04:00"),
        # across the end of daylight saving time (Sunday 2026-11-01): hours, not clock readings
        ("planned", "2026-10-30T10:00", "2026-11-03T10:00"),
    ],
)
def test_the_window_counts_only_the_hours_of_the_teams_working_days(
    kind: str, opened: str, due: str
) -> None:
    deadline = fallback.deadline(kind, local(opened), POLICY)  # type: ignore[arg-type]
    assert deadline == local(due)


def with_team(**team: object) -> Policy:
    return policy_with("team", **team)


def test_the_teams_holidays_are_those_of_its_country_most_engineers_by_default() -> None:
    # Good Friday (2026-04-03) is a holiday in Canada; the US works that day
    opened = local("2026-04-02T10:00")  # a Thursday
    assert POLICY.team_country == "US"  # seven of the nine engineers
    assert fallback.deadline("planned", opened, POLICY) == local("2026-04-06T10:00")
    canada = with_team(country="CA")
    assert canada.team_country == "CA"
    assert fallback.deadline("planned", opened, canada) == local("2026-04-07T10:00")


def test_a_team_subdivision_adds_its_regional_holidays() -> None:
    # Ontario's Family Day (Monday 2027-02-15) is no holiday in Quebec
    opened = local("2027-02-12T10:00")  # a Friday
    ontario = with_team(country="CA", subdivision="ON")
    quebec = with_team(country="CA", subdivision="QC")
    assert fallback.deadline("planned", opened, ontario) == local("2027-02-17T10:00")
    assert fallback.deadline("planned", opened, quebec) == local("2027-02-16T10:00")


def test_a_team_subdivision_the_holidays_package_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match=r"team\.subdivision: 'XX' is not one the holidays"):
        with_team(subdivision="XX")


@pytest.mark.parametrize(("already", "room"), [(0, 2), (1, 1), (2, 0), (5, 0)])
def test_a_volunteer_takes_at_most_two_accounts_per_request(already: int, room: int) -> None:
    assert fallback.volunteer_room(already, POLICY) == room


def two_out_in_alpha() -> tuple[Project, int]:
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    return p, p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")


def test_a_fallback_is_wanted_while_the_period_lasts_and_escalated_after_the_window() -> None:
    p, req = two_out_in_alpha()
    evaluation = p.plan("2026-11-20").evaluation
    ev = evaluation.get(req)
    assert ev is not None and [c.account.name for c in ev.uncovered] == ["Northwind"]
    assert fallback.is_wanted(ev, evaluation.today)
    assert not fallback.is_wanted(ev, datetime(2026, 12, 12).date())
    at = datetime(2026, 11, 20, 14, tzinfo=UTC)  # Friday 09:00 in New York
    # 48 h of calendar time would end on Sunday, when nobody could answer
    assert not fallback.is_escalation_due(ev, at, datetime(2026, 11, 22, 14, 0, tzinfo=UTC), POLICY)
    assert not fallback.is_escalation_due(
        ev, at, datetime(2026, 11, 24, 13, 59, tzinfo=UTC), POLICY
    )
    assert fallback.is_escalation_due(ev, at, datetime(2026, 11, 24, 14, 0, tzinfo=UTC), POLICY)


def test_suggested_volunteers_are_outside_the_pod_free_and_fewest_weeks_first() -> None:
    p, req = two_out_in_alpha()
    p.request("klang", "2026-12-07", "2026-12-07", created="2026-11-03")  # klang is out
    evaluation = p.plan("2026-11-20").evaluation
    ev = evaluation.get(req)
    assert ev is not None
    found = [s.user for s in fallback.suggestions(ev, evaluation, POLICY)]
    assert len(found) == POLICY.fallback.suggestions
    assert not {"harishsr", "dbass90", "andsmith3", "klang"} & set(found)
    assert found == sorted(found)  # all at 0 weeks: by username
