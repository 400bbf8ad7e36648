"""The pod pilot's check-in issue (seed 000 plans a first review with lessons learned): on the
review date, one issue assigned to the manager with the pilot's figures since its start and the
check-in's questions (``pilot.questions``). Opened once per review date: found again by the
hidden marker in its description, on the issues of ``labels.checkin``.

Pure: ``checkin_actions(plan)`` returns the write. Its figures are the pilot metrics
(:mod:`.metrics`) of the requests starting from ``pilot.start`` to ``pilot.review``, plus what a
review asks of them: the weeks at 2 and 3+ out, who volunteered on each fallback request, how
long approvals waited, and the days since each engineer's last time off. The shell plans it on
scheduled runs, after the run's other writes (like the dashboard), from the run's one plan:
numbers as the run leaves the project. It is confidential: it names each engineer's time off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.markers import read_marker, with_marker
from ..domain.topics import Topic
from ..plan.actions import Action, CreateIssue
from ..plan.planner import Plan
from ..render.engine import Trusted, local_time, render
from ..rules import approval, pilot
from ..rules.counting import band
from ..rules.evaluation import Evaluated, Status
from .metrics import Answered, Metrics, answered_commands, compute_metrics

TITLE = "Pod pilot check-in"


@dataclass(frozen=True)
class Wait:
    """How long one request waited for the approval decision."""

    iid: int
    engineer: str
    asked: str  # when, as people read it
    decided: str  # "approved", "denied" or "still waiting"
    hours: float | None  # of the team's working time; None while waiting


@dataclass(frozen=True)
class LastOff:
    engineer: str
    last: date | None  # the last day of their latest time off so far
    days: int | None  # days since then (0: out today)
    next: date | None  # the first day of the next time off booked


def checkin_actions(plan: Plan) -> list[Action]:
    """The check-in issue to open today, if it is due and not opened yet."""
    world, today = plan.world, plan.evaluation.today
    policy = world.policy
    start, review = policy.pilot.start, policy.pilot.review
    if not pilot.checkin_due(policy, today) or start is None or review is None:
        return []
    for issue in world.checkins:
        data = read_marker(issue.description) or {}
        if data.get("t") == Topic.CHECKIN and data.get("review") == review.isoformat():
            return []  # opened once, whatever became of it
    answered = answered_commands(plan, plan.now)
    metrics = compute_metrics(plan, start, review, answered)
    text = render(
        "checkin.md.j2",
        team=policy.team.name,
        start=start,
        review=review,
        today=today,
        manager=policy.team.manager,
        m=metrics,
        weeks=_weeks_out(plan, start, min(review, today)),
        fallbacks=_fallbacks(plan, metrics),
        waits=_waits(plan, start, review, answered),
        last_off=_last_off(plan),
        questions=policy.pilot.questions,
    )
    return [
        CreateIssue(
            key="checkin",
            title=f"{TITLE}: {policy.team.name}, {start} – {review}",
            description=with_marker(text, Topic.CHECKIN, review=review.isoformat()),
            labels=(policy.labels.checkin,),
            link_to=None,
            why="the pilot's review date",
            assignees=(policy.team.manager,),
            confidential=True,
        )
    ]


def _weeks_out(plan: Plan, start: date, end: date) -> tuple[int, dict[str, int]]:
    """The weeks (Monday to Sunday) with working days in the period, and how many of them had
    2, and 3+, people out on one working day (the bands of the 1 / 2 / 3+ rules)."""
    policy, evaluation = plan.world.policy, plan.evaluation
    top = policy.thresholds.approval or policy.thresholds.visibility + 1
    bands: dict[str, int] = {Trusted(band(n, policy)): 0 for n in range(2, top + 1)}
    weeks = 0
    monday = start - timedelta(days=start.weekday())
    while monday <= end:
        days = [monday + timedelta(days=n) for n in range(7)]
        days = [d for d in days if start <= d <= end and d.weekday() in policy.working_weekdays]
        peak = 0
        for day in days:
            out = {e.request.engineer for e in evaluation.out_on(day) if _booked(e)}
            peak = max(peak, len(out))
        weeks += bool(days)
        if peak >= 2:
            name = Trusted(band(peak, policy))
            bands[name] = bands.get(name, 0) + 1
        monday += timedelta(days=7)
    return weeks, bands


def _fallbacks(plan: Plan, metrics: Metrics) -> list[dict[str, object]]:
    rows = []
    for f in metrics.fallbacks:
        ev = plan.evaluation.get(f.request)
        covers = ev.fallback_covers if ev is not None and ev.status is Status.ACTIVE else ()
        rows.append(
            {
                "issue": Trusted(f"#{f.issue}" if f.issue is not None else "(opening now)"),
                "request": f.request,
                "engineer": f.engineer,
                "accounts": f.accounts,
                "state": f.state + (", escalated" if f.escalated else ""),
                "who": [Trusted(f"`{c.backup}` ({c.how})") for c in covers if c.backup],
            }
        )
    return rows


def _waits(plan: Plan, start: date, review: date, answered: Answered) -> list[Wait]:
    """The requests starting in the period that were held for approval, and how long each
    waited, in working hours: from the manager's approval note to the comment that decided
    (``answered``: the commands read, and when each was answered)."""
    world, policy = plan.world, plan.world.policy
    ledger, answered_at, _ = answered
    waits = []
    for ev in plan.evaluation.requests:
        r = ev.filed.form
        asked = approval.asked(world, ev.iid, r) if r is not None else None
        if r is None or asked is None or r.kind != "planned" or not start <= r.start <= review:
            continue
        decisions = [
            e
            for e in ledger
            if e.ok and e.request == ev.iid and e.verb in _DECIDED and e.start == str(r.start)
        ]
        wait = None
        if decisions:
            entry = decisions[-1]
            comment = next((n for n in ev.filed.issue.notes if n.id == entry.note_id), None)
            at = comment.created_at if comment is not None else answered_at.get(entry.key)
            if at is not None:
                wait = policy.calendar.working_hours_between(asked.at, at)
        verdict = _DECIDED[decisions[-1].verb] if decisions else "still waiting"
        waits.append(Wait(ev.iid, r.engineer, local_time(asked.at, policy.tz), verdict, wait))
    return waits


_DECIDED = {"approve": "approved", "deny": "denied"}


def _last_off(plan: Plan) -> list[LastOff]:
    """Each engineer's latest time off up to today and the next one booked; those longest
    without time off first."""
    today = plan.evaluation.today
    rows = []
    for engineer in plan.world.policy.engineers:
        mine = [ev for ev in plan.evaluation.requests if _going_ahead(ev, engineer)]
        past = [ev.request.end for ev in mine if ev.request.start <= today]
        coming = [ev.request.start for ev in mine if ev.request.start > today]
        last = min(max(past), today) if past else None
        days = (today - last).days if last is not None else None
        rows.append(LastOff(engineer, last, days, min(coming, default=None)))
    rows.sort(key=lambda row: (row.days is not None, -(row.days or 0), row.engineer))
    return rows


def _booked(ev: Evaluated) -> bool:
    """The request goes ahead: counted and not held for approval."""
    return ev.counted and ev.status is Status.ACTIVE


def _going_ahead(ev: Evaluated, engineer: str) -> bool:
    return _booked(ev) and ev.request.engineer == engineer
