"""Plain snapshots of the tracker's issues and notes: what the planner reads.

Nothing here knows about GitLab's client library; adapters convert at the edge. An issue or a
note the bot did not read again this run, because nothing changed since it last did, stands in
from the bot's memory (:mod:`.memory`): its text is then only what the planner needs (the hidden
marker) and ``digest`` fingerprints the text it really has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .memory import Memory


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    body: str
    created_at: datetime
    updated_at: datetime
    system: bool = False
    digest: str | None = None  # a stand-in from memory: the fingerprint of the real body


@dataclass(frozen=True)
class Issue:
    iid: int
    title: str
    description: str
    labels: tuple[str, ...]
    state: str  # "opened" | "closed"
    author: str
    created_at: datetime
    updated_at: datetime
    assignees: tuple[str, ...] = ()
    closed_at: datetime | None = None
    web_url: str = ""
    notes: tuple[Note, ...] = ()
    digest: str | None = None  # a stand-in from memory: the fingerprint of the real description
    activity: datetime | None = None  # from memory: the last thing a person did on it
    notes_count: int | None = None  # GitLab's user_notes_count when it was listed
    read_at: datetime | None = None  # when its notes were read (or remembered as read)

    @property
    def is_open(self) -> bool:
        return self.state == "opened"


@dataclass(frozen=True)
class Snapshot:
    """Everything one planning pass may look at."""

    issues: tuple[Issue, ...]
    project: str = ""
    web_url: str = ""
    errors: tuple[str, ...] = field(default=())
    # fallback days of closed requests no longer read: request iid -> engineer -> year -> days
    folded: dict[int, dict[str, dict[int, int]]] = field(default_factory=dict)
    synced: datetime | None = None  # when the read began
    remembered: Memory | None = None  # the bot's memory, as the read found it

    def by_iid(self) -> dict[int, Issue]:
        return {i.iid: i for i in self.issues}
