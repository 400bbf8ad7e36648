"""The interfaces the shell writes through: the issue tracker (GitLab, or the offline JSON file)
and the team-channel notifier. The planner never sees either."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ..domain.snapshot import Snapshot

Notifier = Callable[[str], None]
"""Sends one team-channel message; raises :class:`~pto_bot.errors.TrackerError` when it fails."""


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

    def read(self, labels: Sequence[str]) -> Snapshot:
        """Issues carrying any of ``labels`` (open ones, and closed ones that can still matter),
        each with its notes, oldest first."""
        ...

    def post_note(self, iid: int, body: str) -> int:
        """Create a note; return its id."""
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
