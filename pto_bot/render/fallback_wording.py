"""What a fallback request says: why the pod cannot cover, the accounts and their volunteers,
the deadline in the team's time zone, suggested volunteers; the escalation and closing notes."""

from __future__ import annotations

from datetime import datetime

from ..domain.policy import Policy
from ..rules.evaluation import Evaluated, Evaluation
from ..rules.fallback import deadline, suggestions, window_hours
from .engine import Trusted, local_time, render
from .wording import cover_row


def fallback_reason(ev: Evaluated, policy: Policy) -> str:
    if policy.coverage.mode == "hand-picked" or ev.request.backups:
        return "the backups named in the request declined it or are out on these days"
    if ev.pod is None:
        return f"{ev.request.engineer} is in no pod for these dates"
    if not ev.pod_covers:
        return (
            f"{policy.coverage.pod_out_limit} or more of the pod are out, "
            "or nobody in it is free on these days"
        )
    capacity = policy.coverage.capacity_hours_per_week
    if capacity is None:
        return "nobody in the pod is free on these days"
    return (
        "nobody in the pod is free on these days, or its backups would exceed about "
        f"{capacity:g} h/week"
    )


def fallback_description(
    ev: Evaluated,
    evaluation: Evaluation,
    policy: Policy,
    window_start: datetime,
    reopened: bool = False,
) -> str:
    r = ev.request
    return render(
        "fallback.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        pod=ev.pod,
        reason=fallback_reason(ev, policy),
        request=Trusted(str(ev.iid)),
        kind="" if ev.filed.secret else r.kind,
        accounts=[cover_row(ev, c) for c in ev.fallback_covers],
        command=Trusted(policy.bot.command),
        limit=policy.fallback.max_accounts_per_volunteer,
        deadline=local_time(deadline(r.kind, window_start, policy), policy.tz),
        reopened=reopened,
        window=window_hours(r.kind, policy),
        country=policy.team_country,
        manager=policy.team.manager,
        suggestions=[
            {
                "user": s.user,
                "weeks": f"{s.weeks:g}",
                "holidays": [f"{d} {name}" for d, name in s.holidays],
            }
            for s in suggestions(ev, evaluation, policy)
        ],
    )


def escalated_note(ev: Evaluated, policy: Policy, at: datetime) -> str:
    return render(
        "escalated.md.j2",
        manager=policy.team.manager,
        deadline=local_time(at, policy.tz),
        accounts=[c.account.name for c in ev.uncovered],
        command=Trusted(policy.bot.command),
    )


def fallback_closed_note(volunteers: list[str], covered: bool, reason: str) -> str:
    return render("fallback_closed.md.j2", covered=covered, volunteers=volunteers, reason=reason)
