"""The PTO request parser: how people really type the template, and what they are told when a
field is wrong (the field named, the expected form in the message)."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pytest

from pto_bot.domain.request_fields import FIELDS, extract_fields
from pto_bot.domain.request_form import ParseResult, PtoRequest, parse_request
from pto_bot.domain.request_people import BackupChoice

ROOT = Path(__file__).resolve().parents[2]
PTO_TEMPLATE = ROOT / ".gitlab" / "issue_templates" / "PTO request.md"
ROSTER = (
    "harishsr",
    "dbass90",
    "andsmith3",
    "klang",
    "adamlauzon",
    "magomez3",
    "a.conrad",
    "malmendarez",
    "michwalker",
)
MANAGER = "melroberts"  # opens emergency requests for others; not on the engineer roster
DEC21, DEC24, JAN02 = date(2026, 12, 21), date(2026, 12, 24), date(2027, 1, 2)
DATES = "- **Start:** 2026-12-21\n- **End:** 2026-12-24\n"


def parse(description: str, author: str = "harishsr", max_days: int = 60) -> ParseResult:
    return parse_request(description, author=author, roster=ROSTER, max_days=max_days)


def accepted(description: str, author: str = "harishsr") -> PtoRequest:
    result = parse(description, author)
    assert result.problems == ()
    assert result.request is not None
    return result.request


def b(username: str, account: str | None = None) -> BackupChoice:
    return BackupChoice(username, account)


# -- requests people actually write, and what the bot understands --------------------------------
SPEC_EXAMPLE = """\
- **Engineer:** @harishsr        (optional; defaults to the issue author)
- **Start:** 2026-12-21          (first day off, ISO date)
- **End:** 2027-01-02            (last day off, inclusive)
- **Type:** planned              (planned | emergency)
- **Backups:** @dbass90 Acme Corp; @andsmith3 Initech   (optional: backups chosen by hand)
- **Notes:** free text
"""

ACCEPTED = [
    pytest.param(
        SPEC_EXAMPLE,
        "klang",
        PtoRequest(
            "harishsr",
            DEC21,
            JAN02,
            "planned",
            (b("dbass90", "Acme Corp"), b("andsmith3", "Initech")),
            "free text",
        ),
        id="spec example with the template hints left in",
    ),
    pytest.param(
        "- Start: 2026-12-21\n- End: 2026-12-24",
        "klang",
        PtoRequest("klang", DEC21, DEC24, "planned", (), ""),
        id="only the dates: engineer is the author, type planned",
    ),
    pytest.param(
        "- **Start:** 2026-12-21\r\n- **End:** 2026-12-24\r\n- **Type:** emergency\r\n",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "emergency", (), ""),
        id="CRLF line endings",
    ),
    pytest.param(
        "- **Start:** 2026-12-21\r- **End:** 2026-12-24\r- **Notes:** back on the 28th\r",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), "back on the 28th"),
        id="old Mac CR line endings",
    ),
    pytest.param(
        "<!-- fill in the list -->\n- **Start:** 2026-12-21 <!-- first day off -->\n"
        "<!--\n- **End:** 2020-01-01\n  guidance spanning lines\n-->\n"
        "- **End:** 2026-12-24\n<!-- - **Type:** emergency -->",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), ""),
        id="HTML comments around, inside and after the list are ignored",
    ),
    pytest.param(
        "- **Start**: 2026-12-21\n- __End:__ 2026-12-24\n- __Type__: emergency\n- Notes: plain",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "emergency", (), "plain"),
        id="bold variants: colon outside, underscores, no bold",
    ),
    pytest.param(
        "Start: 2026-12-21\n* End: 2026-12-24\n+ Type: planned\n1. Notes: numbered",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), "numbered"),
        id="no bullet, star, plus and numbered bullets",
    ),
    pytest.param(
        "- **START:** 2026-12-21\n- **END:** 2026-12-24\n- **TYPE:** EMERGENCY\n"
        "- **ENGINEER:** @KLANG",
        MANAGER,
        PtoRequest("klang", DEC21, DEC24, "emergency", (), ""),
        id="upper-case names and values; the roster's spelling is returned",
    ),
    pytest.param(
        "- Start: `2026-12-21`\n- End: `2026-12-24`\n- Engineer: `@a.conrad`\n"
        "- Type: `planned`\n- Notes: `see playbooks`",
        "klang",
        PtoRequest("a.conrad", DEC21, DEC24, "planned", (), "see playbooks"),
        id="values wrapped in backticks",
    ),
    pytest.param(
        "-\t**Start:**\t\t2026-12-21   \n   -   **End:**    2026-12-24\t\n  **Type** :  planned  ",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), ""),
        id="tabs and extra spaces everywhere",
    ),
    pytest.param(
        "- First day: 2026-12-21\n- Last day: 2026-12-24\n- Kind: emergency\n- ASE: @dbass90\n"
        "- Backup: @andsmith3",
        MANAGER,
        PtoRequest("dbass90", DEC21, DEC24, "emergency", (b("andsmith3"),), ""),
        id="aliases: first day, last day, kind, ASE, backup",
    ),
    pytest.param(
        "- From: 2026-12-21\n- Until: 2026-12-24\n- Who: michwalker",
        "klang",
        PtoRequest("michwalker", DEC21, DEC24, "planned", (), ""),
        id="aliases: from, until, who; engineer without @",
    ),
    pytest.param(
        "- **Engineer:** @klang\n- **Start:** 2026-12-21\n- **End:** 2026-12-24\n"
        "- **Type:** emergency\n- **Notes:** family emergency, reported by phone",
        MANAGER,
        PtoRequest("klang", DEC21, DEC24, "emergency", (), "family emergency, reported by phone"),
        id="emergency opened by the manager for a colleague",
    ),
    pytest.param(
        DATES + "- **Type:** Planned PTO",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), ""),
        id="type 'Planned PTO'",
    ),
    pytest.param(
        DATES + "- **Type:** emergency pto (planned | emergency)",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "emergency", (), ""),
        id="type 'emergency pto' with the hint left in",
    ),
    pytest.param(
        DATES + "- **Type:**\n- **Engineer:**\n- **Backups:**\n- **Notes:**",
        "HarishSR",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), ""),
        id="optional fields left empty take their defaults",
    ),
    pytest.param(
        "- Start: 2026-12-21\n- End: 2026-12-21\n- Start: 2026-12-21",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC21, "planned", (), ""),
        id="one day off; the same value given twice is fine",
    ),
    pytest.param(
        "- Start: 2026-12-21\n- End: 2027-02-18",
        "harishsr",
        PtoRequest("harishsr", DEC21, date(2027, 2, 18), "planned", (), ""),
        id="exactly 60 calendar days is allowed",
    ),
    pytest.param(
        "# Holidays\nI'm out for the holidays, see below. Start: whenever works.\n"
        "- [ ] Start: 2020-01-01\n> - End: 2020-01-02\n- **Reason:** family\n" + DATES,
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), ""),
        id="headings, prose, checklists, quotes and unknown fields are ignored",
    ),
    pytest.param(
        DATES + "- **Notes:** /close @all <script>alert(1)</script> [x](javascript:alert(1))",
        "harishsr",
        PtoRequest(
            "harishsr",
            DEC21,
            DEC24,
            "planned",
            (),
            "/close @all <script>alert(1)</script> [x](javascript:alert(1))",
        ),
        id="hostile notes are kept verbatim (escaping happens when rendering)",
    ),
    pytest.param(
        DATES + "- **Notes:** first line only\nsecond line is prose",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), "first line only"),
        id="notes end at the line end",
    ),
    pytest.param(
        "- **Start:**\u00a02026-12-21\n- **End:** 2026-12-24\n- **Notes:** Vacaciones en México 🌴",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), "Vacaciones en México 🌴"),
        id="unicode: no-break space, accents and emoji",
    ),
    pytest.param(
        "- **Start (first day off):** 2026-12-21\n- **End (last day, inclusive):** 2026-12-24",
        "harishsr",
        PtoRequest("harishsr", DEC21, DEC24, "planned", (), ""),
        id="a hint inside the field name",
    ),
]


@pytest.mark.parametrize(("description", "author", "expected"), ACCEPTED)
def test_accepted_requests_parse_to_what_the_engineer_meant(
    description: str, author: str, expected: PtoRequest
) -> None:
    assert accepted(description, author) == expected


# -- the Backups field in every accepted form ------------------------------------------------------
BACKUP_FORMS = [
    pytest.param(
        "@dbass90 Acme Corp; @andsmith3 Initech",
        (b("dbass90", "Acme Corp"), b("andsmith3", "Initech")),
        id="semicolons",
    ),
    pytest.param("@dbass90: Acme Corp", (b("dbass90", "Acme Corp"),), id="colon"),
    pytest.param("@dbass90 - Acme Corp", (b("dbass90", "Acme Corp"),), id="dash"),
    pytest.param("@dbass90 – Acme Corp", (b("dbass90", "Acme Corp"),), id="en dash"),
    pytest.param("@dbass90 (Acme Corp)", (b("dbass90", "Acme Corp"),), id="parentheses"),
    pytest.param("dbass90 Acme Corp", (b("dbass90", "Acme Corp"),), id="no @"),
    pytest.param(
        "@DBass90  ACME corp, Inc.  ", (b("dbass90", "ACME corp, Inc."),), id="account verbatim"
    ),
    pytest.param(
        "@dbass90, @andsmith3", (b("dbass90"), b("andsmith3")), id="comma list, no accounts"
    ),
    pytest.param(
        "@dbass90 @andsmith3", (b("dbass90"), b("andsmith3")), id="space list, no accounts"
    ),
    pytest.param("dbass90, andsmith3", (b("dbass90"), b("andsmith3")), id="comma list without @"),
    pytest.param(
        "@dbass90 Acme Corp; @andsmith3",
        (b("dbass90", "Acme Corp"), b("andsmith3")),
        id="one catch-all",
    ),
    pytest.param("`@dbass90 Acme Corp`", (b("dbass90", "Acme Corp"),), id="backticks"),
    pytest.param(
        "@dbass90 Acme Corp; @dbass90 Initech",
        (b("dbass90", "Acme Corp"), b("dbass90", "Initech")),
        id="one backup, two accounts",
    ),
    pytest.param("none", (), id="none"),
    pytest.param("N/A", (), id="n/a"),
    pytest.param("-", (), id="dash only"),
    pytest.param("(optional: backups chosen by hand)", (), id="template hint only"),
]


@pytest.mark.parametrize(("value", "expected"), BACKUP_FORMS)
def test_backups_in_every_accepted_form(value: str, expected: tuple[BackupChoice, ...]) -> None:
    assert accepted(DATES + f"- **Backups:** {value}\n").backups == expected


def test_backups_as_nested_list_items() -> None:
    description = (
        DATES
        + "- **Backups:**\n  - @dbass90 Acme Corp\n\n  * @andsmith3: Initech\n"
        + "\t- @klang, @magomez3\n- **Notes:** ok\n  - not a backup"
    )
    request = accepted(description)
    assert request.backups == (
        b("dbass90", "Acme Corp"),
        b("andsmith3", "Initech"),
        b("klang"),
        b("magomez3"),
    )
    assert request.notes == "ok"


# -- mistakes: which field the bot names, and a key phrase of what it says -------------------------
PLACEHOLDER = "is still the template placeholder"
NOT_ISO = "is not an ISO date; write it as YYYY-MM-DD"
OFF_ROSTER = "is not on the team roster in policy.yaml"

REFUSED = [
    pytest.param(
        "- **Start:** YYYY-MM-DD\n- **End:** YYYY-MM-DD\n- **Type:** planned",
        "harishsr",
        [("Start", PLACEHOLDER), ("End", PLACEHOLDER)],
        id="the template placeholders left in",
    ),
    pytest.param(
        "- Start: yyyy-mm-dd (first day off, ISO date)\n- End: 2026-12-24",
        "harishsr",
        [("Start", PLACEHOLDER)],
        id="lower-case placeholder with the hint",
    ),
    pytest.param(
        "",
        "harishsr",
        [("Start", "add the line `- **Start:** YYYY-MM-DD`"), ("End", "`- **End:** YYYY-MM-DD`")],
        id="empty description",
    ),
    pytest.param(
        " \n\t\r\n  ",
        "harishsr",
        [("Start", "Start is missing"), ("End", "End is missing")],
        id="whitespace only",
    ),
    pytest.param(
        "asdf qwer\x00\x01\x7f ☃ ::: **: __ - * + 1.\n\ufeff\u202e",
        "harishsr",
        [("Start", "Start is missing"), ("End", "End is missing")],
        id="random junk",
    ),
    pytest.param(
        "Hi, I'd like Dec 21 to Jan 2 off please!",
        "harishsr",
        [("Start", "Start is missing"), ("End", "End is missing")],
        id="prose instead of the list",
    ),
    pytest.param(
        "- Start: 12/21/2026\n- End: 01/02/2027",
        "harishsr",
        [("Start", "'12/21/2026' " + NOT_ISO), ("End", "'01/02/2027' " + NOT_ISO)],
        id="US dates",
    ),
    pytest.param(
        "- Start: Dec 21\n- End: 2026-12-24",
        "harishsr",
        [("Start", "'Dec 21' " + NOT_ISO)],
        id="month name",
    ),
    pytest.param(
        "- Start: 2026-1-5\n- End: 2026-12-24",
        "harishsr",
        [("Start", NOT_ISO)],
        id="unpadded month and day",
    ),
    pytest.param(
        "- Start: 2026-12-21T09:00\n- End: 2026-12-24",
        "harishsr",
        [("Start", NOT_ISO)],
        id="a time instead of a date",
    ),
    pytest.param(
        "- Start: 2026-13-01\n- End: 2026-02-30",
        "harishsr",
        [("Start", "is not a real calendar date"), ("End", "is not a real calendar date")],
        id="month 13 and February 30",
    ),
    pytest.param(
        "- Start: 1999-12-21\n- End: 2999-12-24",
        "harishsr",
        [("Start", "year outside 2000–2100"), ("End", "year outside 2000–2100")],
        id="absurd years",
    ),
    pytest.param(
        "- Start: 2026-12-24\n- End: 2026-12-21",
        "harishsr",
        [("End", "End 2026-12-21 is before Start 2026-12-24")],
        id="reversed dates",
    ),
    pytest.param(
        "- Start: 2026-12-21\n- End: 2027-02-19",
        "harishsr",
        [("End", "is 61 calendar days; a request may span at most 60 days")],
        id="too long",
    ),
    pytest.param(
        "- Start: <script>alert(1)</script>\n- End: 2026-12-24",
        "harishsr",
        [("Start", "'<script>alert(1)</script>' is not an ISO date")],
        id="markup in a date",
    ),
    pytest.param(
        "- Engineer: @bob\n" + DATES,
        "harishsr",
        [("Engineer", "@bob " + OFF_ROSTER)],
        id="unknown engineer",
    ),
    pytest.param(
        DATES,
        MANAGER,
        [("Engineer", f"Engineer is not filled in and the issue author @{MANAGER} " + OFF_ROSTER)],
        id="engineer missing, author off the roster",
    ),
    pytest.param(
        DATES,
        "",
        [("Engineer", "Engineer is not filled in and the issue author is not on the team roster")],
        id="engineer missing, author unknown",
    ),
    pytest.param(
        "- Engineer: @klang, @dbass90\n" + DATES,
        MANAGER,
        [("Engineer", "names 2 people (@klang, @dbass90); one engineer per request")],
        id="two engineers in one request",
    ),
    pytest.param(
        "- Engineer: Harish Srinivasan\n" + DATES,
        "harishsr",
        [("Engineer", "'Harish Srinivasan' is not a GitLab username; write it as `@username`")],
        id="display name instead of a username",
    ),
    pytest.param(
        "- **Start:** 2026-12-21\n- **End:** 2026-12-24\n- **Start:** 2026-12-22",
        "harishsr",
        [("Start", "Start is given twice ('2026-12-21', '2026-12-22'); keep one")],
        id="start given twice",
    ),
    pytest.param(
        "- From: 2026-12-21\n- **START**: 2026-12-20\n- End: 2026-12-24",
        "harishsr",
        [("Start", "Start is given twice")],
        id="start given twice through an alias",
    ),
    pytest.param(
        DATES + "- Type: planned\n- Type: emergency\n- Type: planned",
        "harishsr",
        [("Type", "Type is given 3 times ('planned', 'emergency'); keep one")],
        id="type given three times",
    ),
    pytest.param(
        DATES + "- Engineer: @klang\n- Engineer: @dbass90",
        MANAGER,
        [("Engineer", "Engineer is given twice")],
        id="engineer given twice: no extra complaint about the author",
    ),
    pytest.param(
        DATES + "- **Type:** vacation",
        "harishsr",
        [("Type", "'vacation' is not a request type; write planned or emergency")],
        id="bad type",
    ),
    pytest.param(
        DATES + "- **Type:** planned | emergency",
        "harishsr",
        [("Type", "write planned or emergency")],
        id="both types left in",
    ),
    pytest.param(
        DATES + "- **Backups:** @bob Acme Corp; @andsmith3 Initech",
        "harishsr",
        [("Backups", "@bob " + OFF_ROSTER)],
        id="unknown backup",
    ),
    pytest.param(
        DATES + "- **Backups:** @dbass90, @zed",
        "harishsr",
        [("Backups", "@zed " + OFF_ROSTER)],
        id="unknown backup in a comma list",
    ),
    pytest.param(
        DATES + "- **Backups:** @HarishSR Acme Corp",
        "harishsr",
        [("Backups", "@harishsr is the engineer taking this PTO and cannot be their own backup")],
        id="engineer as their own backup",
    ),
    pytest.param(
        DATES + "- **Backups:** @dbass90 Acme Corp, @andsmith3 Initech",
        "harishsr",
        [("Backups", "names another user inside an account name; separate backups with `;`")],
        id="entries separated by commas",
    ),
    pytest.param(
        DATES + "- **Backups:** Acme Corp: @dbass90",
        "harishsr",
        [("Backups", "'Acme Corp: @dbass90' does not start with a username")],
        id="account before the user",
    ),
    pytest.param(
        DATES + "- **Backups:** @dbass90 Acme Corp; @andsmith3 acme corp",
        "harishsr",
        [("Backups", "account 'Acme Corp' is given 2 backups (@dbass90, @andsmith3)")],
        id="two backups for one account",
    ),
    pytest.param(
        "- Engineer: @bob, @zed\n- Start: 12/21\n- End: 2026-12-24\n- Type: sabbatical\n"
        "- Backups: @nobody",
        "harishsr",
        [
            ("Engineer", "one engineer per request"),
            ("Start", NOT_ISO),
            ("Type", "write planned or emergency"),
            ("Backups", "@nobody " + OFF_ROSTER),
        ],
        id="every field wrong at once, reported in template order",
    ),
    pytest.param(
        "- Start: 2026-12-21\n<!-- unfinished comment\n- End: 2026-12-24",
        "harishsr",
        [("End", "End is missing")],
        id="an unterminated comment hides the rest, as GitLab shows it",
    ),
    pytest.param(
        "Start**: 2026-12-21\n- End: 2026-12-24",
        "harishsr",
        [("Start", "Start is missing")],
        id="unbalanced bold is not a field",
    ),
]


@pytest.mark.parametrize(("description", "author", "expected"), REFUSED)
def test_mistakes_are_named_by_field_with_the_expected_form(
    description: str, author: str, expected: list[tuple[str, str]]
) -> None:
    result = parse(description, author)
    assert result.request is None
    assert [p.field for p in result.problems] == [field for field, _ in expected]
    for problem, (field, phrase) in zip(result.problems, expected, strict=True):
        assert phrase in problem.message, problem.message
        assert problem.message.startswith(field)


def test_the_length_limit_comes_from_the_policy() -> None:
    problems = parse("- Start: 2026-12-21\n- End: 2027-01-02", max_days=10).problems
    assert [(p.field, "at most 10 days" in p.message) for p in problems] == [("End", True)]


# -- never crash --------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_before_the_list_do_not_hide_it(seed: int) -> None:
    junk = random.Random(seed).randbytes(50_000).decode("latin-1")
    request = accepted(junk + "\n" + DATES)
    assert (request.start, request.end) == (DEC21, DEC24)


MB = 1_000_000
HOSTILE = [
    "- Type: a" + " " * MB + "b",
    "- Notes: a" + "\t " * (MB // 2) + "b)",
    "- Backups:\n" + " " * MB + "- x",
    "- Backups: @klang" + " (" * (MB // 2),
    "- " + "a" * 30 + " " * MB + "x",
    "- " * (MB // 2),
    "<!--" * (MB // 4) + "-->",
    "- Notes: " + "`" * MB,
    "- Backups:\n" + "  - @klang Acme\n" * (MB // 16),
]
HOSTILE_IDS = [
    "spaces",
    "tabs",
    "deep indent",
    "parentheses",
    "a long name",
    "bullets",
    "comments",
    "backticks",
    "many backups",
]


@pytest.mark.parametrize("hostile", HOSTILE, ids=HOSTILE_IDS)
def test_a_megabyte_of_hostile_shapes_is_read_to_the_fields_after_it(hostile: str) -> None:
    """Every line is read (GitLab takes descriptions up to 1 MiB), and each pattern at most once
    per character: quadratic backtracking would take hours here."""
    description = hostile + "\n\n- Engineer: @klang\n" + DATES
    result = parse(description)
    assert "Start" not in {p.field for p in result.problems}
    assert "End" not in {p.field for p in result.problems}


def test_a_field_after_the_first_100_kb_is_read() -> None:
    request = accepted("- Notes: " + "x" * 100_000 + "\n" + DATES)
    assert (request.start, request.end) == (DEC21, DEC24)


def test_non_text_descriptions_are_treated_as_empty() -> None:
    result = parse_request(None, author=None, roster=ROSTER)  # type: ignore[arg-type]
    assert [p.field for p in result.problems] == ["Engineer", "Start", "End"]


# -- the raw field list ----------------------------------------------------------------------------
def test_extract_fields_keeps_raw_values_in_order() -> None:
    description = (
        "- **Start:** 2026-12-21 (first day off)\n- From: `2026-12-22`\n- **Type:**\n"
        "- **Backups:** @dbass90 Acme\n    - @andsmith3 Initech\n- Notes: <b>hi</b>\n- Reason: x"
    )
    assert extract_fields(description) == {
        "Start": ["2026-12-21 (first day off)", "`2026-12-22`"],
        "Type": [""],
        "Backups": ["@dbass90 Acme; @andsmith3 Initech"],
        "Notes": ["<b>hi</b>"],
    }


# -- the shipped template ------------------------------------------------------------------------
def test_shipped_template_lists_every_field_and_only_the_dates_need_filling_in() -> None:
    text = PTO_TEMPLATE.read_text(encoding="utf-8")
    assert set(extract_fields(text)) == set(FIELDS)
    result = parse(text, author="harishsr")
    assert [(p.field, PLACEHOLDER in p.message) for p in result.problems] == [
        ("Start", True),
        ("End", True),
    ]


def test_shipped_template_filled_in_is_accepted() -> None:
    text = PTO_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("**Start:** YYYY-MM-DD", "**Start:** 2026-12-21")
    text = text.replace("**End:** YYYY-MM-DD", "**End:** 2026-12-24")
    assert accepted(text, "dbass90") == PtoRequest("dbass90", DEC21, DEC24, "planned", (), "")
