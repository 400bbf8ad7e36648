"""The PTO request form: an issue description in, a request or a list of problems out.

Pure: no I/O, no clock. Tolerant about how people type (:mod:`.request_fields`), strict about
what the values mean: ISO dates, start before end, a bounded length, a known type, people on the
roster (:mod:`.request_people`). Each problem names its field and the form it expects.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Literal

from .problems import Problem, problem
from .request_fields import FIELDS, extract_fields, plain_value, shown, unwrap_backticks
from .request_people import BackupChoice, parse_backups, resolve_engineer
from .usernames import Roster

Kind = Literal["planned", "emergency"]
MIN_YEAR, MAX_YEAR = 2000, 2100
_EXAMPLE_DATE = {"Start": "2026-12-21", "End": "2027-01-02"}
_DAY_ROLE = {"Start": "your first day off", "End": "your last day off (inclusive)"}
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_PLACEHOLDER_DATE = re.compile(r"^y{2,4}-m{1,2}-d{1,2}$", re.IGNORECASE)


@dataclass(frozen=True)
class PtoRequest:
    engineer: str  # username, without '@'
    start: date  # first day off
    end: date  # last day off, inclusive
    kind: Kind
    backups: tuple[BackupChoice, ...]
    notes: str
    source: str = ""  # where it comes from, when not from a person: "calendar"


@dataclass(frozen=True)
class ParseResult:
    request: PtoRequest | None  # None when there is any problem
    problems: tuple[Problem, ...]


def parse_request(
    description: str, *, author: str, roster: Collection[str] | Roster, max_days: int = 60
) -> ParseResult:
    """Read a PTO request; every problem names its field and the form it expects. Pass a
    :class:`Roster` when reading many requests: it is built once."""
    team = roster if isinstance(roster, Roster) else Roster(roster)
    fields = extract_fields(description)
    problems = _fields_given_twice(fields)
    clashing = {problem.field for problem in problems}
    value = {name: raw[0] for name, raw in fields.items() if name not in clashing}

    start = None if "Start" in clashing else _parse_day("Start", value.get("Start"), problems)
    end = None if "End" in clashing else _parse_day("End", value.get("End"), problems)
    if start is not None and end is not None:
        problems.extend(_span_problems(start, end, max_days))
    kind = None if "Type" in clashing else _parse_kind(value.get("Type"), problems)
    engineer = (
        None
        if "Engineer" in clashing
        else resolve_engineer(value.get("Engineer"), author, team, problems)
    )
    backups = parse_backups(value.get("Backups"), team, engineer, problems)

    if problems or start is None or end is None or kind is None or engineer is None:
        return ParseResult(None, tuple(sorted(problems, key=_field_order)))
    request = PtoRequest(
        engineer=engineer,
        start=start,
        end=end,
        kind=kind,
        backups=backups,
        notes=unwrap_backticks(value.get("Notes", "")),
        source=plain_value(value.get("Source", "")).lower(),
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
            values = ", ".join(shown(value) for value in distinct)
            problems.append(problem(name, f"{name} is given {times} ({{0}}); keep one", values))
    return problems


# -- dates ---------------------------------------------------------------------------------------
def _parse_day(name: str, raw: str | None, problems: list[Problem]) -> date | None:
    value = plain_value(raw or "")
    example = _EXAMPLE_DATE[name]
    if not value:
        problems.append(
            problem(
                name,
                f"{name} is missing: add the line `- **{name}:** YYYY-MM-DD` with "
                f"{_DAY_ROLE[name]}, e.g. {example} (as in the PTO request template)",
            )
        )
        return None
    if _PLACEHOLDER_DATE.match(value):
        problems.append(
            problem(
                name,
                f"{name}: {{0}} is still the template placeholder; replace it with "
                f"{_DAY_ROLE[name]} as YYYY-MM-DD, e.g. {example}",
                shown(value),
            )
        )
        return None
    day, complaint = _iso_day(value)
    if complaint:
        problems.append(problem(name, f"{name}: {{0}} {complaint}, e.g. {example}", shown(value)))
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
            problem(
                "End",
                f"End {end.isoformat()} is before Start {start.isoformat()}; End is the last "
                "day off (inclusive) and must be on or after Start",
            )
        ]
    length = (end - start).days + 1
    if length > max_days:
        return [
            problem(
                "End",
                f"End: {start.isoformat()} to {end.isoformat()} is {length} calendar days; a "
                f"request may span at most {max_days} days (Start to End inclusive): check the "
                "dates or split it into several requests",
            )
        ]
    return []


# -- type ----------------------------------------------------------------------------------------
def _parse_kind(raw: str | None, problems: list[Problem]) -> Kind | None:
    words = plain_value(raw or "").lower().split()
    if words[-1:] == ["pto"]:
        words = words[:-1]
    value = " ".join(words)
    if value in ("", "planned"):
        return "planned"
    if value == "emergency":
        return "emergency"
    problems.append(
        problem(
            "Type",
            "Type: {0} is not a request type; write planned or emergency",
            shown(plain_value(raw or "")),
        )
    )
    return None
