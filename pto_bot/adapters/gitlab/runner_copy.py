"""The tracker's memory, kept on the runner too (``PTO_BOT_CACHE``): a runner with a cache
starts from it even when the copy in GitLab was lost (a person edited the dashboard), and knows
when the bot last wrote its memory, so that an older one found in GitLab is not believed.

The copy is sealed as in GitLab (it holds text from confidential issues): nothing of the
project's text is kept in plain text beside the cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..runner_files import read_json, write_json
from .times import parse_time

_VERSION = 2


@dataclass(frozen=True)
class RunnerCopy:
    home: int  # the issue the memory was sealed for
    sealed: str
    synced: datetime  # GitLab's time when the run that kept it began reading
    kept_at: datetime  # the runner's time when it was kept: how fresh it is, on this runner


def load(path: Path | None, project: str) -> RunnerCopy | None:
    if path is None:
        return None
    data = read_json(path)
    try:
        if data.get("version") != _VERSION or data.get("project") != project:
            return None
        return RunnerCopy(
            int(data["home"]),
            str(data["sealed"]),
            parse_time(data["synced"]),
            parse_time(data["kept_at"]),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def save(path: Path | None, project: str, copy: RunnerCopy) -> None:
    if path is None:
        return
    data = {
        "version": _VERSION,
        "project": project,
        "home": copy.home,
        "sealed": copy.sealed,
        "synced": copy.synced.isoformat(),
        "kept_at": copy.kept_at.isoformat(),
    }
    write_json(path, data, "the runner's copy of the memory not kept: the next run reads more")
