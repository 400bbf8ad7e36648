"""What each bot note and issue body says: builds the template context from an evaluation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from .evaluate import Cover, Evaluated, Evaluation, Status
from .holidays_cal import holidays_in
from .policy import Policy
from .render import Trusted, render
from .world import Account, weight


def _peak(ev: Evaluated) -> Trusted:
    days = ev.peak_days
    if not days:
        return Trusted("no working day")
    shown = ", ".join(d.strftime("%a %Y-%m-%d") for d in days[:5])
    return Trusted(shown + (f" and {len(days) - 5} more" if len(days) > 5 else ""))


def _cover_row(c: Cover) -> dict[str, Any]:
    return {
        "name": c.account.name,
        "priority": c.account.priority,
        "model": c.account.model,
        "backup": c.backup,
        "how": c.how,
        "how_note": Trusted(f" ({c.how})" if c.how else ""),
        "holidays": [(d, name) for d, name in c.holidays],
    }


def loads(ev: Evaluated, policy: Policy) -> list[tuple[str, float]]:
    total: dict[str, float] = defaultdict(float)
    for c in ev.covers:
        if c.backup:
            total[c.backup] += weight(policy, c.account)
    return sorted(total.items())


def coverage_note(ev: Evaluated, policy: Policy, fallback_ref: str | None) -> str:
    r = ev.request
    reason = ev.decisions.denied[2] if ev.decisions.denied else ""
    return render(
        "coverage.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        kind=r.kind,
        status=ev.status.value,
        count=ev.count,
        peak=_peak(ev),
        others=ev.overlapping,
        manager=policy.team.manager,
        command=Trusted(policy.bot.command),
        reason=reason,
        fallback=Trusted(fallback_ref or "(none)") if fallback_ref else None,
        uncovered=ev.uncovered,
        visibility=policy.thresholds.visibility <= ev.count,
        channel=policy.team.channel,
        emergency_over=r.kind == "emergency" and ev.count >= policy.thresholds.approval,
        covers=[_cover_row(c) for c in ev.covers],
        global_support=[a.name for a in ev.global_support],
        loads=loads(ev, policy),
        capacity=policy.coverage.capacity_hours_per_week,
        manager_cc=policy.team.manager if policy.coverage.mention_manager else None,
    )


def status_summary(ev: Evaluated, policy: Policy) -> Trusted:
    if ev.req.request is None:
        problems = "; ".join(ev.problems) or "the request cannot be read"
        return Trusted(render("needs_info.md.j2", author=ev.req.issue.author, problems=[problems]))
    r = ev.request
    label = ev.status.value
    if ev.status is Status.ACTIVE:
        label = "needs coverage" if ev.uncovered else "covered"
    return Trusted(
        render(
            "status.md.j2",
            engineer=r.engineer,
            start=r.start,
            end=r.end,
            status=label,
            count=ev.count,
            covers=[_cover_row(c) for c in ev.covers],
            global_support=[a.name for a in ev.global_support],
        )
    )


def needs_info_note(author: str, problems: list[str]) -> str:
    return render("needs_info.md.j2", author=author, problems=problems)


def approval_note(ev: Evaluated, policy: Policy) -> str:
    return render(
        "approval.md.j2",
        emergency=ev.request.kind == "emergency",
        manager=policy.team.manager,
        count=ev.count,
        peak=_peak(ev),
        threshold=policy.thresholds.approval,
        command=Trusted(policy.bot.command),
    )


def lead_time_note(ev: Evaluated, policy: Policy, days: int) -> str:
    return render(
        "lead_time.md.j2",
        engineer=ev.request.engineer,
        days=days,
        lead=policy.requests.lead_time_days,
    )


def playbooks_note(ev: Evaluated, policy: Policy, stale: list[Account]) -> str:
    return render(
        "playbooks.md.j2",
        engineer=ev.request.engineer,
        start=ev.request.start,
        stale_days=policy.reminders.playbook_stale_days,
        accounts=[{"name": a.name, "iid": a.iid, "updated": a.updated_at.date()} for a in stale],
    )


def checklist_note(ev: Evaluated, policy: Policy) -> str:
    r = ev.request
    rows = [{"name": c.account.name, "backup": c.backup} for c in ev.covers]
    rows += [{"name": a.name, "backup": None} for a in ev.global_support]
    return render(
        "checklist.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        items=policy.checklists.before,
        rows=rows,
    )


def backup_return_note(ev: Evaluated, policy: Policy) -> str:
    items = policy.checklists.backup or [
        "Tell them what happened: requests, decisions, open items."
    ]
    return render(
        "backup_return.md.j2",
        backups=ev.backups,
        engineer=ev.request.engineer,
        return_day=ev.return_day,
        items=items,
    )


def returned_note(ev: Evaluated, policy: Policy) -> str:
    return render("returned.md.j2", engineer=ev.request.engineer, items=policy.checklists.returning)


def released_note(ev: Evaluated, backups: list[str]) -> str:
    r = ev.request
    return render("released.md.j2", backups=backups, engineer=r.engineer, start=r.start, end=r.end)


def playbook_cover_note(
    ev: Evaluated, cover: Cover | None, fallback_ref: str | None, ended: bool = False
) -> str:
    r = ev.request
    return render(
        "playbook_cover.md.j2",
        status="ended" if ended else "active",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        backup=cover.backup if cover else None,
        model=cover.account.model if cover else "",
        fallback=Trusted(fallback_ref or "the fallback request"),
    )


def playbook_labels_note(account: Account) -> str:
    return render("playbook_labels.md.j2", problems=list(account.problems))


@dataclass(frozen=True)
class Suggestion:
    user: str
    weeks: str
    holidays: list[str]


def suggestions(ev: Evaluated, evaluation: Evaluation, policy: Policy) -> list[Suggestion]:
    r = ev.request
    pod = policy.pod_of(r.engineer, r.start)
    podmates = set(pod[1].members) if pod else {r.engineer}
    year = r.start.year
    candidates = [
        u
        for u in policy.engineers
        if u not in podmates and evaluation.absence(u, r.start, r.end) is None
    ]
    candidates.sort(key=lambda u: (evaluation.fallback_weeks(u, year), u))
    out = []
    for user in candidates[: policy.fallback.suggestions]:
        person = policy.engineers[user]
        found = holidays_in(
            person.country, person.subdivision, r.start, r.end, policy.working_weekdays
        )
        hol = [f"{d} {name}" for d, name in found]
        out.append(Suggestion(user, f"{evaluation.fallback_weeks(user, year):g}", hol))
    return out


def fallback_reason(ev: Evaluated, policy: Policy) -> str:
    if ev.pod is None:
        return f"{ev.request.engineer} is in no pod for these dates"
    if not ev.pod_covers:
        return (
            f"{policy.coverage.pod_out_limit} or more of the pod are out, "
            "or nobody in it is available for the whole period"
        )
    return (
        f"the pod's backups would exceed about {policy.coverage.capacity_hours_per_week:g} h/week"
    )


def fallback_description(
    ev: Evaluated, evaluation: Evaluation, policy: Policy, opened_at: datetime
) -> str:
    r = ev.request
    window = (
        policy.fallback.window_hours.emergency
        if r.kind == "emergency"
        else (policy.fallback.window_hours.planned)
    )
    return render(
        "fallback.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        pod=ev.pod,
        reason=fallback_reason(ev, policy),
        request=Trusted(str(ev.iid)),
        kind=r.kind,
        accounts=[_cover_row(c) for c in ev.fallback_covers],
        command=Trusted(policy.bot.command),
        limit=policy.fallback.max_accounts_per_volunteer,
        deadline=deadline(ev, policy, opened_at),
        window=window,
        manager=policy.team.manager,
        suggestions=suggestions(ev, evaluation, policy),
    )


def deadline(ev: Evaluated, policy: Policy, opened_at: datetime) -> datetime:
    hours = policy.fallback.window_hours
    window = hours.emergency if ev.request.kind == "emergency" else hours.planned
    return opened_at + timedelta(hours=window)


def escalated_note(ev: Evaluated, policy: Policy, at: datetime) -> str:
    return render(
        "escalated.md.j2",
        manager=policy.team.manager,
        deadline=at,
        accounts=[c.account.name for c in ev.uncovered],
        command=Trusted(policy.bot.command),
    )


def fallback_closed_note(volunteers: list[str], covered: bool, reason: str) -> str:
    return render("fallback_closed.md.j2", covered=covered, volunteers=volunteers, reason=reason)


def day_before(day: date, weekdays: frozenset[int]) -> date:
    """The last working day before ``day``."""
    prev = day - timedelta(days=1)
    while prev.weekday() not in weekdays:
        prev -= timedelta(days=1)
    return prev
