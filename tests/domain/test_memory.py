"""The bot's memory, sealed: it reads back exactly as written with the bot's key, and not at all
after any edit, with another key, or from another version."""

from __future__ import annotations

import base64
import zlib
from datetime import UTC, datetime

import pytest

from pto_bot.domain.memory import Memory, RememberedIssue, RememberedNote, seal, unseal

KEY = b"k" * 32
T = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def memory(synced: datetime = T) -> Memory:
    note = RememberedNote(id=7, created_at=T, updated_at=T, data={"t": "coverage"}, digest="ab")
    issue = RememberedIssue(updated_at=T, notes_count=2, read_at=T, notes=(note,))
    return Memory(synced=synced, issues={12: issue}, folded={3: {"klang": {2026: 5}}})


def test_it_reads_back_as_written() -> None:
    assert unseal(seal(memory(), KEY), KEY) == memory()


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "not base64 at all!",
        base64.b64encode(b"short").decode(),
        seal(memory(), b"another key"),
        seal(memory(), KEY)[:-6] + "AAAA==",
    ],
)
def test_anything_but_the_bots_own_seal_reads_as_no_memory(text: object) -> None:
    assert unseal(text, KEY) is None


def test_a_memory_of_another_version_reads_as_no_memory() -> None:
    newer = seal(memory().model_copy(update={"version": 99}), KEY)
    assert unseal(newer, KEY) is None


def test_nobody_without_the_key_can_read_it_and_the_same_memory_seals_the_same() -> None:
    private = RememberedNote(
        id=8, created_at=T, updated_at=T, author="melroberts", body="/pto deny surgery on the 7th"
    )
    issue = RememberedIssue(updated_at=T, read_at=T, notes=(private,))
    sealed = seal(Memory(synced=T, issues={12: issue}), KEY)
    blob = base64.b64decode(sealed)
    for guess in (blob, blob[12:], blob[16:]):
        try:
            text = zlib.decompress(guess)
        except zlib.error:
            text = guess
        assert b"surgery" not in text
    assert seal(Memory(synced=T, issues={12: issue}), KEY) == sealed  # no rewrite when unchanged


def test_the_same_facts_synced_later_are_the_same_memory() -> None:
    later = memory(datetime(2026, 11, 21, tzinfo=UTC))
    assert later.same_as(memory()) and memory().same_as(later)
    assert not later.same_as(None)
    assert not memory().same_as(later.model_copy(update={"folded": {}}))
