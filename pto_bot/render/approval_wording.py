"""What the approval's follow-ups say: the manager's reminder and the deputy's ask (each a new
note in the approval note's thread). Wording only: when they are due is
:mod:`pto_bot.rules.approval`."""

from __future__ import annotations

from datetime import date, datetime

from ..domain.policy import Policy
from ..rules.approval import deputy_from
from ..rules.evaluation import Evaluated
from .engine import Trusted, local_time, render


def reminder_note(
    ev: Evaluated, policy: Policy, number: int, asked_at: datetime, now: datetime
) -> str:
    deputy = policy.approval.deputy
    silent_from = deputy_from(asked_at, policy)
    return render(
        "approval_reminder.md.j2",
        manager=policy.team.manager,
        number=number,
        most=policy.approval.reminders,
        engineer=ev.request.engineer,
        start=ev.request.start,
        end=ev.request.end,
        asked=local_time(asked_at, policy.tz),
        command=Trusted(policy.bot.command),
        deputy=deputy,
        silent_from=local_time(silent_from, policy.tz),
        handed_over=now >= silent_from,
        days=policy.approval.deputy_after_days,
    )


def deputy_note(ev: Evaluated, policy: Policy, asked_at: datetime, away_end: date | None) -> str:
    return render(
        "approval_deputy.md.j2",
        deputy=policy.approval.deputy,
        manager=policy.team.manager,
        away_end=away_end,
        days=policy.approval.deputy_after_days,
        asked=local_time(asked_at, policy.tz),
        engineer=ev.request.engineer,
        start=ev.request.start,
        end=ev.request.end,
        count=ev.count,
        command=Trusted(policy.bot.command),
    )
