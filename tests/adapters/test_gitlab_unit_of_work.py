"""Whether the notes the tracker kept of an issue are still all its notes, when GitLab lists the
issue again: the one decision that lets a run skip reading them (a table of cases), and what a
run's writes leave in the memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pto_bot.adapters.gitlab.memory import KeptIssue, Memory
from pto_bot.adapters.gitlab.unit_of_work import UnitOfWork

READ = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # when the notes were read
CHANGED = READ - timedelta(minutes=10)  # the issue's last change then
WROTE = READ + timedelta(minutes=1)  # the bot's last write to it, by GitLab's clock
NOTES = ({"id": 1, "body": "hello", "author": {"username": "klang"}},)


def kept(**changes: Any) -> KeptIssue:
    entry = KeptIssue(
        issue={"iid": 7, "state": "opened"},
        notes=NOTES,
        updated_at=CHANGED,
        count=1,
        settled=True,
    )
    return entry.model_copy(update=changes)


def listed(updated: datetime, count: int = 1) -> dict[str, Any]:
    return {"iid": 7, "updated_at": updated.isoformat(), "user_notes_count": count}


CASES = [
    ("nothing changed", kept(), listed(CHANGED), False, True),
    ("a new comment", kept(), listed(CHANGED, count=2), False, False),
    ("a comment deleted", kept(), listed(CHANGED, count=0), False, False),
    ("a person's edit since", kept(), listed(CHANGED + timedelta(hours=1)), False, False),
    ("the issue an event is about", kept(), listed(CHANGED), True, False),
    ("read within a minute of a change", kept(settled=False), listed(CHANGED), False, False),
    ("notes that could not be read", kept(notes=None), listed(CHANGED), False, False),
    ("only the bot's own write since", kept(wrote_at=WROTE), listed(WROTE), False, True),
    (
        "the bot's write, GitLab's clock a second behind its updated_at",
        kept(wrote_at=WROTE),
        listed(WROTE + timedelta(milliseconds=1500)),
        False,
        True,
    ),
    (
        "a change after the bot's write",
        kept(wrote_at=WROTE),
        listed(WROTE + timedelta(seconds=30)),
        False,
        False,
    ),
    (
        "a comment right after the bot's write (the touch throttled)",
        kept(wrote_at=WROTE),
        listed(WROTE, count=2),
        False,
        False,
    ),
]


@pytest.mark.parametrize(
    ("entry", "raw", "fresh", "holds"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_kept_notes_hold_only_while_gitlab_shows_no_change_but_the_bots_own(
    entry: KeptIssue, raw: dict[str, Any], fresh: bool, holds: bool
) -> None:
    uow = UnitOfWork(Memory(synced=READ, since=READ - timedelta(days=400), issues={7: entry}))
    assert (uow.notes_hold(raw, fresh) is not None) is holds


def run_of(entry: KeptIssue) -> UnitOfWork:
    uow = UnitOfWork(Memory(synced=READ, since=READ - timedelta(days=400), issues={7: entry}))
    uow.synced, uow.since = READ, READ - timedelta(days=400)
    uow.hold(listed(CHANGED) | {"state": "opened"})
    return uow


def test_a_note_the_bot_posts_is_kept_with_the_count_gitlab_will_list() -> None:
    uow = run_of(kept())
    uow.noted(7, {"id": 2, "body": "Coverage", "author": {"username": "pto-bot"}}, WROTE)
    memory = uow.memory()
    assert memory is not None
    entry = memory.issues[7]
    assert [n["id"] for n in entry.notes or ()] == [1, 2]
    assert (entry.count, entry.wrote_at) == (2, WROTE)
    assert UnitOfWork(memory).notes_hold(listed(WROTE, count=2), False) is not None


def test_a_write_gitlab_answers_with_more_comments_than_were_read_unsettles_the_issue() -> None:
    uow = run_of(kept())
    answer = {"iid": 7, "state": "opened", "labels": ["pto"], "user_notes_count": 2}
    uow.issue_written(7, answer | {"updated_at": WROTE.isoformat()}, WROTE)
    memory = uow.memory()
    assert memory is not None and not memory.issues[7].settled


def memory_of(entry: KeptIssue, synced: datetime = READ) -> Memory:
    return Memory(synced=synced, since=READ - timedelta(days=400), issues={7: entry})


def test_a_memory_that_differs_only_in_when_things_moved_is_the_same() -> None:
    first = memory_of(kept(issue={"iid": 7, "state": "opened", "user_notes_count": 1}))
    moved = kept(issue={"iid": 7, "state": "opened", "updated_at": WROTE.isoformat()})
    assert memory_of(moved, synced=WROTE).same_as(first)
    assert not memory_of(kept(issue={"iid": 7, "state": "closed"})).same_as(first)
    assert not memory_of(kept(count=2)).same_as(first)  # what notes are trusted against moved
