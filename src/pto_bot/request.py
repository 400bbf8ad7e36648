"""Parse the PTO request fields of an issue description into a request or a list of problems.

Pure: no I/O, no clock. Tolerant about how people type (bold, bullets, case, backticks, HTML
comments, line endings), strict about what the values mean.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Literal

Kind = Literal["planned", "emergency"]

FIELDS: tuple[str, ...] = ("Engineer", "Start", "End", "Type", "Backups", "Notes")
MAX_CHARS = 100_000  # only the first 100 kB of a description are read
MIN_YEAR, MAX_YEAR = 2000, 2100

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
}
_EXAMPLE_DATE = {"Start": "2026-12-21", "End": "2027-01-02"}
_SPELLING = "check the spelling of the GitLab username of the engineer who is out"
_DAY_ROLE = {"Start": "your first day off", "End": "your last day off (inclusive)"}

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
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_PLACEHOLDER_DATE = re.compile(r"^y{2,4}-m{1,2}-d{1,2}$", re.IGNORECASE)
_USER = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"  # GitLab: no trailing '.' or '-'
_MENTION = re.compile(rf"@({_USER})")
_BACKUP_ENTRY = re.compile(rf"^(?P<at>@?)(?P<user>{_USER})(?P<rest>.*)$", re.DOTALL)
_OPTIONAL_HINT = re.compile(r"\(optional\b[^()]*+\)\s*+$", re.IGNORECASE)
_NOTHING = frozenset({"", "none", "-", "n/a", "na", "no"})  # an optional field left empty


@dataclass(frozen=True)
class Problem:
    field: str  # a name of FIELDS, or "request" for whole-body problems
    message: str  # names what is wrong and the expected form


@dataclass(frozen=True)
class BackupChoice:
    username: str  # without '@'
    account: str | None  # None: covers all the engineer's accounts not named elsewhere


@dataclass(frozen=True)
class PtoRequest:
    engineer: str  # username, without '@'
    engineer_given: bool  # False when defaulted to the issue author
    start: date  # first day off
    end: date  # last day off, inclusive
    kind: Kind
    backups: tuple[BackupChoice, ...]
    notes: str


@dataclass(frozen=True)
class ParseResult:
    request: PtoRequest | None  # None when there is any problem
    problems: tuple[Problem, ...]


# -- reading the field list ----------------------------------------------------------------------
def visible_text(description: object) -> str:
    """The part of a description people see: capped, ``\\n`` line ends, HTML comments removed."""
    if isinstance(description, bytes):
        description = description.decode("utf-8", errors="replace")
    if not isinstance(description, str):
        return ""
    text = description[:MAX_CHARS].replace("\r\n", "\n").replace("\r", "\n")
    return _COMMENT.sub("", text)


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


# -- the whole request -------------------------------------------------------------------------
def parse_request(
    description: str, *, author: str, roster: Collection[str], max_days: int = 60
) -> ParseResult:
    """Read a PTO request; every problem names its field and the form it expects."""
    team = _Roster(roster)
    fields = extract_fields(description)
    problems = _fields_given_twice(fields)
    clashing = {problem.field for problem in problems}
    value = {name: raw[0] for name, raw in fields.items() if name not in clashing}

    start = None if "Start" in clashing else _parse_day("Start", value.get("Start"), problems)
    end = None if "End" in clashing else _parse_day("End", value.get("End"), problems)
    if start is not None and end is not None:
        problems.extend(_span_problems(start, end, max_days))
    kind = None if "Type" in clashing else _parse_kind(value.get("Type"), problems)
    engineer, given = (
        (None, True)
        if "Engineer" in clashing
        else _resolve_engineer(value.get("Engineer"), author, team, problems)
    )
    backups = _parse_backups(value.get("Backups"), team, engineer, problems)

    if problems or start is None or end is None or kind is None or engineer is None:
        return ParseResult(None, tuple(sorted(problems, key=_field_order)))
    request = PtoRequest(
        engineer=engineer,
        engineer_given=given,
        start=start,
        end=end,
        kind=kind,
        backups=backups,
        notes=_unwrap_backticks(value.get("Notes", "")),
    )
    return ParseResult(request, ())


def _field_order(problem: Problem) -> int:
    return FIELDS.index(problem.field) if problem.field in FIELDS else len(FIELDS)


def _fields_given_twice(fields: dict[str, list[str]]) -> list[Problem]:
    problems = []
    for name, raw in fields.items():
        distinct = list(dict.fromkeys(" ".join(value.split()) for value in raw))
        if len(distinct) > 1:
            times = "twice" if len(raw) == 2 else f"{len(raw)} times"
            shown = ", ".join(_shown(value) for value in distinct)
            problems.append(Problem(name, f"{name} is given {times} ({shown}); keep one"))
    return problems


def _shown(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


def _unwrap_backticks(value: str) -> str:
    value = value.strip()
    fence = min(len(value) - len(value.lstrip("`")), len(value) - len(value.rstrip("`")))
    return value[fence : len(value) - fence].strip() if fence else value


def _plain(value: str) -> str:
    """A short value without backticks, bold or a trailing template hint like ``(ISO date)``."""
    return _TRAILING_HINT.sub("", value.replace("`", "")).strip().strip("*").strip()


# -- dates ---------------------------------------------------------------------------------------
def _parse_day(name: str, raw: str | None, problems: list[Problem]) -> date | None:
    value = _plain(raw or "")
    example = _EXAMPLE_DATE[name]
    if not value:
        problems.append(
            Problem(
                name,
                f"{name} is missing: add the line `- **{name}:** YYYY-MM-DD` with "
                f"{_DAY_ROLE[name]}, e.g. {example} (as in the PTO request template)",
            )
        )
        return None
    if _PLACEHOLDER_DATE.match(value):
        problems.append(
            Problem(
                name,
                f"{name}: {_shown(value)} is still the template placeholder; replace it with "
                f"{_DAY_ROLE[name]} as YYYY-MM-DD, e.g. {example}",
            )
        )
        return None
    day, complaint = _iso_day(value)
    if complaint:
        problems.append(Problem(name, f"{name}: {_shown(value)} {complaint}, e.g. {example}"))
    return day


def _iso_day(value: str) -> tuple[date | None, str]:
    """The date, or a complaint ending in the form expected."""
    match = _ISO_DATE.match(value)
    if match is None:
        return None, "is not an ISO date; write it as YYYY-MM-DD"
    year, month, day = (int(part) for part in match.groups())
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None, f"has a year outside {MIN_YEAR}–{MAX_YEAR}; write the date as YYYY-MM-DD"
    try:
        return date(year, month, day), ""
    except ValueError:
        return None, "is not a real calendar date; write it as YYYY-MM-DD"


def _span_problems(start: date, end: date, max_days: int) -> list[Problem]:
    if end < start:
        return [
            Problem(
                "End",
                f"End {end.isoformat()} is before Start {start.isoformat()}; End is the last "
                "day off (inclusive) and must be on or after Start",
            )
        ]
    length = (end - start).days + 1
    if length > max_days:
        return [
            Problem(
                "End",
                f"End: {start.isoformat()} to {end.isoformat()} is {length} calendar days; a "
                f"request may span at most {max_days} days (Start to End inclusive): check the "
                "dates or split it into several requests",
            )
        ]
    return []


# -- type ----------------------------------------------------------------------------------------
def _parse_kind(raw: str | None, problems: list[Problem]) -> Kind | None:
    words = _plain(raw or "").lower().split()
    if words[-1:] == ["pto"]:
        words = words[:-1]
    value = " ".join(words)
    if value in ("", "planned"):
        return "planned"
    if value == "emergency":
        return "emergency"
    problems.append(
        Problem(
            "Type",
            f"Type: {_shown(_plain(raw or ''))} is not a request type; write planned or emergency",
        )
    )
    return None


# -- people ------------------------------------------------------------------------------------
class _Roster:
    """Roster usernames, looked up case-insensitively, answered in the roster's spelling."""

    def __init__(self, usernames: Collection[str]) -> None:
        self._by_key = {name.lower(): name for name in usernames if isinstance(name, str)}

    def find(self, username: str) -> str | None:
        return self._by_key.get(username.lower())


