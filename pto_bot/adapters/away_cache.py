"""Who is away, kept beside the runner-local cache (``PTO_BOT_CACHE``), so that the webhook job can
ignore a mention of someone who is not out without any request.

Every run that plans the whole project writes it; the webhook job trusts it for :data:`FRESH`
(an hourly schedule rewrites it well within that) and only to say "nobody it mentions is out".
A file that is missing, old, damaged or of another project is not used: the job then reads the
bot's memory (one request). Like the rest of the runner cache it is best effort: a runner
without it, or with an older copy, costs one request, never a wrong answer for long (the
scheduled run catches the mentions events missed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from ..domain.away import Absence
from ..domain.usernames import among
from .runner_files import read_json, write_json

FRESH = timedelta(hours=2)
_VERSION = 1


def path_beside(cache: Path) -> Path:
    """The file beside the runner cache ``cache``."""
    return cache.with_name(f"{cache.stem}-away.json")


def save(cache: Path, project: str, absences: Iterable[Absence], as_of: datetime) -> None:
    """Who is away (engineer, first and last day), as planned at ``as_of``."""
    data = {
        "version": _VERSION,
        "project": project,
        "as_of": as_of.isoformat(),
        "out": [[a.engineer, a.start.isoformat(), a.end.isoformat()] for a in absences],
    }
    write_json(path_beside(cache), data, "who is away not kept beside the cache")


def load(cache: Path, project: str, now: datetime) -> list[tuple[str, date, date]] | None:
    """Who is away, when the file is this project's and was written within :data:`FRESH`."""
    try:
        data = read_json(path_beside(cache))
        if data.get("version") != _VERSION or data.get("project") != project:
            return None
        as_of = datetime.fromisoformat(data["as_of"])
        if not timedelta(0) <= now - as_of <= FRESH:
            return None
        return [(str(u), date.fromisoformat(s), date.fromisoformat(e)) for u, s, e in data["out"]]
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def anyone_out(known: list[tuple[str, date, date]], people: Iterable[str], day: date) -> bool:
    """Is one of ``people`` (any case) out on ``day``?"""
    return any(among(u, people) and start <= day <= end for u, start, end in known)
