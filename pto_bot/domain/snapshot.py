"""Plain snapshots of the tracker's issues and notes: what the planner reads.

Nothing here knows about GitLab's client library; adapters convert at the edge. A snapshot is
complete: every issue it holds comes with every note the tracker has for it, their text as
written, however the tracker came by them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Note:
    id: int
    author: str
    body: str
    created_at: datetime
    updated_at: datetime
    system: bool = False
    internal: bool = False  # an internal note: seen only by Planners/Reporters and up


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
    confidential: bool = False
    closed_by: str | None = None  # who closed it, when GitLab says

    @property
    def is_open(self) -> bool:
        return self.state == "opened"


@dataclass(frozen=True)
class Snapshot:
    """Everything one planning pass may look at: the issues the run asked for, and what could
    not be read (named, one line each)."""

    issues: tuple[Issue, ...]
    project: str = ""
    project_id: int | None = None  # the project's numeric id, where the tracker knows it
    web_url: str = ""
    errors: tuple[str, ...] = field(default=())

    def by_iid(self) -> dict[int, Issue]:
        return {i.iid: i for i in self.issues}
