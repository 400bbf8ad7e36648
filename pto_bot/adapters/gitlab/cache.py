"""The runner-local read cache: notes per issue and the closed issues already synced.

An optimisation only: GitLab stays the source of truth. Notes are reused while the issue's
``updated_at`` and note count are unchanged; GitLab bumps ``updated_at`` for a new or edited note
only when the last bump is over a minute old, so an entry is trusted only if it was read
:data:`CACHE_SETTLE` after that ``updated_at``. A missing or corrupt file, or entry, costs
requests, never an error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ...domain.snapshot import Note
from ..keep import keep_json
from .convert import notes_from_api, parse_time

#: GitLab touches an issue's ``updated_at`` for a new or edited note only when the last touch is
#: older than one minute (``ThrottledTouch::TOUCH_INTERVAL``); five more minutes cover clock skew.
#: Cached notes are trusted only when they were read this long after the issue's ``updated_at``.
CACHE_SETTLE = timedelta(minutes=6)
_CACHE_VERSION = 1


def _cached_form(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an API note the cache keeps: exactly what the conversion reads."""
    keys = ("id", "body", "created_at", "updated_at", "system")
    author = raw.get("author")
    username = author.get("username") if isinstance(author, Mapping) else author
    return {"author": {"username": username}, **{k: raw.get(k) for k in keys}}


def _recent(entry: Any, since: datetime | None) -> bool:
    try:
        return since is None or parse_time(entry["read_at"]) >= since
    except (KeyError, TypeError, ValueError):
        return False


class NoteCache:
    """Notes per issue, reused while the issue's ``updated_at`` and note count are unchanged.

    GitLab bumps ``updated_at`` for a new or edited note only when the last bump is over a minute
    old, so an entry is trusted only if it was read :data:`CACHE_SETTLE` after that ``updated_at``.
    A missing or corrupt file, or entry, costs requests, never an error.
    """

    def __init__(self, path: Path | None, project: str) -> None:
        self._path = path
        self._project = project
        data = self._load()
        self._entries: dict[str, Any] = data.get("issues", {})
        self._closed: dict[str, Any] = data.get("closed", {})
        self._closed_synced: str | None = data.get("closed_synced")
        self._seen: set[str] = set()

    def _load(self) -> dict[str, Any]:
        if self._path is None:
            return {}
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
            return {}
        if data.get("project") != self._project or not isinstance(data.get("issues"), dict):
            return {}
        return data

    @staticmethod
    def _key(raw: Mapping[str, Any]) -> list[Any]:
        return [raw["updated_at"], raw.get("user_notes_count")]

    def closed_issues(self, since: datetime) -> tuple[dict[int, dict[str, Any]], datetime] | None:
        """The closed issues known at the last sync and when that was, if it covers ``since``."""
        try:
            synced = parse_time(self._closed_synced) if self._closed_synced else None
            closed = {int(k): dict(v) for k, v in self._closed.items()}
        except (TypeError, ValueError, AttributeError):
            return None
        if synced is None or synced < since:
            return None
        return closed, synced

    def set_closed(self, closed: Mapping[int, Mapping[str, Any]], synced: datetime) -> None:
        self._closed = {str(k): dict(v) for k, v in closed.items()}
        self._closed_synced = synced.isoformat()

    def keep(self, iid: int) -> None:
        """The issue is still read (from the bot's memory this time): keep its entry."""
        self._seen.add(str(iid))

    def get(self, raw: Mapping[str, Any]) -> tuple[Note, ...] | None:
        self._seen.add(str(raw["iid"]))
        entry = self._entries.get(str(raw["iid"]))
        if not isinstance(entry, dict):
            return None
        try:
            if entry["key"] != self._key(raw):
                return None
            if parse_time(entry["read_at"]) < parse_time(raw["updated_at"]) + CACHE_SETTLE:
                return None
            notes, skipped = notes_from_api(entry["notes"])
        except (KeyError, TypeError, ValueError):
            return None
        return None if skipped else notes

    def put(self, raw: Mapping[str, Any], notes: list[dict[str, Any]], read_at: datetime) -> None:
        self._entries[str(raw["iid"])] = {
            "key": self._key(raw),
            "read_at": read_at.isoformat(),
            "notes": [_cached_form(n) for n in notes],
        }

    def save(self, *, whole: bool = True, since: datetime | None = None) -> None:
        """Write the cache. ``whole``: this run read every issue that can still matter, so the
        entries it did not see are gone; otherwise (the bot's memory stood in for closed
        history) those read before ``since`` are."""
        if self._path is None:
            return
        if whole:
            entries = {k: v for k, v in self._entries.items() if k in self._seen}
        else:
            entries = {
                k: v for k, v in self._entries.items() if k in self._seen or _recent(v, since)
            }
        data = {
            "version": _CACHE_VERSION,
            "project": self._project,
            "issues": entries,
            "closed": self._closed,
            "closed_synced": self._closed_synced,
        }
        keep_json(self._path, data, "note cache not saved: the next run reads every issue's notes")
