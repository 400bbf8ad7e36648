"""Who a text mentions, as GitLab resolves mentions: outside code, links and quotes."""

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
