"""The offline project file's shape: whether a file is a project export at all, and each issue of
it read into a snapshot, or named and left out.

A file that is not a project export (no ``issues`` list; ``project``, ``notes`` or ``links`` of
another type) is refused naming the key. ``null`` for ``project``, ``notes`` or ``links`` reads as
absent, and so does ``"notes": []``: some exporters write every empty collection as a list, and an
empty list holds no note that could be misread. Within a usable file, an issue that does not fit
(not an object, an iid that is not a positive whole number or is given twice, labels or notes
that are not lists, a field GitLab's shape does not allow, or a note of the bot's that cannot be
read: the bot would say again what it said) is named and left out, and a note that does not fit
is named and left out of its issue; every other issue is read and written as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from ..domain.away import Discussed, Thread, ThreadNote
from ..domain.markers import looks_like_the_bots
from ..domain.snapshot import Issue, Snapshot
from ..domain.usernames import same_user
from ..errors import ConfigError
from .gitlab.convert import ApiNote, issue_from_api, notes_from_api, problem

DEFAULT_PROJECT = {"id": 1, "path_with_namespace": "offline/project"}


def number(value: Any) -> int | None:
    """An iid or a note id as GitLab writes it (a positive whole number, or its digits as a
    string); ``None`` for anything else."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return value if type(value) is int and value > 0 else None


def _kind(value: Any) -> str:
    """What a JSON value is, for a message."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    return names.get(type(value), "a number" if isinstance(value, int | float) else "null")


class _Unreadable(Exception):
    """One issue of the file cannot be read; the message says why."""


def shaped(data: Any, name: str) -> dict[str, Any]:
    """``data`` when it is a project export, its absent containers made empty; else the
    key that is not, in a :class:`ConfigError`."""

    def refuse(problem: str) -> ConfigError:
        return ConfigError([f"{name}: {problem}"])

    if not isinstance(data, dict):
        raise refuse(f"expected an object with an 'issues' list, got {_kind(data)}")
    if not isinstance(data.get("issues"), list):
        found = _kind(data["issues"]) if "issues" in data else "nothing"
        raise refuse(f"'issues' must be a list of issues, got {found}")
    if data.get("project") is None:
        data["project"] = dict(DEFAULT_PROJECT)
    elif not isinstance(data["project"], dict):
        raise refuse(
            "'project' must be an object (id, path_with_namespace, web_url), "
            f"got {_kind(data['project'])}"
        )
    if data.get("notes") in (None, []):
        data["notes"] = {}
    elif not isinstance(data["notes"], dict):
        raise refuse(
            "'notes' must be an object of each issue's notes by iid "
            f'({{"12": [<note>, ...]}}), got {_kind(data["notes"])}'
        )
    if not isinstance(data.get("elsewhere") or {}, dict):
        raise refuse(
            "'elsewhere' must be an object of collaboration projects by path "
            f'({{"group/project": {{"issues": [...], "notes": {{...}}}}}}), '
            f"got {_kind(data['elsewhere'])}"
        )
    if data.get("links") is None:
        data["links"] = []
    elif not isinstance(data["links"], list):
        raise refuse(
            "'links' must be a list of "
            '{"source": <iid>, "target": <iid>}, '
            f"got {_kind(data['links'])}"
        )
    return data


def iid_of(raw: Any) -> int | None:
    """The iid of an item of ``issues``, when it has a usable one."""
    return number(raw.get("iid")) if isinstance(raw, dict) else None


def iids(data: dict[str, Any]) -> dict[int, list[int]]:
    """Each iid of the file and the positions in ``issues`` that carry it."""
    where: dict[int, list[int]] = {}
    for index, raw in enumerate(data["issues"]):
        if (iid := iid_of(raw)) is not None:
            where.setdefault(iid, []).append(index)
    return where


def read_snapshot(data: dict[str, Any], name: str, bot: str, labels: Sequence[str]) -> Snapshot:
    """The issues of ``data`` (a file :func:`shaped`) carrying any of ``labels``, each with its
    notes; every issue and note left out is named in the snapshot's errors."""
    wanted = set(labels)
    where = iids(data)
    issues, errors = [], []
    for index, raw in enumerate(data["issues"]):
        iid = iid_of(raw)
        try:
            if not _wanted(raw, wanted):
                continue
            issue, skipped = _issue_of(raw, index, where, data["notes"], bot)
        except _Unreadable as exc:
            named = f"issue {iid} (issues[{index}])" if iid else f"issues[{index}]"
            errors.append(f"{name}: {named} is malformed: {exc}")
            continue
        issues.append(issue)
        errors += [f"#{iid}: {line}" for line in skipped]
    project = data["project"]
    project_id = project.get("id")
    return Snapshot(
        tuple(issues),
        str(project.get("path_with_namespace") or ""),
        project_id if isinstance(project_id, int) and not isinstance(project_id, bool) else None,
        str(project.get("web_url") or ""),
        tuple(errors),
    )


