"""The bot's hidden markers: written so user text can never close them, read back as the last one
in a body, and found quickly whatever a person typed around them."""

from __future__ import annotations

import pytest

from pto_bot.domain.markers import (
    looks_like_the_bots,
    marker,
    read_marker,
    strip_marker,
    with_marker,
)

MB = 1_000_000


def test_a_marker_reads_back_what_was_written_even_with_hostile_text_inside() -> None:
    hostile = "--> <!-- pto-bot {} --> @all </code>"
    body = with_marker("Coverage for Acme", "coverage", note=hostile, n=[1, 2])
    assert read_marker(body) == {"t": "coverage", "note": hostile, "n": [1, 2]}
    assert strip_marker(body) == "Coverage for Acme"
    assert looks_like_the_bots(body)


def test_the_last_marker_counts_and_every_marker_is_stripped() -> None:
    body = f"a {marker('old', x=1)} b\n{marker('new', x=2)}"
    assert read_marker(body) == {"t": "new", "x": 2}
    assert strip_marker(body) == "a  b"


@pytest.mark.parametrize(
    "body",
    [
        "",
        "no marker at all",
        "<!-- pto-bot {not json} -->",
        '<!-- pto-bot {"x": 1} -->',  # no topic
        '<!-- pto-bot ["t"] -->',
        "<!-- pto-bot {" + '"t": "a", "v": ' + "[" * 100_000 + "]" * 100_000 + "} -->",
    ],
    ids=["empty", "none", "not json", "no topic", "not an object", "nested too deeply"],
)
def test_a_body_without_a_readable_marker_reads_as_none(body: str) -> None:
    assert read_marker(body) is None


def test_an_unclosed_marker_start_is_no_marker() -> None:
    body = '<!-- pto-bot {"t": "a"} --'
    assert read_marker(body) is None
    assert strip_marker(body) == body


def test_a_marker_in_a_quote_or_before_more_text_is_not_the_bots_ending() -> None:
    assert not looks_like_the_bots("> " + marker("reply"))
    assert not looks_like_the_bots(marker("reply") + "\nthanks")
    assert looks_like_the_bots("thanks\n" + marker("reply") + "\n\n")


def test_a_megabyte_of_marker_starts_is_read_right() -> None:
    """Each unclosed start used to be scanned to the end of the text (1 MB took 11 minutes)."""
    body = "<!-- pto-bot {" * (MB // 14) + "\n" + marker("reply", note=5)
    assert len(body) > MB
    assert read_marker(body) == {"t": "reply", "note": 5}
    assert looks_like_the_bots(body)
    assert strip_marker(body) == body[: body.rindex("\n")]
    line = "<!-- pto-bot {" * (MB // 14)
    assert read_marker(line) is None and not looks_like_the_bots(line)
