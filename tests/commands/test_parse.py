"""Finding commands in comments: ``/pto <verb>`` or ``@<bot> <verb>`` at a line start, in prose
only: what GitLab's quick actions skip is skipped (code of any fence, quotes, HTML, comments, link
texts), and a megabyte of anything is read in a moment."""

from __future__ import annotations

import pytest

from project import policy_file
from pto_bot.commands.parse import addressed, command_lines

POLICY = policy_file()
MB = 1_000_000


def found(body: str) -> list[tuple[str, str]]:
    return [(line.verb, line.args) for line in command_lines(body, POLICY, "pto-bot")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("/pto volunteer Acme Corp", [("volunteer", "Acme Corp")]),
        ("Happy to help.\n/pto volunteer Acme, Initech", [("volunteer", "Acme, Initech")]),
        ("/PTO Status", [("status", "")]),
        ("/pto", [("help", "")]),
        ("@pto-bot assign Acme @klang", [("assign", "Acme @klang")]),
        ("   /pto approve", [("approve", "")]),
        ("please /pto approve", []),
        ("/pto deny too many out\r\n/pto status", [("deny", "too many out"), ("status", "")]),
        ("- item\n\n  /pto status", [("status", "")]),
    ],
)
def test_a_command_is_a_line_of_prose_that_starts_with_the_command(
    body: str, expected: list[tuple[str, str]]
) -> None:
    assert found(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "> /pto approve",
        "> I said so\n/pto approve",  # a lazy line of the quote
        ">>>\n/pto approve\n>>>\n/pto status",
        ">>>>\n>>>\n/pto approve\n>>>\n/pto approve\n>>>>\n/pto status",
        "```\n/pto approve\n```\n/pto status",
        "````\n/pto approve\n```\n/pto approve\n````\n/pto status",
        "~~~~\n/pto approve\n```\n~~~\n/pto approve\n~~~~~\n/pto status",
        "```\n/pto approve\n~~~\n/pto approve\n```\n/pto status",
        "- steps:\n  ```\n  /pto approve\n  ```\n/pto status",
        "    /pto approve\n\n/pto status",
        "text\n    /pto approve\n\n/pto status",
        "<!-- /pto approve -->\n/pto status",
        "<!--\n/pto approve\n-->\n/pto status",
        "I'll ask <!--\n/pto approve\n--> later\n/pto status",
        "<div>\n/pto approve\n</div>\n\n/pto status",
        "<code>\n/pto approve\n</code>\n\n/pto status",
        "see <code>\n/pto approve\n</code>\n/pto status",
        "see <a href='https://example.com'>\n/pto approve\n</a>\n/pto status",
        "Use `a span\n/pto approve\nover lines` here\n/pto status",
        "[a link\n/pto approve\n](https://example.com)\n/pto status",
        "> ```\n> code\n> ```\n/pto status",
    ],
)
def test_what_gitlab_skips_holds_no_command(body: str) -> None:
    expected = [("status", "")] if body.endswith("/pto status") else []
    assert found(body) == expected


def test_the_command_word_run_into_a_verb_is_a_near_miss() -> None:
    lines = command_lines("/ptostatus\n/PTOVolunteer Acme Corp", POLICY, "pto-bot")
    assert [(c.verb, c.args, c.meant) for c in lines] == [
        ("/ptostatus", "", "status"),
        ("/ptovolunteer", "Acme Corp", "volunteer"),
    ]


@pytest.mark.parametrize("body", ["/ptoday", "/ptohelpful", "@pto-botstatus", "`/ptostatus`"])
def test_a_word_that_merely_starts_like_a_command_is_none(body: str) -> None:
    assert command_lines(body, POLICY, "pto-bot") == []


def test_a_command_at_the_end_of_a_megabyte_is_found() -> None:
    filler = "Notes from the call, nothing for the bot here. `x` [y](z) <b>w</b>\n" * (MB // 66)
    body = filler + "\n/pto volunteer Acme Corp"
    assert len(body) > MB
    assert found(body) == [("volunteer", "Acme Corp")]
    assert found("```\n" + filler + "```\n/pto status") == [("status", "")]


@pytest.mark.parametrize(
    "hostile",
    [
        "<!--" * (MB // 4),
        "`" * MB,
        "` `` " * (MB // 5),
        "[" * MB,
        "[a](" * (MB // 4),
        "<a " * (MB // 3),
        "<a b='" * (MB // 6),
        "> " * (MB // 2),
        "- " * (MB // 2),
        "\n" + ">>>\n" * (MB // 4),
        "    x\n" * (MB // 6),
        "\n" * MB,
        "<code>" * (MB // 6) + "</a>" * (MB // 8),
    ],
    ids=[
        "comment starts",
        "backticks",
        "backtick runs",
        "brackets",
        "link starts",
        "tag starts",
        "unclosed attributes",
        "nested quotes",
        "nested lists",
        "multi-line quote fences",
        "indented code",
        "blank lines",
        "open elements",
    ],
)
def test_a_megabyte_of_hostile_text_hides_no_command_after_it(hostile: str) -> None:
    """In a paragraph (an unclosed comment or fence at a line start hides the rest, as in
    GitLab): nothing inline reaches past a blank line."""
    assert found("See: " + hostile + "\n\n/pto status")[-1:] == [("status", "")]


def test_a_line_addressed_to_someone_may_be_a_command_to_the_bot() -> None:
    assert addressed("Hi\n@pto-bot status")
    assert not addressed("Hi @pto-bot status")
    assert not addressed("```\n@pto-bot status\n```")
    assert addressed("x\n" * (MB // 2) + "@someone approve")
