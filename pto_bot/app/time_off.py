"""Reading the team's time-off calendar for a scheduled run: the secret feed named by
``PTO_BOT_CALENDAR_URL`` (a CI/CD variable), one request, its absences handed to the planner as
plain data. Never on an event (the webhook job answers at once, and the hourly run catches up),
never printing the address; a feed that cannot be read is a warning of the run, not a failure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from ..domain.policy import Policy
from ..domain.time_off import TimeOffFeed

#: ``http://`` on the loopback address, for the test suite's local calendar server only.
LOOPBACK_HTTP = False


def read_time_off(env: Mapping[str, str], policy: Policy, now: datetime) -> TimeOffFeed | None:
    """The calendar's absences of the roster, recurring ones from ``requests.max_days`` back
    (an absence under way) to ``reports.weeks`` ahead (the weeks the dashboard shows); None
    when ``PTO_BOT_CALENDAR_URL`` is not set."""
    if not (env.get("PTO_BOT_CALENDAR_URL") or "").strip():
        return None  # the ignored-event path loads neither requests nor icalendar
    from ..adapters.calendar_feed import feed_from_env

    today = now.astimezone(policy.tz).date()
    window = (
        today - timedelta(days=policy.requests.max_days),
        today + timedelta(weeks=policy.reports.weeks),
    )
    return feed_from_env(env, tuple(policy.engineers), window, allow_loopback_http=LOOPBACK_HTTP)
