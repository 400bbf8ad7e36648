"""What a bot note means over time: the one place that decides post, edit or leave alone.

Every note the bot writes carries a hidden marker naming its *topic* (``coverage``, ``approval``,
``checklist``, ...). A topic is either

- **live**: posted once, then edited in place whenever its text changes (the coverage note, the
  checklist, a playbook's coverage note). An edit tells nobody: GitLab does not notify people
  mentioned by an edit, so rewritten text never carries a live ``@mention``
  (:func:`pto_bot.render.text.unmention`); or
- **once**: an announcement, posted once per *key* and never edited (the approval request for
  these dates, the lead-time warning, the return checklist). A new key (new dates, a new break in
  coverage) is a new announcement: a new note, which mentions the people it concerns.

Issue descriptions the bot keeps (fallback requests) follow the live rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.bot_notes import BotNote
from ..domain.markers import with_marker
from ..domain.snapshot import Issue
from ..render.text import unmention
from .actions import Action, EditIssue, EditNote, PostNote, Unsent


def _same(a: str, b: str) -> bool:
    """``a`` (what is there) says what ``b`` says, mentions aside."""
    a, b = a.rstrip(), b.rstrip()
    return a == b or unmention(a) == unmention(b)


def ensure_note(
    existing: Sequence[BotNote],
    iid: int,
    topic: str,
    body: str,
    why: str,
    unsent: tuple[str, str, dict[str, Any]] | None = None,
    **data: Any,
) -> list[Action]:
    """A live note: post it, or edit it in place (without live mentions) when its text changed.

    ``unsent`` is (message key, body, data): what the note says instead if the team-channel
    message of that key is not sent in this run, so it never claims a post that did not happen.
    """
    full = with_marker(body, topic, **data)
    alternative = with_marker(unsent[1], topic, **unsent[2]) if unsent else None
    note = next((n for n in existing if n.topic == topic), None)
    if note is None:
        instead = Unsent(unsent[0], alternative) if unsent and alternative else None
        return [PostNote(iid, topic, full, why, instead)]
    if _same(note.body, full):
        return []
    instead = Unsent(unsent[0], unmention(alternative)) if unsent and alternative else None
    return [EditNote(iid, note.note_id, topic, unmention(full), why, instead)]


def announce(
    existing: Sequence[BotNote],
    iid: int,
    topic: str,
    body: str,
    why: str,
    key: str | None = None,
    **data: Any,
) -> list[Action]:
    """A once note: posted when no note of ``topic`` (with this ``key``) exists, never edited."""
    for note in existing:
        if note.topic == topic and (key is None or note.data.get("k") == key):
            return []
    extra = {**data, "k": key} if key is not None else data
    return [PostNote(iid, topic, with_marker(body, topic, **extra), why)]


def has_note(existing: Sequence[BotNote], topic: str) -> bool:
    return any(n.topic == topic for n in existing)


def ensure_description(issue: Issue, body: str, why: str) -> list[Action]:
    """A description the bot keeps: rewritten (without live mentions) when its text changed."""
    if _same(issue.description, body):
        return []
    return [EditIssue(issue.iid, unmention(body), why)]
