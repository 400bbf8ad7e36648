"""A coverage issue, as read: the bot's issue per absence (label ``labels.coverage_issue``),
assigned to the backups, linked to its PTO request, where what they need while the engineer is
out goes. Its description's hidden state names its request; one that is not the bot's, or whose
state is gone, is reported and left alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .bot_notes import opened_by_the_bot
from .markers import CoverageIssueState, read_marker, read_state
from .snapshot import Issue
from .topics import Topic
from .usernames import BotIdentity


@dataclass(frozen=True)
class CoverageIssue:
    issue: Issue
    request: int
    opened_at: datetime

    @property
    def iid(self) -> int:
        return self.issue.iid


def coverage_issue(issue: Issue, bot: BotIdentity, problems: list[str]) -> CoverageIssue | None:
    hint = "remove the coverage label or close it"
    if not opened_by_the_bot(issue, bot, "coverage", problems):
        return None
    data = read_marker(issue.description)
    state = read_state(CoverageIssueState, data) if data is not None else "no hidden state"
    if data is None or data.get("t") != Topic.COVERAGE_ISSUE or isinstance(state, str):
        problems.append(
            f"#{issue.iid}: the coverage issue's hidden state is gone from its description "
            f"({state if isinstance(state, str) else 'another topic'}): ignored; {hint}, and "
            "the bot opens a new one if one is needed"
        )
        return None
    return CoverageIssue(issue, state.request, state.opened_at)
