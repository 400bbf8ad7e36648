"""Hidden markers: how the bot recognises its own notes and issues and keeps state in them.

A marker is an HTML comment at the end of a body: ``<!-- pto-bot {"t": "coverage", ...} -->``.
GitLab does not render it; the next run reads it back. Markers are data from the outside world
(anyone can type one), so they are read back through pydantic models of the fields each topic
uses, and only from bodies the bot wrote: a marker with the wrong shape is a problem to report,
never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

_PREFIX = "<!-- pto-bot "
_START = _PREFIX + "{"
_END = "} -->"


def marker(topic: str, **data: Any) -> str:
    payload = {"t": topic, **data}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    # JSON allows \u escapes inside strings; use them so user text can never close the comment.
    text = text.replace("-", "\\u002d").replace(">", "\\u003e").replace("<", "\\u003c")
    text = text.replace("@", "\\u0040")  # no mention, even hidden
    return f"{_PREFIX}{text} -->"


def with_marker(body: str, topic: str, **data: Any) -> str:
    return f"{body.rstrip()}\n\n{marker(topic, **data)}\n"


def read_marker(body: str) -> dict[str, Any] | None:
    """The last marker in ``body``, or None when there is none or it is not ours."""
    found = next(_markers(body or ""), None)
    if found is None:
        return None
    start, end = found
    try:
        data = json.loads(body[start + len(_PREFIX) : end - len(_END) + 1])
    except (json.JSONDecodeError, RecursionError):  # RecursionError: nested too deeply
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None
    return data


def _markers(body: str) -> Iterator[tuple[int, int]]:
    """Where each marker of ``body`` starts and ends, the last first: a marker runs from a start
    to the first end after it. Each part of ``body`` is searched a bounded number of times, so
    a megabyte of hostile text is read as fast as a short note (no start is followed to the end
    of the text once per start)."""
    before = len(body)
    while True:
        closing = body.rfind(_END, 0, before)
        if closing < 0:
            return
        start = body.rfind(_START, 0, closing + 1)
        if start < 0:
            return
        end = body.find(_END, start + len(_START)) + len(_END)
        yield start, end
        before = start


def looks_like_the_bots(body: str) -> bool:
    """Whether ``body`` ends the way the bot's notes end: its marker on a line of its own (not in
    a quote). How the webhook job tells the bot's own comments when it does not know the bot's
    username; a hint only, never trusted as state (:func:`read_marker` is read only from bodies
    the bot wrote)."""
    lines = (body or "").rstrip().splitlines()
    return bool(lines) and lines[-1].startswith(_PREFIX) and read_marker(lines[-1]) is not None


def strip_marker(body: str) -> str:
    text = body or ""
    kept, after = [], len(text)
    for start, end in _markers(text):
        kept.append(text[end:after])
        after = start
    kept.append(text[:after])
    return "".join(reversed(kept)).rstrip()


# -- the state some markers carry --------------------------------------------------------------
class State(BaseModel):
    """A marker's payload; extra keys are kept by newer versions and ignored by this one. Each
    model's validator is built when a marker is first read (the webhook job reads none)."""

    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    t: str


Shifts = str | list[list[str]]


class CoverageState(State):
    """On the coverage note of a PTO request: what was announced."""

    # account -> its pod backup for the whole request, or its [backup, first day, last day]
    # stretches when the pod covers it in parts
    assign: dict[str, Shifts] = Field(default_factory=dict)
    start: date | None = None
    end: date | None = None
    sent: tuple[str, ...] = ()  # team-channel messages already sent
    # account -> its backup (or stretches, as ``assign``) as the backups were told (mentioned)
    told: dict[str, Shifts] | None = None
    q: datetime | None = None  # when the request joined the queue (first became valid)


class NeedsInfoState(State):
    """On the needs-info note of a PTO request whose dates read well (its backups do not):
    when it joined the queue, so that the bot's own notes never move it."""

    q: datetime | None = None


class FallbackState(State):
    """In the description of a fallback request: which request, since when, who took what."""

    request: int
    opened_at: datetime
    start: date | None = None
    end: date | None = None
    eng: str | None = None
    accounts: dict[str, str | None]  # account -> volunteer or assignee (None while open)
    window_from: datetime | None = None  # the volunteer window's start when it was reopened


class CoverageIssueState(State):
    """In the description of a coverage issue: its request and when it was opened. (Who covers
    what, as the backups were told, is the coverage note's :class:`CoverageState`.)"""

    request: int
    opened_at: datetime


class ReplyState(State):
    """On a reply to commands: the commands it answers (see :mod:`.ledger`)."""

    note: int | None = None
    cmds: tuple[dict[str, Any], ...] = ()


S = TypeVar("S", bound=State)


def read_state(model: type[S], data: dict[str, Any]) -> S | str:
    """``data`` as ``model``, or a one-line description of what is wrong with it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "marker"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        return f"{where}: {first['msg']}{more}"
