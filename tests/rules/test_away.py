"""Out of office, rule by rule: which mention in which place is answered, for whom, naming which
account and backup — one row per case, on plain data (no tracker, no clock)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from project import policy_file
from pto_bot.domain.away import TEAM, Absence, Discussed, Places, Thread, ThreadNote
from pto_bot.domain.markers import marker
from pto_bot.domain.topics import Topic
from pto_bot.domain.usernames import BotIdentity
from pto_bot.plan.actions import Reply
from pto_bot.plan.away import answers
from pto_bot.rules.away import found_mentions

ACME, INITECH, ELSEWHERE = "customers/acme", "customers/initech", "customers/umbrella"
BOT = BotIdentity("pto-bot", former=("old-bot",), project_id=42)
TZ = ZoneInfo("America/New_York")
POLICY = policy_file()

#: klang out Mon 23 – Fri 27 November (Acme: adamlauzon; Initech: open), harishsr out the 24th
#: to the 25th (Globex: dbass90), both booked.
KLANG_DAYS = (date(2026, 11, 23), date(2026, 11, 27))
HARISH_DAYS = (date(2026, 11, 24), date(2026, 11, 25))
KLANG = Absence(
    "klang",
    3,
    *KLANG_DAYS,
    date(2026, 11, 30),
    {"Acme Corp": (("adamlauzon", *KLANG_DAYS),), "Initech": ((None, *KLANG_DAYS),)},
    (),
    ("adamlauzon",),
)
HARISH = Absence(
    "harishsr",
    5,
    *HARISH_DAYS,
    date(2026, 11, 26),
    {"Globex": (("dbass90", *HARISH_DAYS),)},
    ("Hooli",),
    ("dbass90",),
)
PLACES = Places(
    projects={ACME: ("Acme Corp",), INITECH: ("Initech",)},
    playbooks={10: "Acme Corp", 11: "Globex"},
)
TUESDAY = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def discussed(place: str, iid: int, *notes: tuple[str, str], labels: tuple[str, ...] = ()):
    """An issue of ``place`` with one thread of ``notes`` (author, body), posted on Tuesday."""
    thread = Thread(
        "d" * 40,
        tuple(ThreadNote(n, a, b, TUESDAY.replace(minute=n)) for n, (a, b) in enumerate(notes, 1)),
    )
    return Discussed(place, iid, "jane", "", TUESDAY, f"https://x/{iid}", labels, (thread,))


def answered(item: Discussed, today: date = date(2026, 11, 24)) -> list[str]:
    """The lines of the answers the bot would post, and "" for none."""
    found = found_mentions(item, (KLANG, HARISH), PLACES, BOT, TZ, frozenset({"pto"}))
    replies = [a for a in answers(POLICY, found, today) if isinstance(a, Reply)]
    return [line for r in replies for line in r.body.split("\n") if line and "<" not in line]


OUT = "`klang` is out of office until Fri 2026-11-27 and back on Mon 2026-11-30."
HARISH_OUT = "`harishsr` is out of office until Wed 2026-11-25 and back on Thu 2026-11-26."


@pytest.mark.parametrize(
    ("case", "item", "expected"),
    [
        (
            "a customer's project: its own account and backup, mentioned",
            discussed(ACME, 1, ("jane", "@klang any news?")),
            [OUT, "For Acme Corp, @adamlauzon is covering meanwhile."],
        ),
        (
            "an account without a backup yet: the manager arranges it",
            discussed(INITECH, 1, ("jane", "@klang any news?")),
            [OUT, "For Initech, @melroberts is arranging cover meanwhile."],
        ),
        (
            "a customer's project of none of the engineer's accounts: nothing",
            discussed(INITECH, 1, ("jane", "@harishsr any news?")),
            [],
        ),
        (
            "a customer's project naming two: only its own engineer is answered for",
            discussed(ACME, 1, ("jane", "@harishsr @klang any news?")),
            [OUT, "For Acme Corp, @adamlauzon is covering meanwhile."],
        ),
        (
            "a playbook in the team project: that account's backup",
            discussed(TEAM, 11, ("adamlauzon", "@harishsr the renewal?")),
            [HARISH_OUT, "For Globex, @dbass90 is covering meanwhile."],
        ),
        (
            "an issue of no account in the team project: the engineer's backups",
            discussed(TEAM, 30, ("jane", "@harishsr can you review?")),
            [HARISH_OUT, "Meanwhile @dbass90 cover for them."],
        ),
        (
            "the engineer's own note",
            discussed(ACME, 1, ("klang", "note to self @klang")),
            [],
        ),
        (
            "the bot's notes, under its current or a former name",
            discussed(ACME, 1, ("pto-bot", "@klang"), ("old-bot", "@klang")),
            [],
        ),
        ("a mention in code", discussed(ACME, 1, ("jane", "`@klang` is the owner")), []),
        ("a mention in a quote", discussed(ACME, 1, ("jane", "> @klang said so")), []),
        ("someone who is not out", discussed(ACME, 1, ("jane", "@magomez3 hello")), []),
        ("a PTO request", discussed(TEAM, 3, ("jane", "@klang enjoy!"), labels=("pto",)), []),
        (
            "a thread the bot already answered for that absence",
            discussed(
                ACME,
                1,
                ("jane", "@klang any news?"),
                ("pto-bot", "Out.\n" + marker(Topic.AWAY, d="d" * 40, **{"for": [["klang", 3]]})),
            ),
            [],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_who_is_answered_where(case: str, item: Discussed, expected: list[str]) -> None:
    assert answered(item) == expected


def test_a_mention_answered_only_while_the_engineer_is_still_away() -> None:
    item = discussed(ACME, 1, ("jane", "@harishsr and @klang?"))
    assert answered(item, today=date(2026, 11, 26)) == [  # harishsr is back
        OUT,
        "For Acme Corp, @adamlauzon is covering meanwhile.",
    ]


def test_a_mention_made_before_the_absence_is_not_answered() -> None:
    early = Discussed(
        ACME,
        1,
        "jane",
        "@klang see you next week",
        datetime(2026, 11, 20, 15, tzinfo=UTC),
    )
    assert answered(early) == []
