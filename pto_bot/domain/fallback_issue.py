"""A fallback request as the bot reads it: the bot's own issue (its author is the bot), and the
state its description keeps in a hidden marker — what a hand-edited marker still says is read,
and named among the run's problems."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .bot_notes import opened_by_the_bot
from .markers import FallbackState, read_marker, read_state
from .snapshot import Issue
from .topics import Topic
from .usernames import BotIdentity


@dataclass(frozen=True)
class FallbackIssue:
    issue: Issue
    request: int
    opened_at: datetime
    accounts: dict[str, str | None]  # account name -> volunteer (None while open)
    start: date | None
    end: date | None
    engineer: str | None
    window_from: datetime | None = None  # set when it was reopened: a fresh volunteer window

    @property
    def window_start(self) -> datetime:
        """When the current volunteer window opened: at the opening, or the last reopening."""
        return self.window_from or self.opened_at


def read_fallback(issue: Issue, bot: BotIdentity, problems: list[str]) -> FallbackIssue | None:
    label_hint = "remove the fallback label or close it"
    if not opened_by_the_bot(issue, bot, "fallback", problems):
        return None
    data = read_marker(issue.description)
    if data is None or data["t"] != Topic.FALLBACK:
        problems.append(
            f"#{issue.iid}: the fallback request's hidden state is gone from its description: "
            f"ignored; {label_hint}, and the bot opens a new one if one is needed"
        )
        return None
    state = read_state(FallbackState, data)
    if isinstance(state, str):
        repaired = _repaired_fallback(issue, data)
        if repaired is None:
            problems.append(
                f"#{issue.iid}: the fallback request's hidden state was edited ({state}) and "
                f"names no PTO request: ignored; {label_hint}"
            )
            return None
        problems.append(
            f"#{issue.iid}: the fallback request's hidden state was edited ({state}); "
            "read what could be read, the next write repairs it"
        )
        state = repaired
    return FallbackIssue(
        issue,
        state.request,
        state.opened_at,
        dict(state.accounts),
        state.start,
        state.end,
        state.eng,
        state.window_from,
    )


def _repaired_fallback(issue: Issue, data: dict[str, Any]) -> FallbackState | None:
    """What a damaged fallback marker still says: its request, else nothing."""
    request = data.get("request")
    if not isinstance(request, int) or isinstance(request, bool):
        return None
    keep: dict[str, Any] = {"t": Topic.FALLBACK, "request": request, "accounts": {}}
    for name, default in (("opened_at", issue.created_at), ("start", None), ("end", None)):
        trial = read_state(FallbackState, {**keep, name: data.get(name)})
        keep[name] = data.get(name) if not isinstance(trial, str) else default
    trial = read_state(FallbackState, {**keep, "accounts": data.get("accounts")})
    if not isinstance(trial, str):
        keep["accounts"] = data.get("accounts")
    result = read_state(FallbackState, keep)
    return None if isinstance(result, str) else result
