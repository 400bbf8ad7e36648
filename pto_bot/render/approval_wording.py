"""What the approval says: the manager's (or the deputy's) note asking for the decision, and its
follow-ups, the manager's reminder and the deputy's ask (each a new note in the approval note's
thread). Wording only: when they are due is :mod:`pto_bot.rules.approval`."""

from __future__ import annotations

from datetime import date, datetime

from ..domain.policy import Policy
from ..rules.approval import deputy_from
from ..rules.evaluation import Evaluated
from .engine import Trusted, local_time, render
from .wording import cover_row, peak


def approval_note(
    ev: Evaluated, policy: Policy, would: Evaluated | None = None, away: date | None = None
) -> str:
    """The manager's one note per decision: who would be out, and the coverage the request would
    get if approved (``would``), so they can judge whether it is feasible. ``away``: the manager
    is out until that day, so the deputy is asked instead."""
    return render(
        "approval.md.j2",
        emergency=ev.request.kind == "emergency",
        manager=policy.team.manager,
        deputy=policy.approval.deputy if away is not None else None,
        away_end=away,
        engineer=ev.request.engineer,
        start=ev.request.start,
        end=ev.request.end,
        count=ev.count,
        peak=peak(ev),
        others=ev.overlapping,
        threshold=policy.thresholds.approval,
        command=Trusted(policy.bot.command),
        covers=[cover_row(would, c) for c in would.covers] if would else [],
        global_support=[a.name for a in would.global_support] if would else [],
        judged=would is not None,
    )


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
