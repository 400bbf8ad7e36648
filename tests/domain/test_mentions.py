"""Who a text mentions, as GitLab resolves mentions: outside code, links, quotes and HTML, anywhere
in a text however long."""

from __future__ import annotations

import pytest

from pto_bot.domain.mentions import added_mentions, mentions


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("ping @alice.", {"alice"}),
        ("@alice, can you look?", {"alice"}),
        ("(@alice) and @Bob!", {"alice", "bob"}),
        ("**@alice** is out?", {"alice"}),
        ("foo**@alice**", {"alice"}),
        ("Hi @tam.emery_2-x.", {"tam.emery_2-x"}),
        ("write to a@b.com", set()),
        ("`@alice` in code", set()),
        ("```\n@alice\n```", set()),
        ("    @alice indented code", set()),
        ("> @alice wrote this", set()),
        (">>>\n@alice quoted\n>>>\n@carol", {"carol"}),
        ("[@alice](https://example.com)", set()),
        ("see https://gitlab.example.com/@alice", set()),
        ("<https://gitlab.example.com/@alice>", set()),
        ("<!-- @alice -->", set()),
        ("@all @here @group/sub", set()),
        ("@@alice", set()),
        (None, set()),
        ("_@alice_ is out?", {"alice"}),
        ("a_@alice", set()),
        ("\\@alice", set()),
        ("<code>@alice</code> @carol", {"carol"}),
        ('<a href="https://example.com">@alice</a> @carol', {"carol"}),
        ("<b>@alice</b>", {"alice"}),
        ("<pre>\n@alice\n</pre>\n@carol", {"carol"}),
        ("<div>\n@alice\n</div>\n\n@carol", {"carol"}),
        ("text <!--\n@alice\n--> @carol", {"carol"}),
        ("````\n@alice\n```\n@bob\n````\n@carol", {"carol"}),
        ("~~~~\n@alice\n~~~\n@bob\n~~~~~\n@carol", {"carol"}),
        ("> quote\nlazy @alice\n\n@carol", {"carol"}),
        ("> ```\n> @alice\n> ```\n@carol", {"carol"}),
        ("- a list\n  ```\n  @alice\n  ```\n- @carol", {"carol"}),
        ("![@alice](photo.png) @carol", {"carol"}),
        ("[@alice][1] @carol\n\n[1]: https://example.com", {"carol"}),
        ("[@alice] has no link", {"alice"}),
        ("[a [@alice](u) b](v) @carol", {"carol"}),
        ("# @alice, are you back?", {"alice"}),
    ],
)
def test_mentions_as_gitlab_resolves_them(text: object, found: set[str]) -> None:
    assert mentions(text) == found


def test_an_edit_mentions_only_the_people_it_adds() -> None:
    assert added_mentions("@alice please", "@alice please, and @bob") == {"bob"}
    assert added_mentions(None, "@bob") == {"bob"}


def test_hostile_nesting_is_no_mention_and_no_crash() -> None:
    assert mentions("> " * 5000 + "@alice") == set()
    assert mentions("[" * 5000 + "@alice") == {"alice"}


def test_a_mention_at_the_end_of_a_megabyte_is_found() -> None:
    """Only the first 100,000 characters used to be read."""
    filler = "Notes from the call: see `logs`, [the ticket](https://example.com) and <b>this</b>.\n"
    body = filler * (1_000_000 // len(filler) + 1) + "\n@klang are you around?"
    assert len(body) > 1_000_000
    assert mentions(body) == {"klang"}


@pytest.mark.parametrize(
    "hostile",
    ["[" * 1_000_000, "`" * 1_000_000, "<a b='" * 200_000, "*a _b " * 200_000, "@a." * 300_000],
    ids=["brackets", "backticks", "unclosed attributes", "emphasis", "address-like"],
)
def test_a_megabyte_of_hostile_text_hides_no_mention_after_it(hostile: str) -> None:
    assert "carol" in mentions("See " + hostile + "\n\n@carol, is it fixed?")