def _wanted(raw: Any, wanted: set[str]) -> bool:
    """Whether the issue carries one of the ``wanted`` labels (one that is not an object, or
    whose labels are not names, may: it is unreadable)."""
    if not isinstance(raw, dict):
        raise _Unreadable(f"not an issue object (got {_kind(raw)})")
    labels = raw.get("labels") or []
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise _Unreadable(f"labels: expected a list of label names, got {labels!r:.60}")
    return bool(wanted & set(labels))


def _issue_of(
    raw: dict[str, Any],
    index: int,
    where: dict[int, list[int]],
    notes_by_iid: dict[str, Any],
    bot: str,
) -> tuple[Issue, list[str]]:
    """The issue with its notes, and one line per note left out."""
    iid = iid_of(raw)
    if iid is None:
        found = raw.get("iid")
        raise _Unreadable(f"iid: expected a positive whole number, got {found!r:.40}")
    others = [f"issues[{i}]" for i in where[iid] if i != index]
    if others:
        raise _Unreadable(f"iid {iid} is also the iid of {', '.join(others)}")
    raw_notes = notes_by_iid.get(str(iid)) or []
    if not isinstance(raw_notes, list):
        raise _Unreadable(f"notes.{iid}: expected a list of notes, got {_kind(raw_notes)}")
    for item in raw_notes:
        if not _by_the_bot(item, bot):
            continue
        try:
            ApiNote.model_validate(item)
        except ValidationError as exc:
            raise _Unreadable(
                f"the bot's note {item.get('id')!r} cannot be read ({problem(exc)}); left "
                "out so that the bot does not say again what it said"
            ) from None
    notes, skipped = notes_from_api(raw_notes)
    try:
        return issue_from_api(raw, notes), skipped
    except ValueError as exc:
        raise _Unreadable(str(exc)) from None


def _by_the_bot(item: Any, bot: str) -> bool:
    """Whether a note (however malformed) is the bot's: by its author, or its marker."""
    if not isinstance(item, dict):
        return False
    author = item.get("author")
    name = author.get("username") if isinstance(author, dict) else author
    body = item.get("body")
    return (isinstance(name, str) and same_user(name, bot)) or (
        isinstance(body, str) and looks_like_the_bots(body)
    )


def threads_of(raw_notes: list[Any]) -> tuple[Thread, ...]:
    """The notes of an issue grouped by ``discussion_id`` (a note without one is a thread of
    its own), each thread oldest first; notes that do not fit are left out."""
    notes, _ = notes_from_api(raw_notes)
    thread_of = {
        number(n.get("id")): str(n.get("discussion_id") or f"d{n.get('id')}")
        for n in raw_notes
        if isinstance(n, dict)
    }
    grouped: dict[str, list[ThreadNote]] = {}
    for note in notes:
        key = thread_of.get(note.id, f"d{note.id}")
        grouped.setdefault(key, []).append(
            ThreadNote(note.id, note.author, note.body, note.created_at, note.system)
        )
    return tuple(Thread(key, tuple(ns)) for key, ns in grouped.items())


def discussed(place: str, raw: Any, notes_by_iid: dict[str, Any]) -> tuple[Discussed, datetime]:
    """An issue of an offline project as read for mentions, and when it last changed."""
    issue = issue_from_api(raw, ())
    raw_notes = notes_by_iid.get(str(issue.iid)) or []
    if not isinstance(raw_notes, list):
        raise ValueError(f"notes.{issue.iid}: expected a list of notes")
    found = Discussed(
        place=place,
        iid=issue.iid,
        author=issue.author,
        description=issue.description,
        created_at=issue.created_at,
        web_url=issue.web_url,
        labels=issue.labels,
        threads=threads_of(raw_notes),
    )
    return found, issue.updated_at
