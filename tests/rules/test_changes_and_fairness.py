"""Rule 8 (cancellation; decisions hold for their dates) and rule 9 (fallback weeks against the
target), as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from project import Project, policy_file
from pto_bot.domain.ledger import Decisions
from pto_bot.domain.request_form import PtoRequest
from pto_bot.domain.snapshot import Issue
from pto_bot.rules import changes, fairness

POLICY = policy_file()
REQUEST = PtoRequest("klang", date(2026, 12, 7), date(2026, 12, 11), "planned", (), "")


def issue(labels: tuple[str, ...] = ("pto",), closed: str | None = None) -> Issue:
    moment = datetime(2026, 11, 1, tzinfo=UTC)
    closed_at = datetime.fromisoformat(closed).replace(tzinfo=UTC) if closed else None
    state = "closed" if closed else "opened"
    return Issue(1, "PTO", "", labels, state, "klang", moment, moment, closed_at=closed_at)


@pytest.mark.parametrize(
    ("the_issue", "cancelled"),
    [
        (issue(), False),
        (issue(("pto", "pto::cancelled")), True),
        (issue(closed="2026-12-06T10:00"), True),  # closed before the first day off
        (issue(closed="2026-12-14T10:00"), False),  # closed after: done, not cancelled
    ],
)
def test_a_request_is_cancelled_by_its_label_or_by_closing_it_before_it_starts(
    the_issue: Issue, cancelled: bool
) -> None:
    assert changes.is_cancelled(the_issue, REQUEST, POLICY) is cancelled


def test_a_decision_holds_for_the_dates_it_was_given_for() -> None:
    approved = Decisions(approved=("2026-12-07", "2026-12-11"))
    assert changes.is_approved(approved, REQUEST)
    moved = PtoRequest("klang", date(2026, 12, 7), date(2026, 12, 14), "planned", (), "")
    assert not changes.is_approved(approved, moved)
    denied = Decisions(denied=("2026-12-07", "2026-12-11", "crunch"))
    assert changes.is_denied(denied, REQUEST) and not changes.is_denied(denied, moved)


@pytest.mark.parametrize(
    ("weeks", "standing"), [(0, "below"), (2, "within"), (4, "within"), (4.2, "above")]
)
def test_fallback_weeks_stand_against_the_target(weeks: float, standing: str) -> None:
    assert fairness.standing(weeks, POLICY) == standing


def test_fallback_days_count_the_working_days_a_volunteer_covers() -> None:
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-28", "2027-01-08", created="2026-11-01")
    req = p.request("dbass90", "2026-12-28", "2027-01-08", created="2026-11-02")
    p.comment(req, "klang", "/pto volunteer Northwind", when="2026-11-10")
    evaluation = p.plan("2026-11-20").evaluation
    days = fairness.fallback_days(evaluation.requests, POLICY)
    # Mon 28 - Thu 31, then Mon 4 - Fri 8: New Year's Day is a holiday for dbass90 (CA)
    assert days == {"klang": {2026: 4, 2027: 5}}
    assert evaluation.fallback_weeks("klang", 2027) == 1.0
