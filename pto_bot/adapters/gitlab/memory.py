"""What the GitLab tracker keeps from one run to the next (its memory), and how it is sealed.

The memory is a copy of what the last run read and wrote: every issue that can still matter,
with its notes as GitLab returned them, and when they were read (GitLab's clock); and, for the
out-of-office scan, the note count of each issue whose threads were read. With it a run lists
the open issues and what changed since, and reads the notes only of issues whose list fields
show a change: :mod:`.unit_of_work` decides, :mod:`.reads` reads.

It is kept in GitLab itself, as a hidden comment at the end of the bot's dashboard issue (or of
a closed issue of the bot's own when there is no dashboard: :mod:`.home`), so that a runner with
no cache still reads only what changed; and, when the runner has a cache, in a file there too.
Anyone who can read the dashboard can read the comment, and the copy holds text from
confidential issues: it is sealed (AES-GCM) with a key derived from the bot's token and the
project, and bound to the issue it lives in. A person's edit, a copy pasted elsewhere, a new
token or a new version all read as no memory; losing it costs requests, never correctness.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import lzma
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

VERSION = 4
_NONCE = 12  # bytes, AES-GCM's
_OPEN = "<!-- pto-bot-memory "
_CLOSE = " -->"
#: The most GitLab keeps of an issue's description, in bytes.
DESCRIPTION_LIMIT = 1_048_576
#: GitLab bumps an issue's ``updated_at`` for a new or edited note only when the last bump is
#: over a minute old (``ThrottledTouch``): notes read this long after the issue's last change
#: (GitLab's own clock, from its ``Date`` header) hold every change to it.
SETTLE = timedelta(seconds=75)
#: How far behind the scan's place in a project may be kept without rewriting the memory.
LISTED_LAG = timedelta(days=1)


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KeptIssue(_Shape):
    """One issue as the tracker last knew it."""

    issue: dict[str, Any]  # as GitLab's issue JSON (the fields pto_bot reads)
    notes: tuple[dict[str, Any], ...] | None = None  # as GitLab's note JSON; None: not read
    updated_at: datetime  # the issue's updated_at when its notes were read, or as written since
    count: int | None = None  # GitLab's user_notes_count then
    settled: bool = False  # its notes were read SETTLE after its last change
    wrote_at: datetime | None = None  # GitLab's time of the bot's last write to it


class Place(_Shape):
    """A project the out-of-office scan reads: when it last listed it (GitLab's clock) and for
    what (the keys of the absences it read for), the note count of each issue whose threads it
    read, and the issues to read again (an answer there was not written)."""

    listed_at: datetime | None = None
    keys: tuple[str, ...] = ()
    counts: dict[int, int] = Field(default_factory=dict)
    again: tuple[int, ...] = ()


class Memory(_Shape):
    version: int = VERSION
    synced: datetime  # GitLab's time when the run that wrote it began reading
    since: datetime  # closed issues changed since then are kept (what the run was asked for)
    issues: dict[int, KeptIssue] = Field(default_factory=dict)
    places: dict[str, Place] = Field(default_factory=dict)

    def same_as(self, other: Memory | None) -> bool:
        """Says what ``other`` says, whenever each was synced, and wherever the scan last listed
        a place within :data:`LISTED_LAG` (not worth a write: the next scan lists a little more)."""
        if other is None:
            return False
        places = {
            name: place.model_copy(update={"listed_at": other.places[name].listed_at})
            if name in other.places and _close(place.listed_at, other.places[name].listed_at)
            else place
            for name, place in self.places.items()
        }
        mine = self.model_copy(update={"places": places, "issues": _steady(self.issues)})
        theirs = other.model_copy(update={"synced": self.synced, "issues": _steady(other.issues)})
        return mine == theirs


#: What an issue's list fields say of when it changed and how many comments it has: they move
#: with every write of the bot's own, and a memory that differs only there is not rewritten
#: (what its notes are trusted against is kept apart: ``KeptIssue.updated_at`` and ``count``).
_MOVING = ("updated_at", "user_notes_count")


def _steady(issues: dict[int, KeptIssue]) -> dict[int, KeptIssue]:
    return {
        iid: entry.model_copy(
            update={"issue": {k: v for k, v in entry.issue.items() if k not in _MOVING}}
        )
        for iid, entry in issues.items()
    }


def _close(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and abs(a - b) < LISTED_LAG


def key_for(project: str | int, token: str) -> bytes:
    """The key the memory is sealed with: only this token, on this project, has it."""
    return hashlib.sha256(f"pto-bot memory\n{project}\n{token}".encode()).digest()


def _cipher(key: bytes) -> tuple[Any, bytes]:
    """AES-GCM and the nonce key, both derived from ``key``. ``cryptography`` is loaded only
    here: a run that reads no memory does not pay for it."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    cipher = hmac.new(key, b"pto-bot memory: encryption", hashlib.sha256).digest()
    nonces = hmac.new(key, b"pto-bot memory: nonce", hashlib.sha256).digest()
    return AESGCM(cipher), nonces


def _bound_to(home: int) -> bytes:
    """What a sealed memory is bound to: the format's version and the issue it lives in."""
    return f"pto-bot memory v{VERSION} in #{home}".encode()


def seal(memory: Memory, key: bytes, home: int) -> str:
    """``memory`` as compact text for issue ``home``: JSON, compressed (lzma: the bot's notes
    repeat their wording from issue to issue), encrypted and authenticated, base64. The nonce is
    derived from the content, so the same memory always seals to the same text."""
    raw = lzma.compress(memory.model_dump_json().encode(), preset=6)
    cipher, nonces = _cipher(key)
    nonce = hmac.new(nonces, raw, hashlib.sha256).digest()[:_NONCE]
    sealed = nonce + cipher.encrypt(nonce, raw, _bound_to(home))
    return base64.b64encode(sealed).decode("ascii")


def unseal(text: object, key: bytes, home: int) -> Memory | None:
    """The memory sealed in ``text`` for issue ``home`` with ``key``; None when it is missing,
    edited, sealed elsewhere or with another key, or of another version."""
    if not isinstance(text, str) or not text:
        return None
    from cryptography.exceptions import InvalidTag

    try:
        blob = base64.b64decode(text.encode("ascii"), validate=True)
        cipher, _ = _cipher(key)
        raw = cipher.decrypt(blob[:_NONCE], blob[_NONCE:], _bound_to(home))
        data = json.loads(lzma.decompress(raw))
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        return Memory.model_validate(data)
    except (InvalidTag, ValueError, lzma.LZMAError, ValidationError, UnicodeError, RecursionError):
        return None


def split(description: str) -> tuple[str, str | None]:
    """A description as people and the planner see it, and the sealed memory at its end (if
    any). Linear: one search from the end."""
    text = description or ""
    start = text.rfind(_OPEN)
    if start < 0 or not text.rstrip().endswith(_CLOSE):
        return text, None
    body = text[start + len(_OPEN) :].rstrip()[: -len(_CLOSE)].strip()
    return text[:start].rstrip(), body


def without_memory(raw: Mapping[str, Any]) -> dict[str, Any]:
    """An issue (GitLab's JSON) as people and the planner see it: its description without the
    sealed memory at its end."""
    return {**raw, "description": split(str(raw.get("description") or ""))[0]}


def room_beside(description: str) -> int:
    """How many characters of sealed memory (ASCII) fit after ``description`` in an issue
    description GitLab keeps (:data:`DESCRIPTION_LIMIT` bytes)."""
    return DESCRIPTION_LIMIT - len(join(description, "").encode())


def join(description: str, sealed: str | None) -> str:
    """``description`` with the sealed memory at its end."""
    text = (description or "").rstrip()
    if sealed is None:
        return text
    return f"{text}\n\n{_OPEN}{sealed}{_CLOSE}\n" if text else f"{_OPEN}{sealed}{_CLOSE}\n"
