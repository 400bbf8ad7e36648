"""The coverage view: plain, frozen data about who is out and who covers, for every report.

``build_view(plan)`` is pure and deterministic: it reads the plan's world, evaluation and ``now``
and never the clock, the environment or the network. The static site (``site.py``), the JSON
export and the dashboard issue all render the same view, so they always agree.

The timeline window runs from the Monday of the team's current week for ``weeks`` whole weeks;
``days`` holds its working days with the number of distinct engineers out on each.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from ..domain.calendar import days as calendar_days
from ..domain.calendar import holiday_name, working_days
from ..domain.policy import Policy
from ..plan.planner import Plan
from ..rules import counting, fairness, fallback, reminders, rotation
from ..rules.evaluation import Evaluated, Status
from .view import (
    CoverageView,
    CoverRow,
    DayCount,
    Engineer,
    FallbackRow,
    FallbackWeeks,
    Holiday,
    PodRow,
    RequestRow,
    StalePlaybook,
    State,
    Thresholds,
    WaitingRow,
)


# -- building --------------------------------------------------------------------------------------
def shown(ev: Evaluated) -> bool:
    """Whether a report lists the request: a confidential one only while it counts (while
    someone is out on it); whether it waits, was denied or cancelled stays in it."""
    return ev.counted or not ev.filed.secret


def _request_row(ev: Evaluated, today: date) -> RequestRow:
    r = ev.request
    secret = ev.filed.secret
    return RequestRow(
        iid=ev.iid,
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        kind="" if secret else r.kind,
        status=ev.status.value,
        state=cast(State, ev.state),
        count=ev.count,
        pod=ev.pod,
        covers=tuple(
            CoverRow(
                account=c.account.name,
                priority=c.account.priority,
                model=c.account.model,
                backup=c.backup,
                how=c.how,
                fallback=c.fallback,
                backup_holidays=c.holidays,
                stretches=ev.part(c),
                confirmed=c.confirmed,
            )
            for c in ev.covers
        ),
        global_support=tuple(a.name for a in ev.global_support),
        uncovered=tuple(c.account.name for c in ev.uncovered),
        web_url=ev.filed.issue.web_url,
        opened_at=ev.filed.issue.created_at,
        is_open=ev.filed.issue.is_open,
        out_today=ev.counted and r.start <= today <= r.end,
        return_day=ev.return_day,
        problems=() if secret else tuple(p.message for p in ev.problems),
        confidential=secret,
    )


def _fallbacks(plan: Plan, now: datetime, today: date) -> list[FallbackRow]:
    world, policy = plan.world, plan.world.policy
    rows = []
    for ev in plan.evaluation.requests:
        if not (fallback.is_wanted(ev, today) and ev.uncovered):
            continue
        r = ev.request
        fb = world.fallbacks.get(ev.iid)
        opened_at = fb.opened_at if fb is not None else now
        window = fb.window_start if fb is not None else now
        due = fallback.deadline(r.kind, window, policy)
        labelled = fb is not None and policy.labels.escalated in fb.issue.labels
        rows.append(
            FallbackRow(
                iid=fb.issue.iid if fb is not None else None,
                web_url=fb.issue.web_url if fb is not None else "",
                request=ev.iid,
                engineer=r.engineer,
                start=r.start,
                end=r.end,
                kind="" if ev.filed.secret else r.kind,
                accounts_open=tuple(c.account.name for c in ev.uncovered),
                volunteers=tuple(
                    (c.account.name, c.backup) for c in ev.fallback_covers if c.backup
                ),
                opened_at=opened_at,
                deadline=due,
                escalated=labelled or fallback.is_escalation_due(ev, window, now, policy),
            )
        )
    rows.sort(key=lambda f: (f.deadline, f.request))
    return rows


def _waiting(plan: Plan) -> list[WaitingRow]:
    rows = []
    for ev in plan.evaluation.requests:
        issue = ev.filed.issue
        if not issue.is_open or ev.status not in (Status.NEEDS_INFO, Status.NEEDS_APPROVAL):
            continue
        if ev.filed.secret:
            continue  # who decides on it is told in it
        r = ev.filed.form
        rows.append(
            WaitingRow(
                iid=ev.iid,
                engineer=r.engineer if r else issue.author,
                waiting_for="info" if ev.status is Status.NEEDS_INFO else "approval",
                start=r.start if r else None,
                end=r.end if r else None,
                count=ev.count,
                problems=tuple(p.message for p in ev.problems),
                opened_at=issue.created_at,
                web_url=issue.web_url,
            )
        )
    return rows


def _pods(policy: Policy, day: date) -> tuple[PodRow, ...]:
    return tuple(
        PodRow(name, pod.lead, tuple(pod.members))
        for name, pod in rotation.pods_on(policy, day).items()
    )


def _holidays(policy: Policy, start: date, end: date) -> list[Holiday]:
    regions: dict[tuple[str, str | None], list[str]] = {}
    for username, person in policy.engineers.items():
        regions.setdefault((person.country, person.subdivision), []).append(username)
    found = []
    for day in working_days(start, end, policy.working_weekdays):
        for (country, subdivision), people in sorted(regions.items(), key=lambda x: str(x[0])):
            name = holiday_name(country, subdivision, day)
            if name:
                found.append(Holiday(day, name, country, subdivision, tuple(people)))
    return found


def project_of(plan: Plan) -> str:
    """The project's path, from an issue's web URL (``https://host/group/project/-/issues/1``)."""
    for issue in plan.world.issues.values():
        found = re.match(r"^https?://[^/]+/(.+?)/-/", issue.web_url)
        if found:
            return found.group(1)
    return ""


def build_view(plan: Plan, weeks: int = 8, *, project: str | None = None) -> CoverageView:
    """Everything a report shows, from the plan alone (no clock: ``plan.now`` is the moment)."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    world, evaluation = plan.world, plan.evaluation
    policy = world.policy
    today = evaluation.today
    now = plan.now or datetime.combine(today, time(0), tzinfo=policy.tz)
    window_start = today - timedelta(days=today.weekday())
    window_end = window_start + timedelta(days=7 * weeks - 1)
    thresholds = Thresholds(policy.thresholds.visibility, policy.thresholds.approval)

    days = []
    for day in working_days(window_start, window_end, policy.working_weekdays):
        people = tuple(sorted({e.request.engineer for e in evaluation.out_on(day)}))
        band, level = counting.band(len(people), policy), counting.level(len(people), policy)
        days.append(DayCount(day, len(people), band, level, people, day == today))

    requests = sorted(
        (
            _request_row(ev, today)
            for ev in evaluation.requests
            if ev.filed.form is not None and ev.request.end >= today and shown(ev)
        ),
        key=lambda r: (r.start, r.end, r.iid),
    )
    out_today = tuple(sorted({e.request.engineer for e in evaluation.out_on(today)}))

    pods_today = _pods(policy, today)
    pod_of = {m: p.name for p in pods_today for m in p.members}
    engineers = tuple(
        Engineer(u, e.name, e.country, e.subdivision, pod_of.get(u))
        for u, e in policy.engineers.items()
    )
    next_rotation = rotation.next_rotation(policy, today)

    low, high = policy.fallback.weeks_per_year.min, policy.fallback.weeks_per_year.max
    fallback_weeks = tuple(
        FallbackWeeks(u, w, fairness.standing(w, policy))
        for u in policy.engineers
        for w in [evaluation.fallback_weeks(u, today.year)]
    )

    stale_days = policy.reminders.playbook_stale_days
    stale = tuple(
        StalePlaybook(
            a.name,
            a.iid,
            a.owner,
            a.edited_at.astimezone(policy.tz).date(),
            (now - a.edited_at).days,
            a.web_url,
        )
        for a in sorted(
            reminders.stale_playbooks(world.accounts, now, policy),
            key=lambda a: (a.edited_at, a.key),
        )
    )

    return CoverageView(
        team=policy.team.name,
        project=project_of(plan) if project is None else project,
        manager=policy.team.manager,
        now=now,
        today=today,
        timezone=policy.team.timezone,
        weeks=weeks,
        window_start=window_start,
        window_end=window_end,
        thresholds=thresholds,
        engineers=engineers,
        out_today=out_today,
        days=tuple(days),
        requests=tuple(requests),
        fallbacks=tuple(_fallbacks(plan, now, today)),
        waiting=tuple(_waiting(plan)),
        year=today.year,
        fallback_target=(low, high),
        fallback_weeks=fallback_weeks,
        pods=pods_today,
        next_rotation=next_rotation,
        next_pods=_pods(policy, next_rotation) if next_rotation else (),
        stale_days=stale_days,
        stale_playbooks=stale,
        holidays=tuple(_holidays(policy, window_start, window_end)),
    )


def with_opened(view: CoverageView, opened: Mapping[int, int]) -> CoverageView:
    """``view`` with the fallback requests the run opened (request iid -> the new issue's iid)
    named by their number."""
    rows = tuple(
        replace(f, iid=opened[f.request]) if f.iid is None and f.request in opened else f
        for f in view.fallbacks
    )
    return replace(view, fallbacks=rows)


# -- JSON ------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def view_to_json(view: CoverageView) -> dict[str, Any]:
    """The view as JSON-ready data: dates and times in ISO 8601, tuples as lists."""
    data = _plain(view)
    assert isinstance(data, dict)
    return data


def calendar_window(view: CoverageView) -> list[date]:
    """Every calendar day of the view's window, weekends included."""
    return list(calendar_days(view.window_start, view.window_end))
