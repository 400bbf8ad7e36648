"""Rules 4 and 5 of SPEC: the fallback request and its deadline.

Accounts the pod cannot cover go into one fallback request linked to the PTO request. People
volunteer there (at most ``fallback.max_accounts_per_volunteer`` each per request); when the
window closes (``fallback.window_hours``: 48 h planned, 4 h emergency, of the team's working
time from the opening: weekends and the team's public holidays do not count) with accounts still
open, the manager is mentioned once. Suggested volunteers come from outside the pod, free on
the days the fallback request asks for, fewest fallback weeks this year first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.calendar import holidays_in
from ..domain.policy import Policy
from ..domain.request_form import Kind
from .evaluation import Evaluated, Evaluation, Status
from .rotation import pod_of


def window_hours(kind: Kind, policy: Policy) -> float:
    """How long volunteers have: the one place the 48 h / 4 h windows are chosen."""
    hours = policy.fallback.window_hours
    return hours.emergency if kind == "emergency" else hours.planned


def deadline(kind: Kind, opened_at: datetime, policy: Policy) -> datetime:
    """When the volunteer window of a fallback request opened at ``opened_at`` closes: its
    hours counted on the team's working days only (:class:`~..domain.calendar.TeamCalendar`),
    so a 48 h window opened on Friday at 10:00 closes on Tuesday at 10:00, and a 4 h emergency
    window opened on Friday at 22:00 on Monday at 02:00."""
    return policy.calendar.add_working_hours(opened_at, window_hours(kind, policy))


def is_wanted(ev: Evaluated, today: date) -> bool:
    """A fallback request is needed: the request goes ahead, is open, has accounts the pod
    could not take, and is not over."""
    r = ev.filed.form
    return (
        r is not None
        and ev.status is Status.ACTIVE
        and ev.filed.issue.is_open
        and bool(ev.fallback_covers)
        and today <= r.end
    )


def is_escalation_due(ev: Evaluated, opened_at: datetime, now: datetime, policy: Policy) -> bool:
    """Accounts are still open when the window has closed."""
    return bool(ev.uncovered) and now >= deadline(ev.request.kind, opened_at, policy)


def volunteer_room(already: int, policy: Policy) -> int:
    """How many more accounts of one request a volunteer who covers ``already`` may take."""
    return max(0, policy.fallback.max_accounts_per_volunteer - already)


@dataclass(frozen=True)
class Suggestion:
    user: str
    weeks: float  # fallback weeks this year so far
    holidays: tuple[tuple[date, str], ...]  # public holidays in the period


def suggestions(ev: Evaluated, evaluation: Evaluation, policy: Policy) -> list[Suggestion]:
    """Who to ask first: outside the pod, free on the days asked for, fewest fallback weeks
    first."""
    r = ev.request
    pod = pod_of(policy, r.engineer, r.start)
    podmates = set(pod[1].members) if pod else {r.engineer}
    year = r.start.year
    wanted = [d for c in ev.uncovered for d in c.days] or list(ev.daily)  # the days asked for
    candidates = [
        u for u in policy.engineers if u not in podmates and evaluation.absence(u, wanted) is None
    ]
    candidates.sort(key=lambda u: (evaluation.fallback_weeks(u, year), u))
    found = []
    for user in candidates[: policy.fallback.suggestions]:
        person = policy.engineers[user]
        days = holidays_in(
            person.country, person.subdivision, r.start, r.end, policy.working_weekdays
        )
        found.append(Suggestion(user, evaluation.fallback_weeks(user, year), tuple(days)))
    return found
