"""Finding commands in comments: ``/pto <verb>`` or ``@<bot> <verb>`` at a line start, outside
code blocks and quotes."""

from __future__ import annotations

import pytest

from project import policy_file
from pto_bot.commands.parse import command_lines

POLICY = policy_file()


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("/pto volunteer Acme Corp", [("volunteer", "Acme Corp")]),
        ("Happy to help.\n/pto volunteer Acme, Initech", [("volunteer", "Acme, Initech")]),
        ("/PTO Status", [("status", "")]),
        ("/pto", [("help", "")]),
        ("@pto-bot assign Acme @klang", [("assign", "Acme @klang")]),
        ("   /pto approve", [("approve", "")]),
        ("> /pto approve", []),
        ("```\n/pto approve\n```", []),
        ("~~~\n/pto approve\n~~~\n/pto status", [("status", "")]),
        ("please /pto approve", []),
        ("/pto deny too many out\n/pto status", [("deny", "too many out"), ("status", "")]),
    ],
)
def test_command_lines(body: str, found: list[tuple[str, str]]) -> None:
    assert command_lines(body, POLICY, "pto-bot") == found
