"""Reading the field list of a PTO request description: ``- **Start:** 2026-12-21`` lines.

Tolerant about how people type: bold or plain names, bullets or numbers, case, aliases
(``First day off``), hints in parentheses, HTML comments, line endings and the zero-width
characters copying from a page brings along. Returns raw values;
:mod:`.request_form` gives them meaning. The whole description is read (GitLab allows 1 MiB):
each line once, by patterns that never try two runs of spaces against each other.
"""

from __future__ import annotations

import re

FIELDS: tuple[str, ...] = ("Engineer", "Start", "End", "Type", "Backups", "Notes")


_ALIASES: dict[str, str] = {
    "engineer": "Engineer",
    "ase": "Engineer",
    "who": "Engineer",
    "start": "Start",
    "start date": "Start",
    "first day": "Start",
    "first day off": "Start",
    "from": "Start",
    "end": "End",
    "end date": "End",
    "last day": "End",
    "last day off": "End",
    "until": "End",
    "to": "End",
    "type": "Type",
    "kind": "Type",
    "pto type": "Type",
    "backups": "Backups",
    "backup": "Backups",
    "notes": "Notes",
    "note": "Notes",
    # not in the template: the bot writes it in a request it opens (``Source: calendar``)
    "source": "Source",
}

# zero-width and byte-order characters come along when text is copied from a rendered page
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
# Possessive quantifiers (*+, ++) keep every pattern linear on hostile input.
_SPACE = r"[^\S\n]"
_BULLET = rf"{_SPACE}*+(?:(?:[-*+]|\d{{1,3}}[.)]){_SPACE}++)?"
_FIELD_LINE = re.compile(
    rf"""^{_BULLET}
    (?P<bold>\*\*|__)?{_SPACE}*+
    (?P<name>[A-Za-z][A-Za-z \t]{{0,30}}?){_SPACE}*+
    (?:\([^()\n]{{0,60}}\){_SPACE}*+)?         # a hint after the name: **Start (first day):**
    (?::{_SPACE}*+(?(bold)(?P=bold))|(?(bold)(?P=bold)){_SPACE}*+:)
    {_SPACE}*+(?P<value>.*)$""",
    re.VERBOSE,
)
_SUB_ITEM = re.compile(rf"^{_SPACE}*+(?:[-*+]|\d{{1,3}}[.)]){_SPACE}++(?P<item>.*)$")
_TRAILING_HINT = re.compile(r"\([^()]*+\)\s*+$")


def visible_text(description: object) -> str:
    """The part of a description people see: ``\\n`` line ends, HTML comments removed."""
    if isinstance(description, bytes):
        description = description.decode("utf-8", errors="replace")
    if not isinstance(description, str):
        return ""
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    return _COMMENT.sub("", text).translate(_INVISIBLE)


def extract_fields(description: str) -> dict[str, list[str]]:
    """Canonical field name -> the raw values found, in order (Backups sub-items joined by ';')."""
    fields: dict[str, list[str]] = {}
    lines = visible_text(description).split("\n")
    index = 0
    while index < len(lines):
        found = _field_of(lines[index])
        index += 1
        if found is None:
            continue
        name, value = found
        if name == "Backups":
            items, index = _sub_items(lines, index, _indent_width(lines[index - 1]))
            value = "; ".join(part for part in (value, *items) if part)
        fields.setdefault(name, []).append(value)
    return fields


def _field_of(line: str) -> tuple[str, str] | None:
    match = _FIELD_LINE.match(line)
    if match is None:
        return None
    name = _ALIASES.get(" ".join(match["name"].lower().split()))
    if name is None:
        return None
    return name, match["value"].strip()


def _sub_items(lines: list[str], index: int, parent_indent: int) -> tuple[list[str], int]:
    """List items nested under a field line (blank lines between them allowed)."""
    items: list[str] = []
    while index < len(lines):
        line = lines[index]
        match = _SUB_ITEM.match(line)
        if line.strip() and (
            match is None or _indent_width(line) <= parent_indent or _field_of(line) is not None
        ):
            break
        if match is not None:
            items.append(match["item"].strip())
        index += 1
    return items, index


def _indent_width(line: str) -> int:
    indent = line[: len(line) - len(line.lstrip())]
    return len(indent.expandtabs(4))


def shown(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def unwrap_backticks(value: str) -> str:
    value = value.strip()
    fence = min(len(value) - len(value.lstrip("`")), len(value) - len(value.rstrip("`")))
    return value[fence : len(value) - fence].strip() if fence else value


def plain_value(value: str) -> str:
    """A short value without backticks, bold or a trailing template hint like ``(ISO date)``."""
    return _TRAILING_HINT.sub("", value.replace("`", "")).strip().strip("*").strip()
