"""What the bot remembers between runs, kept in GitLab itself (a hidden marker in the dashboard
issue's description), so that a runner with no cache reads what changed, not the history.

For each issue that can still matter: the ``updated_at`` and note count it had when the bot last
read its notes, and when that was; the last thing a person did on it; and what the planner needs
of its notes: the bot's own (their hidden markers and a fingerprint of their text) and the
people's comments that carry a command (their text). For a closed issue kept because it can
still matter (a request whose days are recent, its fallback request), what the planner needs of
the issue itself: a closed issue is not listed again unless it changes. And the folded facts of
the closed history no longer kept: the fallback days each closed request gave each engineer.
And who is away and where accounts are discussed (:class:`RememberedAway`): what the webhook job
needs to answer a mention of someone out without reading the project.

The memory is sealed (encrypted and authenticated) with a key only the bot has, derived from its
token: nobody else can read it, and a person's edit, a forgery, a new token or a new version all
read as no memory. Losing it costs requests, never
correctness: the next run reads everything that can still matter and remembers again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict, Field, ValidationError

VERSION = 3
_NONCE = 12  # bytes, AES-GCM's
_CONTEXT = b"pto-bot memory"  # authenticated with the content
#: GitLab bumps an issue's ``updated_at`` for a new or edited note only when the last bump is
#: over a minute old (``ThrottledTouch``): notes read this long after the issue's last change
#: (GitLab's own clock, from its ``Date`` header; a second's resolution) hold every change to it,
#: and only such notes are remembered.
SETTLE = timedelta(seconds=75)


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RememberedNote(_Shape):
    """A note the planner needs: the bot's (``data``, ``digest``) or a person's command
    (``author``, ``body``)."""

    id: int
    created_at: datetime
    updated_at: datetime
    author: str | None = None  # None: the bot
    data: dict[str, Any] | None = None  # the bot's note: its hidden marker
    digest: str | None = None  # the bot's note: the fingerprint of its text
    body: str | None = None  # a person's note: its text (it carries a command)


class RememberedFields(_Shape):
    """A closed issue kept as history: what the planner reads of the issue itself."""

    title: str
    description: str  # a fallback request's: its hidden marker only (see ``digest``)
    digest: str | None = None  # the fingerprint of the real description, when shortened
    labels: tuple[str, ...]
    state: str
    author: str
    assignees: tuple[str, ...] = ()
    created_at: datetime
    closed_at: datetime | None = None
    web_url: str = ""


class RememberedIssue(_Shape):
    updated_at: datetime
    notes_count: int | None = None  # GitLab's user_notes_count
    read_at: datetime | None = None  # when its notes were read; None: read them next time
    activity: datetime | None = None  # the last thing a person did on it
    notes: tuple[RememberedNote, ...] = ()
    fields: RememberedFields | None = None  # only for a closed issue kept as history


class RememberedAway(_Shape):
    """Out of office, for the webhook job to decide from the memory alone: who is away (each
    :class:`~.away.Absence` as JSON) and where accounts are discussed; and for the scheduled
    run, the note count of each issue whose threads it read (``seen``: place -> iid -> count),
    so that it reads only those with new comments."""

    absences: tuple[dict[str, Any], ...] = ()
    projects: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    playbooks: dict[int, str] = Field(default_factory=dict)
    seen: dict[str, dict[int, int]] = Field(default_factory=dict)
    # place -> GitLab's time its issues were last listed for mentions, when that is before
    # ``synced`` (an event run rewrote the memory, or the list failed): the next list starts there
    scanned: dict[str, datetime] = Field(default_factory=dict)


class Memory(_Shape):
    version: int = VERSION
    synced: datetime  # when the run that wrote it started reading
    issues: dict[int, RememberedIssue] = Field(default_factory=dict)
    # fallback days of closed requests no longer kept: request iid -> engineer -> year -> days
    folded: dict[int, dict[str, dict[int, int]]] = Field(default_factory=dict)
    away: RememberedAway = Field(default_factory=RememberedAway)

    def same_as(self, other: Memory | None) -> bool:
        """Says what ``other`` says, whenever each was synced."""
        return other is not None and self == other.model_copy(update={"synced": self.synced})


def _keys(key: bytes) -> tuple[AESGCM, bytes]:
    """The cipher and the nonce key, both derived from ``key`` (itself from the bot's token)."""
    cipher = hmac.new(key, b"pto-bot memory: encryption", hashlib.sha256).digest()
    nonces = hmac.new(key, b"pto-bot memory: nonce", hashlib.sha256).digest()
    return AESGCM(cipher), nonces


def seal(memory: Memory, key: bytes) -> str:
    """Compact text for a marker: JSON, deflated, encrypted and authenticated with AES-GCM under
    a key derived from ``key``, base64. Anyone who can read the dashboard may read the marker,
    and the memory holds text from confidential issues (comments with commands, requests): only
    the bot can read it. The nonce is derived from the content, so the same memory always seals
    to the same text and an unchanged memory never rewrites the dashboard."""
    raw = zlib.compress(memory.model_dump_json().encode(), 9)
    cipher, nonces = _keys(key)
    nonce = hmac.new(nonces, raw, hashlib.sha256).digest()[:_NONCE]
    return base64.b64encode(nonce + cipher.encrypt(nonce, raw, _CONTEXT)).decode("ascii")


def unseal(text: object, key: bytes) -> Memory | None:
    """The memory sealed in ``text`` with ``key``; None when it is missing, edited, sealed with
    another key or of another version."""
    if not isinstance(text, str) or not text:
        return None
    try:
        blob = base64.b64decode(text.encode("ascii"), validate=True)
        cipher, _ = _keys(key)
        raw = cipher.decrypt(blob[:_NONCE], blob[_NONCE:], _CONTEXT)
        data = json.loads(zlib.decompress(raw))
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        return Memory.model_validate(data)
    except (InvalidTag, ValueError, zlib.error, ValidationError, UnicodeError, RecursionError):
        return None
