"""The interfaces the shell writes through: the issue tracker (GitLab, or the offline JSON file)
and the team-channel notifier. The planner never sees either."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.away import Scan, Thread
from ..domain.memory import Memory
from ..domain.snapshot import Snapshot
from .pacing import Pacer

Notifier = Callable[[str], None]
"""Sends one team-channel message; raises :class:`~pto_bot.errors.TrackerError` when it fails."""


@dataclass(frozen=True)
class Wanted:
    """What a run reads, beyond the open issues of its labels.

    ``closed``: the labels of the closed issues that can still matter, when changed since
    ``since``. ``board``: the label of the bot's dashboard, where its memory is kept (the
    dashboard's own comments are never read), trusted only from ``bot``. ``fresh``: issues
    whose notes are read even when remembered (the issue an event is about). ``remember``: use
    the memory; without it every closed issue changed since ``since`` is read, with its notes.
    """

    closed: tuple[str, ...]
    since: datetime
    bot: str | None = None
    board: str | None = None
    fresh: frozenset[int] = frozenset()
    remember: bool = True


class Tracker(Protocol):
    """Reads plain snapshots and performs the few writes pto_bot makes.

    Writes raise :class:`~pto_bot.errors.TrackerError` (with ``iid`` set where one issue is
    concerned) when they fail for good; the applier reports it and goes on with other issues.
    """

    @property
    def bot_username(self) -> str:
        """Who the bot is on this tracker: on GitLab the token's user (``GET /user``, asked
        once)."""
        ...

    @property
    def pacer(self) -> Pacer | None:
        """How writes are paced (None: as fast as they go)."""
        ...

    def read(self, labels: Sequence[str], wanted: Wanted | None = None) -> Snapshot:
        """Issues carrying any of ``labels`` (open ones, and closed ones that can still matter),
        each with its notes, oldest first; ``wanted`` says which closed ones (default: every one
        changed within a year and a month)."""
        ...

    def seal(self, memory: Memory) -> str | None:
        """``memory`` as text only this bot can have written, for its dashboard; None where the
        tracker keeps no memory (an offline file is read whole every time)."""
        ...

    def post_note(self, iid: int, body: str) -> int:
        """Create a note; return its id."""
        ...

    # -- out of office: the team project (place "") and the collaboration projects -------------

    def recall(self, board: str) -> Memory | None:
        """The bot's memory alone (who is away, where accounts are discussed), from the issues
        labelled ``board``, without reading the project; None where there is none."""
        ...

    def scan(
        self, since: Mapping[str, datetime | None], seen: Mapping[str, Mapping[int, int]]
    ) -> Scan:
        """The issues of each place of ``since`` changed since its time (None: in the last
        day), each with its threads when it has comments not read before (its note count
        differs from ``seen``), and when each place's list was read."""
        ...

    def threads(self, place: str, iid: int, thread: str = "") -> tuple[Thread, ...]:
        """The threads of an issue of ``place``; ``thread``: only that one."""
        ...

    def reply(self, place: str, iid: int, thread: str, body: str) -> int:
        """Answer in ``thread`` of an issue of ``place`` ("": a new comment); return the note's
        id."""
        ...

    def edit_note(self, iid: int, note_id: int, body: str) -> None: ...

    def set_labels(self, iid: int, add: Sequence[str], remove: Sequence[str]) -> None: ...

    def create_issue(self, title: str, description: str, labels: Sequence[str]) -> int:
        """Open an issue; return its iid."""
        ...

    def link_issues(self, iid: int, other_iid: int) -> None: ...

    def edit_description(self, iid: int, description: str) -> None: ...

    def set_state(self, iid: int, state: str) -> None:
        """``state`` is ``close`` or ``reopen``."""
        ...
