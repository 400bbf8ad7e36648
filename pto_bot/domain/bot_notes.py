"""The bot's own notes on an issue, found by their markers, and the state they keep: the commands
already answered (reply notes), what a coverage note announced, and a request's place in the
queue. A marker is read only from a note the bot wrote; a damaged one is a problem to report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .ledger import LedgerEntry
from .markers import CoverageState, NeedsInfoState, ReplyState, read_marker, read_state
from .request_form import ParseResult
from .snapshot import Issue
from .topics import Topic
from .usernames import BotIdentity


@dataclass(frozen=True)
class BotNote:
    """A note the bot wrote earlier, found by its marker."""

    note_id: int
    topic: str
    body: str
    data: dict[str, Any]
    created_at: datetime | None = None  # when GitLab says it was posted


def bot_notes(issue: Issue, bot: BotIdentity) -> tuple[BotNote, ...]:
    """The bot's notes on an issue that carry a marker, oldest first."""
    found = []
    for note in issue.notes:
        if not bot.is_me(note.author):
            continue
        data = read_marker(note.body)
        if data is not None:
            found.append(BotNote(note.id, str(data["t"]), note.body, data, note.created_at))
    return tuple(found)


def ledger_of(iid: int, notes: Iterable[BotNote], problems: list[str]) -> list[LedgerEntry]:
    entries = []
    for note in notes:
        if note.topic != Topic.REPLY:
            continue
        state = read_state(ReplyState, note.data)
        if isinstance(state, str):
            problems.append(f"#{iid}: the bot's reply note {note.note_id} was edited ({state})")
            continue
        for raw in state.cmds:
            entry = LedgerEntry.from_json(raw)
            if entry is None:
                problems.append(
                    f"#{iid}: a command recorded in reply note {note.note_id} is unreadable "
                    "and was skipped"
                )
            else:
                entries.append(entry)
    return entries


def coverage_state(iid: int, notes: Iterable[BotNote], problems: list[str]) -> CoverageState | None:
    note = next((n for n in notes if n.topic == Topic.COVERAGE), None)
    if note is None:
        return None
    state = read_state(CoverageState, note.data)
    if isinstance(state, str):
        problems.append(
            f"#{iid}: the hidden state of the bot's coverage note was edited ({state}); "
            "backups are assigned afresh and the note rewritten"
        )
        return None
    return state


def queued_at(
    issue: Issue, parsed: ParseResult, coverage: CoverageState | None, mine: Iterable[BotNote]
) -> datetime:
    """When a request joined the queue: as its coverage note recorded it, or its needs-info note
    (a request whose dates read well, waiting for valid backups); else, for a request the bot
    found wrong before (it has a needs-info note) and that reads well now, the last edit (its
    fix); else its opening. A late fix so joins the queue when it was fixed, after the requests
    judged meanwhile, and never takes back a decision already announced; once recorded, the
    bot's own writes (which move ``updated_at``) never move it."""
    if coverage is not None and coverage.q is not None:
        return coverage.q
    needs_info = next((n for n in mine if n.topic == Topic.NEEDS_INFO), None)
    if needs_info is not None and parsed.request is not None and coverage is None:
        state = read_state(NeedsInfoState, needs_info.data)
        if not isinstance(state, str) and state.q is not None:
            return state.q
        return max(issue.updated_at, issue.created_at)
    return issue.created_at


def opened_by_the_bot(issue: Issue, bot: BotIdentity, label: str, problems: list[str]) -> bool:
    """Whether ``issue``, which carries one of the bot's own labels (``label``: its name in a
    sentence), is the bot's; if not, the problem is named for whoever gave it the label."""
    if bot.is_me(issue.author):
        return True
    problems.append(
        f"#{issue.iid}: carries the {label} label but was not opened by the bot "
        f"(@{issue.author}): ignored; remove the {label} label or close it"
    )
    return False
