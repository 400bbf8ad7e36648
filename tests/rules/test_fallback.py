"""Rules 4 and 5: the fallback window, its deadline, the escalation, the volunteer limit and the
suggested volunteers, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from project import Project, policy_file
from pto_bot.rules import fallback

POLICY = policy_file()
OPENED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("kind", "hours", "due"), [("planned", 48, 3), ("emergency", 4, 1)])
def test_the_window_and_deadline_follow_the_kind(kind: str, hours: int, due: int) -> None:
    assert fallback.window_hours(kind, POLICY) == hours  # type: ignore[arg-type]
    deadline = fallback.deadline(kind, OPENED, POLICY)  # type: ignore[arg-type]
    assert (deadline - OPENED).total_seconds() == hours * 3600
    assert deadline.day == due


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
    at = datetime(2026, 11, 20, 14, tzinfo=UTC)
    assert not fallback.is_escalation_due(
        ev, at, datetime(2026, 11, 22, 13, 59, tzinfo=UTC), POLICY
    )
    assert fallback.is_escalation_due(ev, at, datetime(2026, 11, 22, 14, 0, tzinfo=UTC), POLICY)


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
