"""Rules 2, 3 and 10: which accounts need a named backup, pod assignment within capacity and by
the days each member is free, stability, declines, and hand-picked backups, as pure functions
over the running state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from project import policy_file
from pto_bot.domain.accounts import Account
from pto_bot.domain.ledger import Decisions, Manual
from pto_bot.domain.request_form import PtoRequest
from pto_bot.domain.request_people import BackupChoice
from pto_bot.rules import coverage
from pto_bot.rules.counting import OutIndex
from pto_bot.rules.hand_picked import hand_picked

POLICY = policy_file()  # high or auto-assigned need a backup; 4 h / 2 h against 8 h a week
CLASSIC = policy_file("classic.yaml")
WEEK = (date(2026, 12, 7), date(2026, 12, 11))
TWO_WEEKS = (date(2026, 12, 7), date(2026, 12, 18))
BETA = ["adamlauzon", "magomez3"]


def account(name: str, priority: str = "high", model: str = "global-support") -> Account:
    return Account(name, 1, "klang", priority, model, datetime(2026, 11, 1, tzinfo=UTC), "")  # type: ignore[arg-type]


def request(
    engineer: str = "klang",
    backups: tuple[BackupChoice, ...] = (),
    dates: tuple[date, date] = WEEK,
) -> PtoRequest:
    return PtoRequest(engineer, dates[0], dates[1], "planned", backups, "")


def left(accounts: list[Account], r: PtoRequest, backups: coverage.Backups) -> list[coverage.Left]:
    return [(a, backups.days(r)) for a in accounts]


@pytest.mark.parametrize(
    ("priority", "model", "needs", "hours"),
    [
        ("high", "global-support", True, 2.0),
        ("high", "auto-assigned", True, 4.0),
        ("normal", "auto-assigned", True, 4.0),
        ("normal", "global-support", False, 2.0),
    ],
)
def test_which_accounts_need_a_named_backup(
    priority: str, model: str, needs: bool, hours: float
) -> None:
    a = account("A", priority, model)
    assert coverage.needs_named_backup(POLICY, a) is needs
    assert coverage.weight(POLICY, a) == hours
    assert coverage.needs_named_backup(CLASSIC, a)  # the classic workflow: every account


def test_the_least_loaded_free_member_takes_each_account_within_capacity() -> None:
    backups = coverage.Backups(POLICY, OutIndex())
    names = ["H1", "H2", "H3", "H4", "H5"]
    accounts = [account(n) for n in names] + [
        account(n, model="auto-assigned") for n in ("A1", "A2")
    ]
    r = request()
    rest = left(accounts, r, backups)
    covers = coverage.assign_from_pod(r, rest, BETA, backups.days(r), Decisions(), backups)
    got = {c.account.name: c.backup for c in covers}
    # auto-assigned first (4 h each), then the 2 h ones to whoever carries least, ties by name;
    # at 8 h each the pod is full and the last account goes to the fallback request
    assert got == {
        "A1": "adamlauzon",
        "A2": "magomez3",
        "H1": "adamlauzon",
        "H2": "magomez3",
        "H3": "adamlauzon",
        "H4": "magomez3",
        "H5": None,
    }
    assert [c.fallback for c in covers if c.backup is None] == [True]
    assert backups.load("adamlauzon", backups.days(r)) == 8.0


def test_the_pod_covers_only_the_days_fewer_than_its_limit_are_out_together() -> None:
    out = OutIndex()
    out.add("magomez3", [WEEK[0]])
    backups = coverage.Backups(POLICY, out)
    beta = POLICY.pods["beta"]
    days = backups.days(request())
    # Monday two of beta are out (klang and magomez3): the pod covers Tuesday to Friday only
    open_ = coverage.pod_days(beta, "klang", days, out, limit=2)
    assert open_ == days - {WEEK[0]}
    assert coverage.pod_pool(beta, request(), open_, backups) == ["adamlauzon", "magomez3"]
    assert coverage.pod_pool(beta, request(), frozenset({WEEK[0]}), backups) == ["adamlauzon"]


def test_a_member_free_for_part_of_the_period_covers_that_part() -> None:
    out = OutIndex()
    second_week = [date(2026, 12, d) for d in (14, 15, 16, 17, 18)]
    out.add("adamlauzon", second_week)
    backups = coverage.Backups(POLICY, out)
    r = request(dates=TWO_WEEKS)
    acme = account("Acme Corp")
    (cover, rest) = coverage.assign_from_pod(
        r, [(acme, backups.days(r))], ["adamlauzon"], backups.days(r), Decisions(), backups
    )
    assert (cover.backup, cover.days[0], cover.days[-1]) == ("adamlauzon", TWO_WEEKS[0], WEEK[1])
    # the days nobody in the pod is free for go to the fallback request, and only they
    assert (rest.backup, rest.fallback, rest.days) == (None, True, tuple(second_week))
    # a member free for the whole of it is preferred to one free for part
    both = coverage.assign_from_pod(
        r, [(acme, backups.days(r))], BETA, backups.days(r), Decisions(), backups
    )
    assert [(c.backup, len(c.days)) for c in both] == [("magomez3", 10)]


def test_a_backup_who_declined_an_account_never_gets_it_again() -> None:
    backups = coverage.Backups(POLICY, OutIndex())
    r = request()
    acme = account("Acme Corp")
    said_no = Decisions(declined={"acme corp": frozenset({"adamlauzon"})})
    (cover,) = coverage.assign_from_pod(
        r, left([acme], r, backups), BETA, backups.days(r), said_no, backups
    )
    assert cover.backup == "magomez3"
    both = Decisions(declined={"acme corp": frozenset(BETA)})
    (cover,) = coverage.assign_from_pod(
        r, left([acme], r, backups), BETA, backups.days(r), both, backups
    )
    assert (cover.backup, cover.fallback) == (None, True)  # to the fallback request
    kept, rest = coverage.keep_decided(
        r, [acme], BETA, backups.days(r), {"Acme Corp": "adamlauzon"}, said_no, backups
    )
    assert kept == [] and [a.name for a, _ in rest] == ["Acme Corp"]


def test_announced_and_commanded_assignments_are_kept_while_valid() -> None:
    backups = coverage.Backups(POLICY, OutIndex())
    named = [account("A1"), account("A2"), account("A3"), account("A4")]
    r = request()
    thursday = date(2026, 12, 10)
    decisions = Decisions(
        manual={
            "a2": (Manual("michwalker", "volunteer"),),
            "a4": (Manual("michwalker", "volunteer", ((thursday, WEEK[1]),)),),
        }
    )
    kept, rest = coverage.keep_decided(
        r,
        named,
        BETA,
        backups.days(r),
        {"A1": "magomez3", "A3": "dbass90", "A4": [["adamlauzon", "2026-12-07", "2026-12-09"]]},
        decisions,
        backups,
    )
    assert [(c.account.name, c.backup, c.how, c.fallback, len(c.days)) for c in kept] == [
        ("A1", "magomez3", "pod", False, 5),
        ("A2", "michwalker", "volunteer", True, 5),
        ("A4", "michwalker", "volunteer", True, 2),  # the days volunteered for
        ("A4", "adamlauzon", "pod", False, 3),  # the days announced
    ]
    assert [a.name for a, _ in rest] == ["A3"]  # dbass90 is not in the pod's pool any more


def test_hand_picked_backups_are_validated() -> None:
    out = OutIndex()
    out.add("klang", backups_days := [WEEK[0] + timedelta(d) for d in range(5)])
    assert backups_days[-1] == WEEK[1]  # klang is out all week
    backups = coverage.Backups(CLASSIC, out)
    mine = [account("Acme Corp"), account("Initech")]
    r = request(
        "harishsr",
        (
            BackupChoice("dbass90", "Acme Corp"),
            BackupChoice("klang", None),
            BackupChoice("jdoe-se", "Globex"),
        ),
    )
    covers, problems = hand_picked(r, mine, mine, Decisions(), backups)
    assert {c.account.name: c.backup for c in covers} == {
        "Acme Corp": "dbass90",
        "Initech": "klang",
    }
    assert sorted(p.message for p in problems) == [
        "Backups: 'Globex' is not one of @harishsr's accounts (playbooks: Acme Corp, Initech); "
        "use the playbook title",
        "Backups: @klang is out during 2026-12-07 – 2026-12-11; choose someone who is available "
        "for the whole period",
    ]
    # the manager assigns Initech to someone else: klang being out is no problem any more
    assigned = Decisions(manual={"initech": (Manual("jdoe-se", "assigned"),)})
    covers, problems = hand_picked(r, mine, mine, assigned, backups)
    assert {c.account.name: (c.backup, c.how) for c in covers}["Initech"] == ("jdoe-se", "assigned")
    assert [p for p in problems if "klang" in p.message] == []
    _, missing = hand_picked(request("harishsr"), mine, mine, Decisions(), backups)
    assert "nobody named for 'Acme Corp'" in missing[0].message
    # the hand-picked backup of Acme Corp declines: it goes to the fallback request, no problem
    said_no = Decisions(declined={"acme corp": frozenset({"dbass90"})})
    covers, problems = hand_picked(r, mine, mine, said_no, backups)
    acme = next(c for c in covers if c.account.name == "Acme Corp")
    assert (acme.backup, acme.fallback) == (None, True)
    assert [p.message for p in problems if "Globex" not in p.message] == [
        "Backups: @klang is out during 2026-12-07 – 2026-12-11; choose someone who is available "
        "for the whole period",
    ]


def test_a_hand_picked_backup_free_for_part_of_the_period_covers_that_part() -> None:
    out = OutIndex()
    out.add("dbass90", [WEEK[0]])  # out on the Monday only
    backups = coverage.Backups(CLASSIC, out)
    mine = [account("Acme Corp")]
    r = request("harishsr", (BackupChoice("dbass90", "Acme Corp"),))
    covers, problems = hand_picked(r, mine, mine, Decisions(), backups)
    monday, rest = sorted(covers, key=lambda c: c.days)
    assert problems == []  # nothing to fix: the fallback request asks for the Monday
    assert (monday.backup, monday.fallback, monday.days) == (None, True, (WEEK[0],))
    assert (rest.backup, rest.how, len(rest.days)) == ("dbass90", "hand-picked", 4)
