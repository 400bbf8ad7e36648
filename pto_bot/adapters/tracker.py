"""The interfaces the shell works through: the issue tracker (GitLab, or the offline JSON file)
and the team-channel notifier. The planner never sees either.

A tracker is a unit of work. The shell reads a complete snapshot (:meth:`Tracker.read`), carries
out the plan through the write methods, and ends with :meth:`Tracker.commit`, the one place
where what the tracker keeps for the next run leaves it. However a tracker saves requests — a
memory of what it read, a cache on the runner — it hands out the same snapshot a full read
would: nobody above it knows how it came by it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.away import Discussed, Scan
from ..domain.snapshot import Snapshot
from .pacing import Pacer

Notifier = Callable[[str], None]
"""Sends one team-channel message; raises :class:`~pto_bot.errors.TrackerError` when it fails."""


@dataclass(frozen=True)
class Query:
    """What a run reads.

    ``labels``: the open issues carrying any of them. ``closed``: the labels of closed issues
    that can still matter, when changed since ``since``. ``board``: the label of the bot's own
    issue (the dashboard), read open or closed; its comments are never read. ``fresh``: issues
    read from GitLab whatever the tracker kept of them (the issue an event is about).

    What an issue's notes cannot hold is not read: a closed issue last changed before
    ``silent_before`` (the bot went live then: nothing of its own is in it) comes without notes;
    an issue nobody commented on (GitLab's ``user_notes_count`` is 0) comes without GitLab's
    system notes, unless it carries one of ``system_notes`` (a playbook: people's edits of it
    show there).
    """

    labels: tuple[str, ...]
    closed: tuple[str, ...]
    since: datetime
    board: str | None = None
    fresh: frozenset[int] = frozenset()
    silent_before: datetime | None = None
    system_notes: tuple[str, ...] = ()


class Tracker(Protocol):
    """Reads complete snapshots and performs the few writes pto_bot makes.

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

    def read(self, query: Query) -> Snapshot:
        """The issues ``query`` asks for, each with all its notes, oldest first."""
        ...

    def recall(self, query: Query) -> Snapshot | None:
        """The snapshot as the tracker kept it from its last commit, without reading the
        project (one request at most); None when it kept none."""
        ...

    def commit(self, home: int | None, *, whole: bool = True) -> list[str]:
        """Keep what the next run needs, once the run's writes are done; ``home``: the bot's
        dashboard issue, where GitLab keeps it (None: the tracker's own); ``whole``: the run
        read the whole project (not only what an event changed). Returns problems worth a line
        in the run's account (nothing kept, and why)."""
        ...

    # -- out of office: the team project (place "") and the collaboration projects -------------

    def scan(self, places: Sequence[str], floors: Mapping[str, datetime]) -> Scan:
        """The issues of each of ``places`` changed lately, each with its threads when it has
        comments the tracker has not read before. ``floors``: what is being watched (a key
        each) and from when: the tracker reads each place from the earliest floor it has not
        read for yet, else from where it last read it."""
        ...

    def unread(self, place: str, iid: int) -> None:
        """Read the threads of that issue again at the next scan (its answer was not written)."""
        ...

    def discussed(self, place: str, iid: int, thread: str = "") -> Discussed:
        """An issue of ``place`` as GitLab has it, with its threads (``thread``: only that
        one); raises :class:`~pto_bot.errors.TrackerError` when GitLab has no such issue."""
        ...

    # -- writes ---------------------------------------------------------------------------------

    def post_note(self, iid: int, body: str, *, internal: bool = False) -> int:
        """Create a note (``internal``: one only Planners/Reporters and up read); return its
        id."""
        ...

    def reply(self, place: str, iid: int, thread: str, body: str) -> int:
        """Answer in ``thread`` of an issue of ``place`` ("": a new comment); return the note's
        id."""
        ...

    def edit_note(self, iid: int, note_id: int, body: str) -> None: ...

    def set_labels(self, iid: int, add: Sequence[str], remove: Sequence[str]) -> None: ...

    def create_issue(
        self,
        title: str,
        description: str,
        labels: Sequence[str],
        *,
        assignees: Sequence[str] = (),
        confidential: bool = False,
    ) -> int:
        """Open an issue (assigned to ``assignees``, usernames; confidential when asked);
        return its iid."""
        ...

    def link_issues(self, iid: int, other_iid: int) -> None: ...

    def edit_description(
        self,
        iid: int,
        description: str,
        *,
        title: str | None = None,
        confidential: bool = False,
    ) -> None:
        """Rewrite the issue's description (and its title, when given); ``confidential``: and
        make the issue confidential."""
        ...

    def set_assignees(self, iid: int, assignees: Sequence[str]) -> None:
        """Assign the issue to ``assignees`` (usernames) alone; () unassigns everyone."""
        ...

    def set_state(self, iid: int, state: str) -> None:
        """``state`` is ``close`` or ``reopen``."""
        ...
