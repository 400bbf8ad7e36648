"""Rules 6 and 7 of SPEC: the lead-time warning and the reminders, each on its day.

- Lead time: a planned request opened less than ``requests.lead_time_days`` before its start.
- ``reminders.days_before_start`` days before: playbooks not updated in
  ``reminders.playbook_stale_days`` days, and the week-before checklist.
- From the working day before the start until the start: a note on each covered account's
  playbook (kept true while out, never posted then: the playbooks are the engineer's).
- The last working day before return: a note to the backups.
- From the first working day back: the return checklist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from ..domain.accounts import Account
from ..domain.calendar import last_working_day_before
from ..domain.policy import ChecklistItem, Policy
from .evaluation import Evaluated, Status


def days_ahead(ev: Evaluated, policy: Policy) -> int:
    """Days from the opening of the request (in the team's time zone) to its first day off."""
    opened = ev.filed.issue.created_at.astimezone(policy.tz).date()
    return (ev.request.start - opened).days


def opened_in_time(ev: Evaluated, policy: Policy) -> bool:
    """Opened at least ``requests.lead_time_days`` before the start."""
    return days_ahead(ev, policy) >= policy.requests.lead_time_days


def lead_time_days(ev: Evaluated, policy: Policy) -> int | None:
    """The days between opening and start when a planned request was opened too late."""
    days = days_ahead(ev, policy)
    late = (
        ev.request.kind == "planned"
        and ev.request.source != "calendar"  # booked in the time-off tool, who knows when
        and days >= 0
        and not opened_in_time(ev, policy)
        and ev.status in (Status.ACTIVE, Status.NEEDS_APPROVAL)
    )
    return days if late else None


def is_week_before(ev: Evaluated, today: date, policy: Policy) -> bool:
    """From ``days_before_start`` days before the start until the day before it."""
    start = ev.request.start
    return start - timedelta(days=policy.reminders.days_before_start) <= today < start


def stale_playbooks(accounts: Iterable[Account], now: datetime, policy: Policy) -> list[Account]:
    """Playbooks nobody worked on (a comment, a description edit) in ``playbook_stale_days``."""
    before = now - timedelta(days=policy.reminders.playbook_stale_days)
    return [a for a in accounts if a.edited_at < before]


def is_out_today(ev: Evaluated, today: date) -> bool:
    return ev.request.start <= today <= ev.request.end


def playbook_cue(ev: Evaluated, policy: Policy) -> date:
    """The day the playbook notes are posted: the last working day before the start."""
    return last_working_day_before(ev.request.start, policy.working_weekdays)


def is_playbook_note_due(ev: Evaluated, today: date, policy: Policy) -> bool:
    """From the working day before the start until the day before it: the engineer is still
    there to hear of the notes on their playbooks."""
    return playbook_cue(ev, policy) <= today < ev.request.start


def backup_cue(ev: Evaluated, policy: Policy) -> date:
    """The day the backups are reminded: the last working day before the return."""
    assert ev.return_day is not None
    return last_working_day_before(ev.return_day, policy.working_weekdays)


def is_backup_reminder_due(ev: Evaluated, today: date, policy: Policy) -> bool:
    if not policy.reminders.backup_before_return or not ev.backups or ev.return_day is None:
        return False
    return max(backup_cue(ev, policy), ev.request.start) <= today < ev.return_day


def checklist(items: Iterable[str | ChecklistItem], ev: Evaluated) -> list[str]:
    """The items of a checklist that apply to ``ev``: those about backups only if it had any."""
    return [
        item if isinstance(item, str) else item.text
        for item in items
        if isinstance(item, str) or not item.only_with_backups or ev.backups
    ]


def is_return_due(ev: Evaluated, today: date, policy: Policy) -> bool:
    return (
        policy.reminders.return_checklist and ev.return_day is not None and today >= ev.return_day
    )
