"""The small, frozen actions a plan is made of. The applier carries them out.

Bodies may contain references to issues the same plan creates (see :func:`ref`); the applier
replaces them with the new issue's ``#iid`` once it exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..domain.topics import Topic

_REF = "\u27e6new:{key}\u27e7"
REF_RE = re.compile("\u27e6new:([^\u27e7]+)\u27e7")


def ref(key: str) -> str:
    """A placeholder for the ``#iid`` of the issue this plan creates under ``key``."""
    return _REF.format(key=key)


@dataclass(frozen=True)
class SetLabels:
    iid: int
    add: tuple[str, ...]
    remove: tuple[str, ...]
    why: str

    def describe(self) -> str:
        parts = [f"+~{label}" for label in self.add] + [f"-~{label}" for label in self.remove]
        return f"labels {' '.join(parts)}"


@dataclass(frozen=True)
class Unsent:
    """What a note says instead when the team-channel message ``key`` was not sent."""

    key: str
    body: str


@dataclass(frozen=True)
class PostNote:
    iid: int
    topic: str
    body: str
    why: str
    unsent: Unsent | None = None
    internal: bool = False  # an internal note: only Planners/Reporters and up read it
    new: str | None = None  # on the issue this plan opens under that key (``iid`` unused)

    def describe(self) -> str:
        where = " on the new issue" if self.new else ""
        return f"post {'internal ' if self.internal else ''}note [{self.topic}]{where}"


@dataclass(frozen=True)
class EditNote:
    iid: int
    note_id: int
    topic: str
    body: str
    why: str
    unsent: Unsent | None = None

    def describe(self) -> str:
        return f"edit note {self.note_id} [{self.topic}]"


@dataclass(frozen=True)
class CreateIssue:
    key: str
    title: str
    description: str
    labels: tuple[str, ...]
    link_to: int | None
    why: str
    assignees: tuple[str, ...] = ()
    confidential: bool = False

    def describe(self) -> str:
        link = f", linked to #{self.link_to}" if self.link_to else ""
        who = f", assigned to {', '.join(self.assignees)}" if self.assignees else ""
        secret = ", confidential" if self.confidential else ""
        return f"open issue {self.title!r}{link}{who}{secret}"


@dataclass(frozen=True)
class EditIssue:
    iid: int
    description: str
    why: str
    title: str | None = None  # a new title too
    confidential: bool = False  # and make the issue confidential

    def describe(self) -> str:
        title = " and title" if self.title else ""
        secret = ", make confidential" if self.confidential else ""
        return f"rewrite description{title}{secret}"


@dataclass(frozen=True)
class SetAssignees:
    iid: int
    assignees: tuple[str, ...]  # usernames; () unassigns everyone
    why: str

    def describe(self) -> str:
        return f"assign to {', '.join(self.assignees)}" if self.assignees else "unassign"


@dataclass(frozen=True)
class SetState:
    iid: int
    state: str  # "close" | "reopen"
    why: str

    def describe(self) -> str:
        return f"{self.state} issue"


@dataclass(frozen=True)
class Notify:
    """A message for the team channel (sent only where a chat webhook is configured)."""

    key: str
    text: str
    why: str
    about: int | None = None  # the issue whose writes record that it was sent

    def describe(self) -> str:
        return f"notify channel [{self.key}]"


@dataclass(frozen=True)
class Reply:
    """An answer in a thread (``thread``: its discussion id; "" for a new comment) of an issue
    of ``place`` (a project's path; "" for the team project). ``note``: the thread is the one of
    that note of the team project, found when the reply is written (the planner knows notes,
    not threads); a new comment when it is gone."""

    place: str
    iid: int
    thread: str
    body: str
    why: str
    topic: str = Topic.AWAY
    note: int | None = None

    def describe(self) -> str:
        if self.note is not None:
            return f"post note [{self.topic}] in the thread of note {self.note}"
        where = f"#{self.iid}" if not self.place else f"{self.place}#{self.iid}"
        return f"answer in {where}" + (" (thread)" if self.thread else "")


Action = (
    SetLabels
    | PostNote
    | EditNote
    | CreateIssue
    | EditIssue
    | SetAssignees
    | SetState
    | Notify
    | Reply
)


def target(action: Action) -> int | None:
    """The team-project issue an action writes to (None for new issues, channel messages and
    answers in other projects)."""
    if isinstance(action, CreateIssue | Notify):
        return None
    if isinstance(action, Reply):
        return action.iid if not action.place else None
    if isinstance(action, PostNote) and action.new is not None:
        return None
    return action.iid


def touches(action: Action, issues: frozenset[int]) -> bool:
    """``action`` writes to one of ``issues``, or opens an issue linked to one, or tells the team
    channel about one."""
    if isinstance(action, CreateIssue):
        return action.link_to in issues
    if isinstance(action, Notify):
        return action.about in issues
    return target(action) in issues


def resolve_refs(text: str, created: dict[str, int], dry_run: bool) -> str:
    """Replace references to issues this plan creates with their ``#iid``."""

    def sub(match: object) -> str:
        key = match.group(1)  # type: ignore[attr-defined]
        if key in created:
            return f"#{created[key]}"
        return "(new issue)" if dry_run else "the fallback request"

    return REF_RE.sub(sub, text)
