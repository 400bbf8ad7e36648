"""Rules 2 and 3: which accounts need a named backup, pod assignment within capacity, stability,
and hand-picked backups, as pure functions over the running state."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from project import policy_file
from pto_bot.domain.accounts import Account
from pto_bot.domain.ledger import Decisions
from pto_bot.domain.request_form import PtoRequest
from pto_bot.domain.request_people import BackupChoice
from pto_bot.rules import coverage
from pto_bot.rules.counting import OutIndex

POLICY = policy_file()  # high or auto-assigned need a backup; 4 h / 2 h against 8 h a week
CLASSIC = policy_file("classic.yaml")
WEEK = (date(2026, 12, 7), date(2026, 12, 11))


def account(name: str, priority: str = "high", model: str = "global-support") -> Account:
    return Account(name, 1, "klang", priority, model, datetime(2026, 11, 1, tzinfo=UTC), "")  # type: ignore[arg-type]


def request(engineer: str = "klang", backups: tuple[BackupChoice, ...] = ()) -> PtoRequest:
    return PtoRequest(engineer, WEEK[0], WEEK[1], "planned", backups, "")


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
    covers = coverage.assign_from_pod(request(), accounts, ["adamlauzon", "magomez3"], backups)
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
    assert backups.load("adamlauzon", request()) == 8.0


def test_a_pod_with_two_out_cannot_cover_and_a_member_who_is_out_is_no_backup() -> None:
    out = OutIndex()
    out.add("magomez3", [WEEK[0]])
    backups = coverage.Backups(POLICY, out)
    beta = POLICY.pods["beta"]
    assert coverage.pod_pool(POLICY, beta, request(), 1, backups) == ["adamlauzon"]
    assert coverage.pod_pool(POLICY, beta, request(), 2, backups) == []
    assert coverage.pod_out_peak(beta, "klang", [WEEK[0]], out) == 2


def test_announced_and_commanded_assignments_are_kept_while_valid() -> None:
    backups = coverage.Backups(POLICY, OutIndex())
    named = [account("A1"), account("A2"), account("A3")]
    decisions = Decisions(manual={"a2": ("michwalker", "volunteer")})
    kept, rest = coverage.keep_decided(
        request(),
        named,
        ["adamlauzon", "magomez3"],
        {"A1": "magomez3", "A3": "dbass90"},
        decisions,
        backups,
    )
    assert [(c.account.name, c.backup, c.how, c.fallback) for c in kept] == [
        ("A1", "magomez3", "pod", False),
        ("A2", "michwalker", "volunteer", True),
    ]
    assert [a.name for a in rest] == ["A3"]  # dbass90 is not in the pod's pool any more


def test_hand_picked_backups_are_validated() -> None:
    out = OutIndex()
    out.add("klang", [WEEK[0]])
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
    covers, problems = coverage.hand_picked(r, mine, mine, Decisions(), backups)
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
    assigned = Decisions(manual={"initech": ("jdoe-se", "assigned")})
    covers, problems = coverage.hand_picked(r, mine, mine, assigned, backups)
    assert {c.account.name: (c.backup, c.how) for c in covers}["Initech"] == ("jdoe-se", "assigned")
    assert [p for p in problems if "klang" in p.message] == []
    _, missing = coverage.hand_picked(request("harishsr"), mine, mine, Decisions(), backups)
    assert "nobody named for 'Acme Corp'" in missing[0].message