def _usernames(value: str) -> list[str]:
    """The users a value names: its @mentions, else its comma-separated parts (hint dropped)."""
    if _plain(value).lower() in _NOTHING:
        return []
    mentions: list[str] = _MENTION.findall(value)
    found = mentions or [part.strip() for part in _plain(value).split(",") if part.strip()]
    unique: dict[str, str] = {}
    for name in found:
        unique.setdefault(name.lower(), name)
    return list(unique.values())


def _resolve_engineer(
    raw: str | None, author: str, team: _Roster, problems: list[Problem]
) -> tuple[str | None, bool]:
    names = _usernames((raw or "").replace("`", ""))
    if not names:
        return _engineer_from_author(author, team, problems), False
    if len(names) > 1:
        shown = ", ".join(f"@{name}" for name in names)
        problems.append(
            Problem(
                "Engineer",
                f"Engineer names {len(names)} people ({shown}); one engineer per request: "
                "open a separate request for each",
            )
        )
        return None, True
    engineer = team.find(names[0])
    if engineer is None:
        problems.append(Problem("Engineer", _off_roster("Engineer", names[0], _SPELLING)))
    return engineer, True


def _engineer_from_author(author: str, team: _Roster, problems: list[Problem]) -> str | None:
    author = author.removeprefix("@") if isinstance(author, str) else ""
    engineer = team.find(author)
    if engineer is None:
        who = f"the issue author @{author}" if author else "the issue author"
        problems.append(
            Problem(
                "Engineer",
                f"Engineer is not filled in and {who} is not on the team roster in policy.yaml; "
                "write the engineer who is out as `- **Engineer:** @username`",
            )
        )
    return engineer


