"""Pilot metrics: what the coverage pods changed, from the project itself.

``compute_metrics(plan, since, until)`` is pure: it reads the plan's world and evaluation (the
project as at the plan's ``now``) and the plan's own writes. A plan holds what the bot has
recorded *and* what this run would record (fallback requests it would open, commands it would
answer), so the numbers are those a reconcile at the same instant would leave behind — also on
a project the bot has not run on yet, such as the bundled demo. What is counted:

- **Requests** whose first day off falls in ``[since, until]`` (``until`` open when None), by
  status; *working days off* are the team's working days of the request minus the engineer's
  public holidays, for requests that go ahead (covered, needs coverage, needs approval), not
  for cancelled, denied or needs-info ones. Requests whose dates cannot be read are counted
  apart, by the day they were opened.
- **Lead time**: planned requests opened at least ``requests.lead_time_days`` before their
  start (opening day in the team's time zone, as the lead-time warning counts it).
- **Overlap**: requests that count as out, by their peak count of people out (1, 2, 3+, the top
  bucket being the approval threshold).
- **Fallback requests** opened (in the team's time zone) in the range. One is *covered* when
  every account on it has a volunteer or an assignee, *uncovered* while one has none (open, or
  its period ended so), *not needed* when its PTO request was cancelled or denied or the pod can
  cover again. *Time to full coverage* runs from the fallback's opening to the moment the bot
  recorded the last of its accounts as covered: the ``created_at`` of the bot reply note that
  answered the volunteer or assign command in force for that account (the command the coverage
  rests on now, so a withdrawal and a new volunteer count from the new one). Not the fallback
  issue's ``closed_at``: a fallback issue is also closed when it is no longer needed, and one
  reopened by a withdrawal and closed again would keep no trace of the first closing. A command
  this run would answer counts at the plan's ``now``.
- **Escalations**: fallback requests in the range labelled ``labels.escalated`` (or that this
  run would label).
- **Approvals and denials**: ``/pto approve`` and ``/pto deny`` commands that succeeded, on the
  requests in the range.
- **Fallback weeks** per engineer and calendar year (the evaluation's count: working days of
  volunteer or assigned fallback cover / 5) for each year from ``since`` to ``until`` (or to the
  last year a request in the range reaches), against ``fallback.weeks_per_year``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from ..domain.accounts import account_key
from ..domain.ledger import LedgerEntry
from ..domain.markers import read_marker
from ..domain.topics import Topic
from ..plan.actions import CreateIssue, PostNote, SetLabels
from ..plan.planner import Plan
from ..rules.counting import band, days_off
from ..rules.evaluation import Cover, Evaluated, Status
from ..rules.reminders import opened_in_time

STATES = ("covered", "needs-coverage", "needs-approval", "needs-info", "denied", "cancelled")
GOING_AHEAD = frozenset({"covered", "needs-coverage", "needs-approval"})


@dataclass(frozen=True)
class FallbackStat:
    request: int
    issue: int | None  # None: this run would open it
    engineer: str
    opened_at: datetime
    accounts: int
    state: str  # "covered" | "uncovered" | "not needed"
    hours_to_cover: float | None
    escalated: bool


@dataclass(frozen=True)
class Metrics:
    team: str
    timezone: str  # the team's: times are shown in it
    since: date
    until: date | None
    today: date
    requests: dict[str, int]  # state -> requests (STATES order)
    days_off: dict[str, int]  # state -> working days off (states that go ahead)
    undated: int  # needs-info requests without readable dates, opened in the range
    lead_time_days: int
    planned: int
    planned_on_time: int
    overlap: dict[str, int]  # "1", "2", "3+" -> requests
    fallbacks: tuple[FallbackStat, ...]
    approvals: int
    denials: int
    weeks_target: tuple[float, float]
    fallback_weeks: dict[int, dict[str, float]]  # year -> engineer -> weeks
    pending_fallbacks: int = 0  # fallback requests only this run would open
    pending_commands: int = 0  # commands only this run would answer

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def total_days_off(self) -> int:
        return sum(self.days_off.values())

    @property
    def lead_time_share(self) -> float | None:
        return self.planned_on_time / self.planned if self.planned else None

    def fallbacks_in(self, state: str) -> int:
        return sum(1 for f in self.fallbacks if f.state == state)

    @property
    def escalations(self) -> int:
        return sum(1 for f in self.fallbacks if f.escalated)

    @property
    def median_hours_to_cover(self) -> float | None:
        hours = [f.hours_to_cover for f in self.fallbacks if f.hours_to_cover is not None]
        return float(statistics.median(hours)) if hours else None


# -- computing ----------------------------------------------------------------------------------
Answered = tuple[list[LedgerEntry], dict[str, datetime], int]  # what answered_commands says


def compute_metrics(
    plan: Plan, since: date, until: date | None, answered: Answered | None = None
) -> Metrics:
    """``answered``: :func:`answered_commands` of the plan, when the caller has it already."""
    world, evaluation = plan.world, plan.evaluation
    policy = world.policy
    tz = policy.tz
    now = plan.now or datetime.combine(evaluation.today, time(), tzinfo=tz)

    def in_range(day: date) -> bool:
        return since <= day and (until is None or day <= until)

    chosen: list[Evaluated] = []
    undated = 0
    for ev in evaluation.requests:
        r = ev.filed.form
        if r is None:
            undated += int(in_range(ev.filed.issue.created_at.astimezone(tz).date()))
        elif in_range(r.start):
            chosen.append(ev)
    requests = dict.fromkeys(STATES, 0)
    off = dict.fromkeys((s for s in STATES if s in GOING_AHEAD), 0)
    counted = [ev.count for ev in chosen if ev.counted]
    top = policy.thresholds.approval or max([policy.thresholds.visibility + 1, *counted])
    overlap = {band(n, policy): 0 for n in range(1, top + 1)}
    planned = on_time = 0
    for ev in chosen:
        state = ev.state
        requests[state] += 1
        if state in GOING_AHEAD:
            off[state] += len(days_off(policy, ev.request))
        if ev.counted:
            overlap[band(ev.count, policy)] += 1
        if ev.request.kind == "planned":
            planned += 1
            on_time += int(opened_in_time(ev, policy))

    ledger, answered_at, pending_commands = answered or answered_commands(plan, now)
    in_scope = {ev.iid for ev in chosen}
    decided = [e for e in ledger if e.ok and e.request in in_scope]
    fallbacks = _fallbacks(plan, now, in_range, ledger, answered_at)

    last = (
        until.year if until else max([evaluation.today.year, *(e.request.end.year for e in chosen)])
    )
    weeks = {
        year: {user: evaluation.fallback_weeks(user, year) for user in sorted(policy.engineers)}
        for year in range(since.year, last + 1)
    }
    target = policy.fallback.weeks_per_year
    return Metrics(
        team=policy.team.name,
        timezone=policy.team.timezone,
        since=since,
        until=until,
        today=evaluation.today,
        requests=requests,
        days_off=off,
        undated=undated,
        lead_time_days=policy.requests.lead_time_days,
        planned=planned,
        planned_on_time=on_time,
        overlap=overlap,
        fallbacks=tuple(fallbacks),
        approvals=sum(1 for e in decided if e.verb == "approve"),
        denials=sum(1 for e in decided if e.verb == "deny"),
        weeks_target=(target.min, target.max),
        fallback_weeks=weeks,
        pending_fallbacks=sum(1 for f in fallbacks if f.issue is None),
        pending_commands=pending_commands,
    )


def answered_commands(plan: Plan, now: datetime) -> Answered:
    """Every command read (recorded, then those this run answers) and when each was answered."""
    me = plan.world.me
    answered_at: dict[str, datetime] = {}
    for issue in plan.world.issues.values():
        for note in issue.notes:
            data = read_marker(note.body) if me.is_me(note.author) else None
            if not data or data["t"] != Topic.REPLY:
                continue
            for raw in data.get("cmds", []):
                if isinstance(raw, dict) and isinstance(raw.get("k"), str):
                    answered_at.setdefault(raw["k"], note.created_at)
    ledger = list(plan.world.ledger)
    pending = 0
    for action in plan.actions:
        if not (isinstance(action, PostNote) and action.topic.startswith("reply:")):
            continue
        data = read_marker(action.body) or {}
        for raw in data.get("cmds", []):
            entry = LedgerEntry.from_json(raw) if isinstance(raw, dict) else None
            if entry is not None:
                ledger.append(entry)
                answered_at.setdefault(entry.key, now)
                pending += 1
    return ledger, answered_at, pending


def _fallbacks(
    plan: Plan,
    now: datetime,
    in_range: Callable[[date], bool],
    ledger: list[LedgerEntry],
    answered_at: dict[str, datetime],
) -> list[FallbackStat]:
    world, evaluation = plan.world, plan.evaluation
    policy = world.policy
    escalated_label = policy.labels.escalated
    labelling = {
        a.iid for a in plan.actions if isinstance(a, SetLabels) and escalated_label in a.add
    }
    found: list[tuple[int, int | None, datetime, bool, str | None]] = [
        (
            req,
            fb.issue.iid,
            fb.opened_at,
            escalated_label in fb.issue.labels or fb.issue.iid in labelling,
            fb.engineer,
        )
        for req, fb in world.fallbacks.items()
    ]
    for action in plan.actions:
        if (
            isinstance(action, CreateIssue)
            and policy.labels.fallback in action.labels
            and action.link_to is not None
            and action.link_to not in world.fallbacks
        ):
            found.append((action.link_to, None, now, False, None))
    stats = []
    for req, iid, opened_at, escalated, engineer in sorted(found, key=lambda f: f[2]):
        if not in_range(opened_at.astimezone(policy.tz).date()):
            continue
        ev = evaluation.get(req)
        covers = ev.fallback_covers if ev is not None and ev.status is Status.ACTIVE else []
        hours = None
        if not covers:
            state = "not needed"
        elif any(c.backup is None for c in covers):
            state = "uncovered"
        else:
            state = "covered"
            times = [_covered_at(req, c, ledger, answered_at) for c in covers]
            known = [t for t in times if t is not None]
            if known:
                hours = max(0.0, (max(known) - opened_at).total_seconds() / 3600)
        if ev is not None and ev.filed.form is not None:
            engineer = ev.request.engineer
        stats.append(
            FallbackStat(
                request=req,
                issue=iid,
                engineer=engineer or "?",
                opened_at=opened_at,
                accounts=len({c.account.key for c in covers}),  # an account in parts once
                state=state,
                hours_to_cover=hours,
                escalated=escalated,
            )
        )
    return stats


def _covered_at(
    req: int, cover: Cover, ledger: list[LedgerEntry], answered_at: dict[str, datetime]
) -> datetime | None:
    """When the bot recorded the command the account's cover rests on now."""
    backup = cover.backup
    for entry in reversed(ledger):
        if not entry.ok or entry.request != req:
            continue
        if cover.account.key not in {account_key(a) for a in entry.accounts}:
            continue
        if (entry.verb == "volunteer" and entry.by == backup) or (
            entry.verb == "assign" and entry.user == backup
        ):
            return answered_at.get(entry.key)
    return None
