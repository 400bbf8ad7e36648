"""What a note means over time: a live note is posted once and edited in place (an edit carries
no live mention); an announcement is posted once per key, never edited."""

from __future__ import annotations

from datetime import UTC, datetime

from pto_bot.domain.bot_notes import BotNote
from pto_bot.domain.markers import read_marker, with_marker
from pto_bot.domain.snapshot import Issue
from pto_bot.plan.actions import EditIssue, EditNote, PostNote
from pto_bot.plan.notes import announce, ensure_description, ensure_note


def posted(topic: str, body: str, note_id: int = 7, **data: object) -> BotNote:
    full = with_marker(body, topic, **data)
    found = read_marker(full)
    assert found is not None
    return BotNote(note_id, topic, full, found)


def test_a_live_note_is_posted_then_edited_only_when_it_changed() -> None:
    first = ensure_note([], 3, "coverage", "@dbass90 covers Acme", "why")
    assert [type(a) for a in first] == [PostNote]
    assert "@dbass90" in first[0].body  # type: ignore[union-attr]  # the first post tells them
    existing = [posted("coverage", "@dbass90 covers Acme")]
    assert ensure_note(existing, 3, "coverage", "@dbass90 covers Acme", "why") == []
    (edit,) = ensure_note(existing, 3, "coverage", "@magomez3 covers Acme", "why")
    assert isinstance(edit, EditNote) and edit.note_id == 7
    assert "`magomez3` covers Acme" in edit.body and "@magomez3" not in edit.body


def test_an_edited_note_does_not_change_again_for_its_mentions_alone() -> None:
    existing = [posted("coverage", "`magomez3` covers Acme")]  # as edited earlier
    assert ensure_note(existing, 3, "coverage", "@magomez3 covers Acme", "why") == []


def test_an_announcement_is_posted_once_per_key_and_never_edited() -> None:
    first = announce([], 3, "approval", "@melroberts decide", "why", key="2026-12-07/2026-12-11")
    assert [type(a) for a in first] == [PostNote]
    existing = [posted("approval", "@melroberts decide", k="2026-12-07/2026-12-11")]
    assert (
        announce(existing, 3, "approval", "changed text", "why", key="2026-12-07/2026-12-11") == []
    )
    again = announce(
        existing, 3, "approval", "@melroberts decide again", "why", key="2026-12-07/2026-12-14"
    )
    assert [type(a) for a in again] == [PostNote]
    assert announce(existing, 3, "approval", "anything", "why") == []  # no key: once per topic


def test_a_kept_description_is_rewritten_without_mentions() -> None:
    moment = datetime(2026, 11, 20, tzinfo=UTC)
    issue = Issue(9, "Fallback", "Suggested: @klang", (), "opened", "pto-bot", moment, moment)
    assert ensure_description(issue, "Suggested: @klang", "why") == []
    (edit,) = ensure_description(issue, "Suggested: @klang, @magomez3", "why")
    assert isinstance(edit, EditIssue)
    assert edit.description == "Suggested: `klang`, `magomez3`"
