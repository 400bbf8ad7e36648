"""The one escaping function for user text, and the rewrite that takes live mentions out of text
the bot edits."""

from __future__ import annotations

import pytest

from pto_bot.domain.markers import marker
from pto_bot.render.text import safe, unmention


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("@dbass90 covers Acme", "`dbass90` covers Acme"),
        ("| Acme | @a.conrad (pod) |", "| Acme | `a.conrad` (pod) |"),
        ("write `/pto assign <account> @user`", "write `/pto assign <account> @user`"),
        ("mail me at jane@example.com", "mail me at jane@example.com"),
        ("already `klang`", "already `klang`"),
        ("thanks @klang, @magomez3.", "thanks `klang`, `magomez3`."),
    ],
)
def test_unmention_takes_out_live_mentions_only(body: str, expected: str) -> None:
    assert unmention(body) == expected


def test_unmention_leaves_escaped_user_text_and_markers_alone() -> None:
    typed = safe("@all please /close")
    hidden = marker("coverage", assign={"Acme": "dbass90"})
    assert unmention(typed) == typed
    assert unmention(hidden) == hidden


def test_a_note_edited_to_hold_runs_of_backticks_is_rewritten_at_once() -> None:
    """The bot compares its notes as GitLab holds them, which a maintainer may have edited: the
    code-span pattern tried each run of backticks against every shorter one (cubic: 2,000
    backticks took half a minute)."""
    assert unmention("`" * 3_000 + " @klang") == "`" * 3_000 + " `klang`"
    body = "`" * 5_000 + " @klang " + "`" * 4_000 + " `@x` @magomez3"
    assert unmention(body) == "`" * 5_000 + " `klang` " + "`" * 4_000 + " `@x` `magomez3`"
