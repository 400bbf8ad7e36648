"""The GitLab tracker's memory, sealed: it reads back exactly as written with the bot's key, for
the issue it was sealed for, and not at all after any edit, with another key, in another issue or
from another version; nothing of the project's text can be read in it."""

from __future__ import annotations

import base64
import lzma
from datetime import UTC, datetime

import pytest

from pto_bot.adapters.gitlab.memory import (
    KeptIssue,
    Memory,
    Place,
    join,
    key_for,
    seal,
    split,
    unseal,
)

KEY = key_for(42, "glpat-secret")
T = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
HOME = 9


def memory(synced: datetime = T, note: str = "Covered by @klang") -> Memory:
    issue = KeptIssue(
        issue={"iid": 12, "title": "PTO", "state": "opened"},
        notes=({"id": 7, "body": note, "author": {"username": "pto-bot"}},),
        updated_at=T,
        count=1,
        settled=True,
    )
    return Memory(
        synced=synced, since=T, issues={12: issue}, places={"acme/help": Place(counts={3: 2})}
    )


def test_it_reads_back_as_written() -> None:
    assert unseal(seal(memory(), KEY, HOME), KEY, HOME) == memory()


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not base64 at all!",
        base64.b64encode(b"short").decode(),
        seal(memory(), key_for(42, "another token"), HOME),
        seal(memory(), key_for(43, "glpat-secret"), HOME),
        seal(memory(), KEY, HOME)[:-6] + "AAAA==",
        seal(memory(), KEY, HOME + 1),  # sealed for another issue: pasted into this one
    ],
    ids=["none", "empty", "garbage", "short", "token", "project", "edited", "elsewhere"],
)
def test_anything_but_the_bots_own_seal_for_this_issue_reads_as_no_memory(text: object) -> None:
    assert unseal(text, KEY, HOME) is None


def test_a_memory_of_another_version_reads_as_no_memory() -> None:
    newer = seal(memory().model_copy(update={"version": 99}), KEY, HOME)
    assert unseal(newer, KEY, HOME) is None


def test_nobody_without_the_key_can_read_it_and_the_same_memory_seals_the_same() -> None:
    private = memory(note="/pto deny surgery on the 7th")
    sealed = seal(private, KEY, HOME)
    blob = base64.b64decode(sealed)
    for guess in (blob, blob[12:], blob[16:]):
        try:
            text = lzma.decompress(guess)
        except lzma.LZMAError:
            text = guess
        assert b"surgery" not in text
    assert seal(private, KEY, HOME) == sealed  # an unchanged memory never rewrites its issue


def test_the_same_facts_synced_later_are_the_same_memory() -> None:
    later = memory(datetime(2026, 11, 21, tzinfo=UTC))
    assert later.same_as(memory()) and memory().same_as(later)
    assert not later.same_as(None)
    assert not memory().same_as(later.model_copy(update={"places": {}}))


def test_the_memory_rides_at_the_end_of_a_description_and_comes_off_whole() -> None:
    text = '## PTO coverage dashboard\n\n<!-- pto-bot {"t":"dashboard"} -->'
    sealed = seal(memory(), KEY, HOME)
    assert split(join(text, sealed)) == (text, sealed)
    assert split(text) == (text, None)
    assert split(join("", sealed)) == ("", sealed)