def _off_roster(name: str, username: str, hint: str) -> str:
    if not re.fullmatch(_USER, username):
        return f"{name}: {_shown(username)} is not a GitLab username; write it as @username"
    return f"{name}: @{username} is not on the team roster in policy.yaml; {hint}"


# -- backups -------------------------------------------------------------------------------------
def _parse_backups(
    raw: str | None, team: _Roster, engineer: str | None, problems: list[Problem]
) -> tuple[BackupChoice, ...]:
    value = _OPTIONAL_HINT.sub("", _unwrap_backticks(raw or "")).strip()
    if value.lower() in _NOTHING:
        return ()
    found: list[Problem] = []
    choices: list[BackupChoice] = []
    for entry in (part.replace("`", "").strip() for part in value.split(";")):
        if entry:
            choices.extend(_backup_entry(entry, team, engineer, found))
    found.extend(_accounts_named_twice(choices))
    problems.extend(found)
    return () if found else tuple(choices)


def _backup_entry(
    entry: str, team: _Roster, engineer: str | None, problems: list[Problem]
) -> list[BackupChoice]:
    match = _BACKUP_ENTRY.match(entry)
    if match is None or not (match["at"] or team.find(match["user"])):
        problems.append(
            Problem(
                "Backups",
                f"Backups: {_shown(entry)} does not start with a username; write each backup "
                "as @user Account name, separated by ';'",
            )
        )
        return []
    rest = match["rest"].strip()
    users = [match["user"], *_listed_users(rest, team)]
    if len(users) > 1:
        return [c for u in users if (c := _backup(u, None, team, engineer, problems))]
    account = _account_name(rest)
    if account and _MENTION.search(account):
        problems.append(
            Problem(
                "Backups",
                f"Backups: {_shown(entry)} names another user inside an account name; separate "
                "backups with ';', e.g. @dbass90 Acme Corp; @andsmith3 Initech",
            )
        )
        return []
    choice = _backup(match["user"], account or None, team, engineer, problems)
    return [choice] if choice else []


def _listed_users(rest: str, team: _Roster) -> list[str]:
    """More users after the first (``@a, @b`` or ``a b`` of roster names), else nothing."""
    tokens = [token for token in re.split(r"[\s,]+", rest) if token]
    if not all(token.startswith("@") or team.find(token) for token in tokens):
        return []
    return [token.removeprefix("@") for token in tokens]


def _account_name(rest: str) -> str:
    """``Acme Corp`` from ``Acme Corp``, ``: Acme Corp``, ``- Acme Corp`` or ``(Acme Corp)``."""
    if rest.startswith("(") and rest.endswith(")"):
        return rest[1:-1].strip()
    return rest.lstrip(":,-–—").strip()


def _backup(
    username: str, account: str | None, team: _Roster, engineer: str | None, problems: list[Problem]
) -> BackupChoice | None:
    backup = team.find(username)
    if backup is None:
        hint = "choose backups from the roster, e.g. @dbass90 Acme Corp"
        problems.append(Problem("Backups", _off_roster("Backups", username, hint)))
        return None
    if backup == engineer:
        problems.append(
            Problem(
                "Backups",
                f"Backups: @{backup} is the engineer taking this PTO and cannot be their "
                "own backup",
            )
        )
        return None
    return BackupChoice(backup, account)


def _accounts_named_twice(choices: list[BackupChoice]) -> list[Problem]:
    by_account: dict[str, list[BackupChoice]] = {}
    for choice in choices:
        if choice.account is not None:
            by_account.setdefault(choice.account.casefold(), []).append(choice)
    return [
        Problem(
            "Backups",
            f"Backups: account {_shown(same[0].account or '')} is given "
            f"{len(same)} backups ({', '.join('@' + c.username for c in same)}); "
            "name one backup per account",
        )
        for same in by_account.values()
        if len({c.username for c in same}) > 1
    ]
