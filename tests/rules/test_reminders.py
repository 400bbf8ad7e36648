"""Rules 6 and 7: the lead-time warning and the days each reminder is due, as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from project import Project, policy_file
from pto_bot.rules import reminders
from pto_bot.rules.evaluation import Evaluated

POLICY = policy_file()  # lead time 14 days, reminders 7 days before


def one(created: str, kind: str = "planned") -> Evaluated:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned", updated="2026-10-01")
    p.playbook("Fresh Co", "klang", "high", "auto-assigned", updated="2026-11-25")
    req = p.request("klang", "2026-12-07", "2026-12-11", kind=kind, created=created)
    ev = p.plan("2026-11-20").evaluation.get(req)
    assert ev is not None
    return ev


@pytest.mark.parametrize(
    ("created", "kind", "warning"),
    [
        ("2026-11-22", "planned", None),  # 15 days ahead
        ("2026-11-23", "planned", None),  # exactly 14: in time
        ("2026-11-24", "planned", 13),
        ("2026-11-30", "planned", 7),
        ("2026-11-30", "emergency", None),  # emergency PTO is never late
    ],
)
def test_the_lead_time_warning(created: str, kind: str, warning: int | None) -> None:
    ev = one(created, kind)
    assert reminders.lead_time_days(ev, POLICY) == warning
    assert reminders.opened_in_time(ev, POLICY) is (created <= "2026-11-23")


@pytest.mark.parametrize(
    ("today", "week_before", "out", "backups", "returned"),
    [
        (date(2026, 11, 29), False, False, False, False),
        (date(2026, 11, 30), True, False, False, False),
        (date(2026, 12, 6), True, False, False, False),
        (date(2026, 12, 7), False, True, False, False),
        (date(2026, 12, 11), False, True, True, False),  # Friday: the last day before return
        (date(2026, 12, 14), False, False, False, True),  # Monday: back
    ],
)
def test_each_reminder_on_its_day(
    today: date, week_before: bool, out: bool, backups: bool, returned: bool
) -> None:
    ev = one("2026-11-01")
    assert ev.return_day == date(2026, 12, 14)
    assert reminders.is_week_before(ev, today, POLICY) is week_before
    assert reminders.is_out_today(ev, today) is out
    assert reminders.is_backup_reminder_due(ev, today, POLICY) is backups
    assert reminders.is_return_due(ev, today, POLICY) is returned


def test_stale_playbooks_are_those_not_updated_in_fourteen_days() -> None:
    ev = one("2026-11-01")
    mine = [c.account for c in ev.covers]
    now = datetime(2026, 11, 30, 14, tzinfo=UTC)
    assert [a.name for a in reminders.stale_playbooks(mine, now, POLICY)] == ["Acme Corp"]
