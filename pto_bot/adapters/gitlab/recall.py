"""The bot's memory as the reader uses it: found in the dashboard issue's hidden marker, trusted
for an issue only while GitLab's list fields show no change since its notes were read, and turned
back into stand-in issues and notes for the planner (:mod:`...domain.memory`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from ...domain.markers import marker, read_marker
from ...domain.memory import SETTLE, Memory, RememberedIssue, unseal
from ...domain.snapshot import Issue, Note
from ..tracker import Wanted
from .convert import parse_time


def find_memory(listed: Iterable[Mapping[str, Any]], wanted: Wanted, key: bytes) -> Memory | None:
    """The memory in the bot's open dashboard issue (the oldest that holds one), if any."""
    if wanted.board is None or wanted.bot is None:
        return None
    boards = [
        raw
        for raw in listed
        if wanted.board in (raw.get("labels") or ())
        and _author(raw).casefold() == wanted.bot.casefold()
    ]
    for raw in sorted(boards, key=lambda r: int(r["iid"])):
        data = read_marker(str(raw.get("description") or "")) or {}
        memory = unseal(data.get("memory"), key) if data.get("t") == "dashboard" else None
        if memory is not None:
            return memory
    return None


def _author(raw: Mapping[str, Any]) -> str:
    author = raw.get("author")
    return str(author.get("username") if isinstance(author, Mapping) else author or "")


def trusted(entry: RememberedIssue | None, raw: Mapping[str, Any], wanted: Wanted) -> bool:
    """The remembered notes of the issue ``raw`` lists are still its notes: nothing on the issue
    changed since they were read (same ``updated_at`` and note count), and they were read long
    enough after its last change (GitLab bumps ``updated_at`` for a note at most once a minute:
    :data:`~...domain.memory.SETTLE`). The issue an event is about is always read afresh."""
    if entry is None or entry.read_at is None or int(raw["iid"]) in wanted.fresh:
        return False
    try:
        updated = parse_time(raw["updated_at"])
    except (KeyError, ValueError):
        return False
    return (
        entry.updated_at == updated
        and entry.notes_count == raw.get("user_notes_count")
        and entry.read_at >= updated + SETTLE
    )


def stand_in_notes(entry: RememberedIssue, bot: str) -> tuple[Note, ...]:
    """The notes the planner needs, as remembered: the bot's (their marker, and the fingerprint
    of their text) and people's commands."""
    notes = []
    for n in entry.notes:
        if n.author is None:
            data = dict(n.data or {})
            topic = str(data.pop("t", ""))
            body = marker(topic, **data)
            notes.append(Note(n.id, bot, body, n.created_at, n.updated_at, digest=n.digest))
        else:
            notes.append(Note(n.id, n.author, n.body or "", n.created_at, n.updated_at))
    return tuple(notes)


def remembered_issue(issue: Issue, entry: RememberedIssue, bot: str) -> Issue:
    """A listed issue whose notes stand in from memory."""
    return replace(
        issue,
        notes=stand_in_notes(entry, bot),
        activity=entry.activity,
        read_at=entry.read_at,
    )


def ghost(
    iid: int,
    entry: RememberedIssue,
    bot: str,
    notes: tuple[Note, ...] | None = None,
    read_at: datetime | None = None,
) -> Issue:
    """A closed issue kept as history, not listed again: from memory alone (``notes``: read
    afresh at ``read_at``, when its remembered notes are not to be trusted)."""
    f = entry.fields
    assert f is not None
    return Issue(
        iid=iid,
        title=f.title,
        description=f.description,
        labels=f.labels,
        state=f.state,
        author=f.author,
        created_at=f.created_at,
        updated_at=entry.updated_at,
        assignees=f.assignees,
        closed_at=f.closed_at,
        web_url=f.web_url,
        notes=stand_in_notes(entry, bot) if notes is None else notes,
        digest=f.digest,
        activity=entry.activity,
        notes_count=entry.notes_count,
        read_at=entry.read_at if notes is None else read_at,
    )


def ghost_raw(iid: int, entry: RememberedIssue) -> dict[str, Any]:
    """What the runner-local cache keys a ghost's notes by."""
    return {
        "iid": iid,
        "updated_at": entry.updated_at.isoformat(),
        "user_notes_count": entry.notes_count,
    }


def ghosts(
    memory: Memory, listed: Iterable[int], changed: Iterable[int], since: datetime
) -> dict[int, RememberedIssue]:
    """The closed issues kept as history that were neither listed (open) nor changed since the
    memory was written, and changed after ``since``."""
    seen = set(listed) | set(changed)
    return {
        iid: entry
        for iid, entry in memory.issues.items()
        if entry.fields is not None and iid not in seen and entry.updated_at >= since
    }
