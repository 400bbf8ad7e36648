"""Where a request's notes for its backups go: its coverage issue (:mod:`.coverage_issue`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..domain.bot_notes import BotNote
from .actions import Action, EditNote, PostNote


@dataclass(frozen=True)
class Place:
    """Where a request's notes for its backups go: its coverage issue as it is, or the one this
    plan opens (``new``), or none yet."""

    iid: int | None = None
    new: str | None = None
    notes: tuple[BotNote, ...] = ()

    @property
    def exists(self) -> bool:
        return self.iid is not None or self.new is not None

    def on(self, actions: Sequence[Action]) -> list[Action]:
        """``actions`` planned for this place (its notes, found or not), aimed at it."""
        aimed: list[Action] = []
        for action in actions:
            if isinstance(action, PostNote) and self.new is not None:
                action = replace(action, iid=0, new=self.new)
            elif isinstance(action, PostNote | EditNote) and self.iid is not None:
                action = replace(action, iid=self.iid)
            aimed.append(action)
        return aimed


NOWHERE = Place()
