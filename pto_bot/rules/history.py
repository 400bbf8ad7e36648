"""How far back the rules look (README, "The rules, as implemented").

A request whose last day is more than :data:`ARCHIVED_AFTER` past is archived: it is still counted
and shown, but the bot no longer writes to it (its labels and notes stay as they were), so old
issues never change under people's feet. The closed history the rules need reaches back to the
start of the calendar year (fallback weeks are counted per year) or :data:`ARCHIVED_AFTER`,
whichever is earlier: :func:`horizon`. Closed issues last changed before it are never read.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..domain.world import FiledRequest

ARCHIVED_AFTER = timedelta(days=42)


def is_archived(req: FiledRequest, today: date) -> bool:
    """Its last day is more than :data:`ARCHIVED_AFTER` past."""
    r = req.form
    return r is not None and r.end < today - ARCHIVED_AFTER


def keeps(end: date, today: date) -> bool:
    """A closed request that ended on ``end`` still matters to open ones (it may overlap them)."""
    return end >= today - ARCHIVED_AFTER


def horizon(today: date) -> date:
    """The first day of the closed history the rules need."""
    return min(date(today.year, 1, 1), today - ARCHIVED_AFTER)
