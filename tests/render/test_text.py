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
