"""What every planning function reads: the world, its evaluation and the moment. Frozen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..domain.bot_notes import BotNote
from ..domain.policy import Policy
from ..domain.world import World
from ..rules.evaluation import Evaluation

if TYPE_CHECKING:
    from .away import Away


@dataclass(frozen=True)
class Context:
    world: World
    evaluation: Evaluation
    now: datetime
    chat: bool = False  # a team-channel webhook is set up: messages can be sent
    away: Away | None = None  # out of office: who is away, the threads that mentioned them

    @property
    def policy(self) -> Policy:
        return self.world.policy

    @property
    def today(self) -> date:
        return self.evaluation.today

    def notes(self, iid: int) -> tuple[BotNote, ...]:
        """The bot's notes on issue ``iid``."""
        return self.world.bot_notes(iid)
