"""The pilot's check-in (seed 000 plans a first review of the pod pilot): when it is due, and how
far back its figures reach.

With ``pilot.start`` and ``pilot.review`` set, the check-in is due from the review date for
:data:`GRACE` (a team whose schedule skipped that day still gets it, an old review date set
long after does not open one); it is opened once, found again by its hidden marker.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..domain.policy import Policy

GRACE = timedelta(days=14)


def checkin_due(policy: Policy, today: date) -> bool:
    """Today falls within the check-in's days: from the review date, for :data:`GRACE`."""
    pilot = policy.pilot
    if pilot.start is None or pilot.review is None:
        return False
    return pilot.review <= today <= pilot.review + GRACE


def history_from(policy: Policy, today: date, horizon: date) -> date:
    """The first day of closed history a run reads: the rules' ``horizon``, or the pilot's
    start while the check-in is due (its figures count every request since)."""
    start = policy.pilot.start
    if start is not None and checkin_due(policy, today):
        return min(horizon, start)
    return horizon
