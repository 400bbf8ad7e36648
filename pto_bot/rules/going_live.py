"""Going live (SPEC, "Going live"): ``go_live:`` in the policy is the day the bot was switched on.

What happened before it is history: requests that ended before it are counted and shown but
never written to; a reminder whose day passed before it is not posted; nobody is asked to
approve, and the team channel hears nothing about, a request that had already started.
"""

from __future__ import annotations

from datetime import date

from ..domain.policy import Policy
from ..domain.world import FiledRequest


def before(day: date, policy: Policy) -> bool:
    """``day`` came before the bot went live."""
    return policy.go_live is not None and day < policy.go_live


def is_history(req: FiledRequest, policy: Policy) -> bool:
    """Over before the bot went live (one that cannot be read: opened before it)."""
    r = req.form
    if r is None:
        return before(req.issue.created_at.astimezone(policy.tz).date(), policy)
    return before(r.end, policy)
