"""What each bot note and issue body says: the template context built from an evaluation.

Wording only: every decision (who covers, the deadline, the band) comes from :mod:`pto_bot.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from ..domain.accounts import Account
from ..domain.calendar import holidays_in
from ..domain.policy import Policy
from ..domain.request_form import PtoRequest
from ..rules.counting import informs_manager, posts_for_visibility
from ..rules.coverage import weight
from ..rules.evaluation import Cover, Evaluated, Evaluation, Status
from ..rules.fallback import deadline, suggestions, window_hours
from .engine import Trusted, local_time, render


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
        visibility=posts_for_visibility(ev.count, policy),
        channel=policy.team.channel,
        emergency_over=informs_manager(ev.count, r.kind, policy),
        covers=[_cover_row(c) for c in ev.covers],
        global_support=[a.name for a in ev.global_support],
        loads=loads(ev, policy),
        capacity=policy.coverage.capacity_hours_per_week,
        manager_cc=policy.team.manager if policy.coverage.mention_manager else None,
        own_holidays=[f"{d:%a %Y-%m-%d} {name}" for d, name in _holidays_of(policy, r)],
        backup_holidays=_backup_holidays(ev),
    )


def _holidays_of(policy: Policy, r: PtoRequest) -> list[tuple[date, str]]:
    """The engineer's public holidays on working days of the request."""
    person = policy.engineers.get(r.engineer)
    if person is None:
        return []
    return holidays_in(person.country, person.subdivision, r.start, r.end, policy.working_weekdays)


def _backup_holidays(ev: Evaluated) -> list[tuple[str, list[str]]]:
    """Each backup with a public holiday in the period, once (not on every row)."""
    found: dict[str, list[str]] = {}
    for c in ev.covers:
        if c.backup and c.holidays and c.backup not in found:
            found[c.backup] = [f"{d} {name}" for d, name in c.holidays]
    return sorted(found.items())


def backups_note(ev: Evaluated, new: dict[str, str]) -> str:
    """Telling backups who were not told yet which accounts they now cover."""
    by_user: dict[str, list[str]] = defaultdict(list)
    for account, user in new.items():
        by_user[user].append(account)
    r = ev.request
    return render(
        "backups.md.j2",
        backups=[{"user": u, "accounts": sorted(a)} for u, a in sorted(by_user.items())],
        engineer=r.engineer,
        start=r.start,
        end=r.end,
    )


def status_summary(ev: Evaluated, policy: Policy) -> Trusted:
    if ev.req.request is None:
        problems = "; ".join(ev.problems) or "the request cannot be read"
        return Trusted(render("needs_info.md.j2", author=ev.req.issue.author, problems=[problems]))
    r = ev.request
    label = ev.state.replace("-", " ") if ev.status is Status.ACTIVE else ev.status.value
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


def approval_note(ev: Evaluated, policy: Policy, would: Evaluated | None = None) -> str:
    """The manager's one note per decision: who would be out, and the coverage the request would
    get if approved (``would``), so they can judge whether it is feasible."""
    return render(
        "approval.md.j2",
        emergency=ev.request.kind == "emergency",
        manager=policy.team.manager,
        engineer=ev.request.engineer,
        start=ev.request.start,
        end=ev.request.end,
        count=ev.count,
        peak=_peak(ev),
        others=ev.overlapping,
        threshold=policy.thresholds.approval,
        command=Trusted(policy.bot.command),
        covers=[_cover_row(c) for c in would.covers] if would else [],
        global_support=[a.name for a in would.global_support] if would else [],
        judged=would is not None,
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
        accounts=[
            {"name": a.name, "iid": a.iid, "updated": a.edited_at.astimezone(policy.tz).date()}
            for a in stale
        ],
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


def fallback_reason(ev: Evaluated, policy: Policy) -> str:
    if ev.pod is None:
        return f"{ev.request.engineer} is in no pod for these dates"
    if not ev.pod_covers:
        return (
            f"{policy.coverage.pod_out_limit} or more of the pod are out, "
            "or nobody in it is available for the whole period"
        )
    capacity = policy.coverage.capacity_hours_per_week
    return f"the pod's backups would exceed about {capacity or 0:g} h/week"


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
        kind=r.kind,
        accounts=[_cover_row(c) for c in ev.fallback_covers],
        command=Trusted(policy.bot.command),
        limit=policy.fallback.max_accounts_per_volunteer,
        deadline=local_time(deadline(r.kind, window_start, policy), policy.tz),
        reopened=reopened,
        window=window_hours(r.kind, policy),
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
