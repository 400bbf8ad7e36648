"""What running the three seed processes for real showed: decisions that must never be taken
back, and people who must always be told. Each test is named after the behaviour it checks."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from project import ROOT, Project, at, kinds, policy_file
from pto_bot.app.apply import apply
from pto_bot.commands.parse import command_lines
from pto_bot.domain.accounts import Account
from pto_bot.domain.ledger import Decisions
from pto_bot.domain.markers import read_marker, strip_marker
from pto_bot.domain.request_form import PtoRequest
from pto_bot.errors import TrackerError
from pto_bot.plan.actions import Notify
from pto_bot.rules import coverage
from pto_bot.rules.counting import OutIndex

NOW = datetime(2026, 11, 20, tzinfo=UTC)

# alpha: harishsr (lead), dbass90, andsmith3 · beta: klang (lead), adamlauzon, magomez3
# gamma: a.conrad (lead), malmendarez, michwalker · manager: melroberts


def two_out_in_alpha(p: Project) -> tuple[int, int]:
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    first = p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    return first, second


# -- commands ----------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["/ptoday is a holiday", "@pto-bot's table is wrong", "/pto-bot"])
def test_a_word_that_only_starts_like_the_command_is_not_a_command(line: str) -> None:
    assert command_lines(line, Project().policy, "pto-bot") == []


def test_commands_on_closed_requests_get_a_reply() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.run("2026-11-20")
    p.edit(second, state="closed", closed_at="2026-11-21T10:00:00Z")
    p.comment(second, "klang", "/pto volunteer Northwind", when="2026-11-21T11:00")
    p.run("2026-11-21T12:00")
    (reply,) = p.notes(second, "reply")
    assert "@klang" in reply and "❌" in reply and "this request is closed" in reply
    p.run("2026-11-21T13:00")
    assert len(p.notes(second, "reply")) == 1  # read once


# -- the team's time zone ----------------------------------------------------------------------
def test_a_request_closed_on_sunday_evening_in_new_york_is_closed_before_a_monday_start() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")  # Monday to Friday
    p.run("2026-11-20")
    # Sunday 2026-12-06 21:30 in New York is Monday 02:30 UTC
    p.edit(req, state="closed", closed_at="2026-12-07T02:30:00Z")
    p.run("2026-12-07T03:00")
    assert "pto::cancelled" in p.labels(req)
    assert "Cancelled" in p.note(req, "coverage")


def test_deadlines_printed_in_issues_are_in_the_teams_time_zone() -> None:
    p = Project(chat=True)  # a team-channel webhook is set up
    _, second = two_out_in_alpha(p)
    plan, _ = p.run("2026-11-20T14:00")  # 09:00 in New York
    fallback = p.fallback_of(second)
    assert fallback is not None
    # 48 h of working time from Friday 09:00, New York time: the weekend does not count
    assert "Tue 2026-11-24 09:00 EST" in fallback["description"]
    assert "UTC" not in fallback["description"]
    (notice,) = [a for a in plan.actions if isinstance(a, Notify) and a.key == f"fallback:{second}"]
    assert "before Tue 2026-11-24 09:00 EST" in notice.text


# -- the buddy program's capacity --------------------------------------------------------------
def test_the_buddy_program_covers_the_whole_book_whatever_its_size() -> None:
    p = Project(policy=policy_file("tam-buddy.yaml"))
    tam, buddy = p.policy.pods["buddy-1"].members
    for n in range(10):
        p.playbook(f"Account {n:02}", tam, "normal", "global-support")
    req = p.request(tam, "2026-12-07", "2026-12-11")
    plan, _ = p.run("2026-11-20")
    ev = plan.evaluation.get(req)
    assert ev is not None
    assert [c.backup for c in ev.covers] == [buddy] * 10
    assert p.fallback_of(req) is None
    assert "pto::covered" in p.labels(req)


# -- when a request is held for approval -------------------------------------------------------
@pytest.mark.parametrize("name", ["classic.yaml", "tam-buddy.yaml"])
def test_the_classic_workflow_and_the_buddy_program_never_hold_a_request(name: str) -> None:
    policy = policy_file(name)
    assert policy.thresholds.approval is None
    p = Project(policy=policy)
    people = list(policy.engineers)[:4]
    iids = [
        p.request(
            who,
            "2026-12-07",
            "2026-12-11",
            created=f"2026-11-0{i + 1}",
            backups=f"@{people[(i + 1) % 4]}",
        )
        for i, who in enumerate(people)
    ]
    p.run("2026-11-20")
    last = p.labels(iids[-1])
    assert "pto::needs-approval" not in last and "out::4" in last
    assert p.notes(iids[-1], "approval") == []


def test_the_pod_pilots_policy_holds_a_request_at_three_out() -> None:
    assert policy_file().thresholds.approval == 3


def three_out(p: Project) -> int:
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.playbook("Initech", "harishsr", "high", "global-support")
    p.playbook("Globex", "harishsr", "normal", "global-support")
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-02")
    return p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-03")


# -- approval after an edit --------------------------------------------------------------------
def test_approval_after_an_edit_is_asked_again_in_a_new_note() -> None:
    p = Project(chat=True)  # a team-channel webhook is set up
    req = three_out(p)
    p.run("2026-11-20")
    p.comment(req, "melroberts", "/pto approve", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "pto::covered" in p.labels(req)
    p.edit(req, description=p.raw(req)["description"].replace("2026-12-11", "2026-12-14"))
    plan, _ = p.run("2026-11-21")
    assert "pto::needs-approval" in p.labels(req)
    asked = p.notes(req, "approval")
    assert len(asked) == 2 and all("@melroberts" in note for note in asked)
    assert "2026-12-14" in asked[1]
    notices = [a.key for a in plan.actions if isinstance(a, Notify)]
    assert notices == [f"approval:{req}"]  # the team channel hears of it again too
    assert p.plan("2026-11-21T13:00").actions == ()


def test_people_are_who_the_roster_says_whatever_the_case_gitlab_spells_them_in() -> None:
    p = Project()
    req = three_out(p)
    p.run("2026-11-20")
    p.comment(req, "MelRoberts", "/pto approve", when="2026-11-20T15:00")  # GitLab's spelling
    p.run("2026-11-20T16:00")
    assert "pto::covered" in p.labels(req)
    p = Project()
    _, second = two_out_in_alpha(p)
    p.run("2026-11-20T17:00")
    fb = p.fallback_of(second)
    assert fb is not None
    p.comment(fb["iid"], "MichWalker", "/pto volunteer Northwind", when="2026-11-20T18:00")
    p.run("2026-11-20T19:00")
    (reply,) = p.notes(fb["iid"], "reply")
    assert "you now cover" in reply and "not on the team roster" not in reply


# -- who may open and close a request -------------------------------------------------------------
@pytest.mark.parametrize(
    ("author", "kind", "counts"),
    [
        ("harishsr", "planned", True),  # the engineer
        ("melroberts", "planned", True),  # the manager
        ("dbass90", "emergency", True),  # someone in the engineer's pod, for an emergency
        ("dbass90", "planned", False),  # ... not for planned PTO: the engineer books that
        ("klang", "emergency", False),  # someone of another pod
        ("guest-user", "emergency", False),  # anyone who can open an issue
    ],
)
def test_a_request_counts_only_when_opened_by_who_may_open_it(
    author: str, kind: str, counts: bool
) -> None:
    p = Project()
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    req = p.request("harishsr", "2026-12-07", "2026-12-08", kind=kind, author=author)
    plan, _ = p.run("2026-12-07T14:00")
    ev = plan.evaluation.get(req)
    assert ev is not None and ev.counted is counts
    if counts:
        assert "pto::needs-info" not in p.labels(req)
        return
    assert p.labels(req) == ["pto", "pto::needs-info"]
    note = p.note(req, "needs-info")
    assert "only when opened by `harishsr`, the manager `melroberts`, or (for emergency" in note
    assert p.notes(req, "coverage") == [] and plan.away is not None
    assert plan.away.absences == ()  # nobody is told harishsr is out


@pytest.mark.parametrize(
    ("closer", "cancels"),
    [
        ("adamlauzon", True),  # the engineer
        ("klang", True),  # their pod lead
        ("melroberts", True),  # the manager
        ("magomez3", False),  # someone else in the pod
        ("guest-user", False),  # anyone who can close an issue
    ],
)
def test_closing_a_request_cancels_it_only_for_the_engineer_their_pod_lead_or_the_manager(
    closer: str, cancels: bool
) -> None:
    p = Project()
    p.playbook("Acme Corp", "adamlauzon", "high", "auto-assigned")  # beta: klang leads
    req = p.request("adamlauzon", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    backup = read_marker(p.note(req, "coverage"))["assign"]["Acme Corp"]  # type: ignore[index]
    p.edit(req, state="closed", closed_at="2026-11-21T10:00:00Z", closed_by={"username": closer})
    p.run("2026-11-21")
    if cancels:
        assert p.raw(req)["state"] == "closed" and "pto::cancelled" in p.labels(req)
        assert f"@{backup}" in p.note(req, "released")
        return
    assert p.raw(req)["state"] == "opened"  # reopened: the backups still cover
    note = p.note(req, "reopened")
    assert f"`{closer}` closed it" in note
    assert "only `adamlauzon`, their pod lead `klang` or the manager `melroberts`" in note
    assert p.notes(req, "released") == [] and "pto::cancelled" not in p.labels(req)
    p.run("2026-11-21T15:00")
    assert len(p.notes(req, "reopened")) == 1


# -- asking the manager ------------------------------------------------------------------------
def test_the_manager_is_asked_once_per_decision_with_what_they_need_to_decide() -> None:
    p = Project()
    req = three_out(p)
    p.run("2026-11-20")
    mentions = [note for note in p.notes(req) if "@melroberts" in note]
    assert len(mentions) == 1
    asked = p.note(req, "approval")
    # what coverage the request would get if approved: the accounts and their backups
    assert "| Acme Corp |" in asked and "| Initech |" in asked
    assert "`dbass90`" in asked or "`andsmith3`" in asked
    assert "Globex" in asked  # left to Global Support


def test_an_emergency_that_makes_three_out_mentions_the_manager_once() -> None:
    p = Project()
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-02")
    sick = p.request(
        "harishsr", "2026-12-07", "2026-12-08", kind="emergency", created="2026-12-07T13:00"
    )
    p.run("2026-12-07T14:00")
    p.run("2026-12-07T15:00")
    coverage = p.coverage_of(sick)
    assert coverage is not None  # harishsr is out: the manager is told there, once
    everywhere = [*p.notes(sick), *p.notes(coverage["iid"])]
    mentions = [note for note in everywhere if "@melroberts" in strip_marker(note)]
    assert len(mentions) == 1 and "for your information" in mentions[0]


# -- the queue ---------------------------------------------------------------------------------
def test_an_older_request_fixed_later_joins_the_queue_when_it_was_fixed() -> None:
    p = Project()
    p.playbook("Soylent", "a.conrad", "high", "auto-assigned")
    broken = p.raw_request(
        "- **Start:** 12/07/2026\n- **End:** 2026-12-11", "harishsr", "2026-11-01"
    )
    first = p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-05")
    second = p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-06")
    p.run("2026-11-10")
    assert "pto::needs-info" in p.labels(broken)
    assert {"out::2", "pto::covered"} <= set(p.labels(second))
    announced = p.note(second, "coverage")
    # three weeks later the old request is fixed: it comes after the two already judged
    p.edit(
        broken,
        description="- **Start:** 2026-12-07\n- **End:** 2026-12-11",
        updated_at="2026-11-20T13:00:00Z",
    )
    p.run("2026-11-20")
    assert {"out::2", "pto::covered"} <= set(p.labels(second))  # not taken back
    assert p.note(second, "coverage") == announced
    assert "pto::needs-approval" in p.labels(broken) and "out::3+" in p.labels(broken)
    assert "out::1" in p.labels(first)
    p.run("2026-11-27")  # and it stays so on later runs
    assert "pto::needs-approval" in p.labels(broken) and "pto::covered" in p.labels(second)


def test_a_request_waiting_for_valid_backups_keeps_its_place_while_the_bot_writes() -> None:
    # harishsr's dates are fine but his backup is out: needs-info from the first run. The bot's
    # own notes move his issue's updated_at; his place in the queue must not move with it.
    p = Project(policy=policy_file("classic.yaml"))
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    p.playbook("Initech", "dbass90", "high", "global-support")
    waiting = p.request(
        "harishsr", "2026-12-14", "2026-12-18", created="2026-11-03", backups="@dbass90 Acme Corp"
    )
    valid = p.request(
        "dbass90", "2026-12-14", "2026-12-18", created="2026-11-05", backups="@jdoe-se Initech"
    )
    p.run("2026-11-20")
    assert "pto::needs-info" in p.labels(waiting)
    labels, notes = p.labels(valid), p.notes(valid)
    second, _ = p.run("2026-11-20T15:00")
    assert [a.describe() for a in second.actions] == []
    assert (p.labels(valid), p.notes(valid)) == (labels, notes)


def hand_picked(p: Project) -> int:
    """A classic request whose engineer named a backup for each of their two accounts."""
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    p.playbook("Initech", "harishsr", "high", "global-support")
    return p.request(
        "harishsr", "2026-12-14", "2026-12-18", backups="@dbass90 Acme Corp; @jdoe-se Initech"
    )


# -- assigning over hand-picked backups --------------------------------------------------------
def test_assign_replaces_a_hand_picked_backup() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    req = hand_picked(p)
    p.run("2026-11-20")
    p.comment(req, "melroberts", "/pto assign Acme Corp @rpatel-se", when="2026-11-20T15:00")
    plan, _ = p.run("2026-11-20T16:00")
    ev = plan.evaluation.get(req)
    assert ev is not None
    assert {c.account.name: (c.backup, c.how) for c in ev.covers} == {
        "Acme Corp": ("rpatel-se", "assigned"),
        "Initech": ("jdoe-se", "hand-picked"),
    }
    assert "`rpatel-se` (assigned)" in p.note(req, "coverage")
    assert "@rpatel-se" in p.notes(req, "reply")[0]


def test_assign_resolves_a_hand_picked_backup_who_is_out() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    p.request("klang", "2026-12-14", "2026-12-18", created="2026-10-01", backups="@dbass90")
    req = p.request("harishsr", "2026-12-14", "2026-12-18", backups="@klang Acme Corp")
    p.run("2026-11-20")
    assert "pto::needs-info" in p.labels(req)
    p.comment(req, "melroberts", "/pto assign Acme Corp @jdoe-se", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "✅" in p.notes(req, "reply")[0]
    assert "pto::covered" in p.labels(req) and "pto::needs-info" not in p.labels(req)
    assert "@jdoe-se (assigned)" in p.note(req, "coverage")  # first posted now: it tells them


def volunteered(p: Project) -> tuple[int, dict[str, Any]]:
    """Two out in alpha: the second request's fallback request opens at 14:00 and klang
    volunteers for its account; the request and its fallback request."""
    _, second = two_out_in_alpha(p)
    p.run("2026-11-20T14:00")
    fb = p.fallback_of(second)
    assert fb is not None
    p.comment(fb["iid"], "klang", "/pto volunteer Northwind", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    return second, fb


# -- the fallback window and its escalation ----------------------------------------------------
def test_a_reopened_fallback_request_gets_a_fresh_volunteer_window() -> None:
    p = Project(chat=True)  # a team-channel webhook is set up
    second, fb = volunteered(p)  # opened: volunteers until Tue 2026-11-24 09:00 EST
    assert p.raw(fb["iid"])["state"] == "closed"
    # after the first window has passed, klang gives the account back
    p.comment(fb["iid"], "klang", "/pto withdraw Northwind", when="2026-11-24T14:30")
    p.run("2026-11-24T15:00")
    assert p.raw(fb["iid"])["state"] == "opened"
    description = p.raw(fb["iid"])["description"]
    # 48 h of working time from the reopening: Thanksgiving (Thursday) does not count
    assert "**Fri 2026-11-27 10:00 EST**" in description
    assert p.notes(fb["iid"], "escalated") == []  # not escalated at once
    p.run("2026-11-27T14:59")
    assert p.notes(fb["iid"], "escalated") == []
    plan, _ = p.run("2026-11-27T15:00")
    assert "@melroberts" in p.note(fb["iid"], "escalated")
    assert [a.key for a in plan.actions if isinstance(a, Notify)] == [f"escalated:{second}"]


def test_escalation_is_decided_on_the_state_after_this_runs_commands() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.run("2026-11-20T14:00")
    fb = p.fallback_of(second)
    assert fb is not None
    # past the deadline, in the run that escalates, a volunteer takes the account
    p.comment(fb["iid"], "klang", "/pto volunteer Northwind", when="2026-11-22T14:30")
    p.run("2026-11-22T15:00")
    assert p.notes(fb["iid"], "escalated") == []
    assert p.raw(fb["iid"])["state"] == "closed"


# -- stale playbooks ---------------------------------------------------------------------------
def test_stale_playbooks_are_judged_by_what_people_did_and_only_covered_ones_are_listed() -> None:
    p = Project()
    touched = p.playbook("Acme Corp", "klang", "high", "auto-assigned", updated="2026-10-01")
    p.playbook("Fresh Co", "klang", "high", "global-support", updated="2026-11-25")
    p.playbook("Quiet Inc", "klang", "normal", "global-support", updated="2026-09-01")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    # the bot's own note bumps the playbook's updated_at; nobody touched its content
    p.comment(touched, "pto-bot", "an earlier note of the bot", when="2026-11-29")
    p.edit(touched, updated_at="2026-11-29T14:00:00Z")
    p.run("2026-11-30")
    note = p.note(req, "playbooks")
    assert "Acme Corp" in note and "last updated 2026-10-01" in note
    assert "Fresh Co" not in note
    assert "Quiet Inc" not in note  # Global Support handles it: not one the request covers


# -- public holidays ---------------------------------------------------------------------------
def test_public_holidays_are_not_working_days_for_counting() -> None:
    p = Project()
    p.playbook("Soylent", "a.conrad", "high", "auto-assigned")
    p.request("klang", "2026-12-24", "2026-12-25", created="2026-11-01")
    p.request("harishsr", "2026-12-24", "2026-12-25", created="2026-11-02")
    req = p.request("a.conrad", "2026-12-25", "2026-12-28", created="2026-11-03")
    plan, _ = p.run("2026-11-20")
    ev = plan.evaluation.get(req)
    assert ev is not None
    # Christmas (Fri 2026-12-25) is a US public holiday: nobody is "out" that day
    assert dict(ev.daily) == {date(2026, 12, 28): 1}
    assert {"out::1", "pto::covered"} <= set(p.labels(req))
    note = p.note(req, "coverage")
    assert (
        "Public holidays in this period (not counted as days out): "
        "holiday 2026-12-25 Christmas Day for `a.conrad`" in note
    )


def test_public_holidays_are_not_working_days_for_capacity() -> None:
    policy = Project().policy
    backups = coverage.Backups(policy, OutIndex())
    accounts = [Account(f"K{n}", n, "klang", "high", "global-support", NOW, "") for n in range(4)]

    def out(engineer: str, start: str, end: str) -> PtoRequest:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        return PtoRequest(engineer, first, last, "planned", (), "")

    def cover(r: PtoRequest) -> list[str | None]:
        days = backups.days(r)
        rest = [(a, days) for a in accounts]
        covers = coverage.assign_from_pod(r, rest, ["magomez3"], days, Decisions(), backups)
        return [c.backup for c in covers]

    # magomez3 carries 8 h while klang is out until Christmas ...
    assert all(cover(out("klang", "2026-12-21", "2026-12-25")))
    # ... and adamlauzon is out from Christmas: their requests share no working day (2026-12-25
    # is a public holiday in the US and in Canada), so magomez3 has room for all of it again
    assert cover(out("adamlauzon", "2026-12-25", "2026-12-31")) == ["magomez3"] * 4


# -- a backup who is no longer available -------------------------------------------------------
def test_a_pod_backup_who_books_pto_is_replaced_and_everyone_concerned_is_told() -> None:
    p = Project()
    p.playbook("A1", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    first = read_marker(p.note(req, "coverage"))["assign"]["A1"]  # type: ignore[index]
    other = ({"adamlauzon", "magomez3"} - {first}).pop()
    p.request(first, "2026-12-10", "2026-12-11", created="2026-11-21")
    p.run("2026-11-21")
    (news,) = p.notes(req, "backups")
    assert "@klang" in news and f"@{first}" in news and f"@{other}" in news
    assert (
        f"A1: `{other}` covers it now (was `{first}`, who is out Thu 2026-12-10 – Fri 2026-12-11)"
        in strip_marker(news)
    )
    p.run("2026-11-22")
    assert len(p.notes(req, "backups")) == 1  # told once


def test_a_backup_off_only_on_a_day_nobody_works_still_covers_and_nobody_is_told_otherwise() -> (
    None
):
    p = Project()
    p.playbook("A1", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-12")  # Monday to Saturday
    p.run("2026-11-20")
    backup = read_marker(p.note(req, "coverage"))["assign"]["A1"]  # type: ignore[index]
    p.request(backup, "2026-12-12", "2026-12-12", created="2026-11-21")  # that Saturday only
    p.run("2026-11-21")
    assert read_marker(p.note(req, "coverage"))["assign"] == {"A1": backup}  # type: ignore[index]
    assert p.notes(req, "backups") == []  # nobody is told the backup no longer covers


def test_a_hand_picked_backup_who_is_now_out_is_told_and_so_is_the_engineer() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    req = p.request("harishsr", "2026-12-14", "2026-12-18", backups="@dbass90 Acme Corp")
    p.run("2026-11-20")
    assert "pto::covered" in p.labels(req)
    p.request("dbass90", "2026-12-14", "2026-12-18", created="2026-11-21", backups="@klang")
    p.run("2026-11-21")
    assert "pto::needs-info" in p.labels(req)
    (news,) = p.notes(req, "backups")
    assert "@harishsr" in news and "@dbass90" in news
    assert (
        "Acme Corp: no backup now (was `dbass90`, who is out Mon 2026-12-14 – Fri 2026-12-18)"
        in strip_marker(news)
    )
    assert "Backups field" in news
    assert "Covered" not in p.note(req, "coverage")  # the coverage note no longer says so


def test_a_hand_picked_backup_now_out_for_a_day_keeps_the_others_and_volunteers_are_asked() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    req = p.request("harishsr", "2026-12-14", "2026-12-18", backups="@dbass90 Acme Corp")
    p.run("2026-11-20")
    p.request("dbass90", "2026-12-16", "2026-12-16", created="2026-11-21", backups="@klang")
    p.run("2026-11-21")
    assert "pto::needs-coverage" in p.labels(req)  # nothing to fix in the Backups field
    fallback = p.fallback_of(req)
    assert fallback is not None and "| Wed 2026-12-16 | **open** |" in fallback["description"]
    (news,) = p.notes(req, "backups")
    assert "@harishsr" in news and "@dbass90" in news
    assert (
        "Acme Corp: `dbass90` (Mon 2026-12-14 – Tue 2026-12-15, Thu 2026-12-17 – Fri 2026-12-18)"
        " covers it now (was `dbass90`); nobody on Wed 2026-12-16: volunteers are asked in "
        f"#{fallback['iid']}"
    ) in strip_marker(news)


def test_when_the_buddy_is_out_too_both_are_told_and_volunteers_asked() -> None:
    p = Project(policy=policy_file("tam-buddy.yaml"))
    tam, buddy = p.policy.pods["buddy-1"].members
    p.playbook("Acme Corp", tam, "normal", "global-support")
    req = p.request(tam, "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    p.request(buddy, "2026-12-07", "2026-12-08", created="2026-11-21")
    p.run("2026-11-21")
    fallback = p.fallback_of(req)
    assert fallback is not None
    (news,) = p.notes(req, "backups")
    assert f"@{tam}" in news and f"@{buddy}" in news
    assert f"volunteers are asked in #{fallback['iid']}" in news


# -- notes that carry dates --------------------------------------------------------------------
def test_edited_dates_are_edited_into_the_checklist_and_playbook_notes() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned", updated="2026-10-01")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-30")
    assert "2026-12-07" in p.note(req, "checklist") and "2026-12-07" in p.note(req, "playbooks")
    p.edit(
        req,
        description=p.raw(req)["description"]
        .replace("2026-12-07", "2026-12-14")
        .replace("2026-12-11", "2026-12-18"),
    )
    plan, _ = p.run("2026-12-01")  # not the week before the new dates yet
    checklist, playbooks = p.note(req, "checklist"), p.note(req, "playbooks")
    assert "2026-12-14" in checklist and "2026-12-07" not in checklist
    assert "| Acme Corp |" in checklist and "2026-12-14 – 2026-12-18" in checklist  # the table
    assert "2026-12-14" in playbooks and "2026-12-07" not in playbooks
    assert "post" not in kinds(plan.actions)  # edited in place


# -- the team channel --------------------------------------------------------------------------
def two_out(p: Project) -> int:
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    return p.request("harishsr", "2026-12-09", "2026-12-10", created="2026-11-02")


def test_without_a_chat_webhook_the_engineer_is_asked_to_post_it() -> None:
    p = Project()
    second = two_out(p)
    plan, _ = p.run("2026-11-20")
    note = strip_marker(p.note(second, "coverage"))
    assert "is posted in" not in note
    assert "please post this request in `#support_assigned-support-eng`" in note
    assert [a for a in plan.actions if isinstance(a, Notify)] == []


def test_with_a_chat_webhook_the_note_says_posted_only_when_it_was() -> None:
    p = Project()
    second = two_out(p)
    sent: list[str] = []

    def down(text: str) -> None:
        raise TrackerError("Slack webhook: message not posted: HTTP 503, twice")

    plan = p.plan("2026-11-20", chat=True)
    apply(p.tracker(at("2026-11-20")), plan.actions, notifier=down)
    note = strip_marker(p.note(second, "coverage"))
    assert "is posted in" not in note and "could not be posted" in note
    # the next run tries again, and then the note says so
    plan = p.plan("2026-11-20T15:00", chat=True)
    apply(p.tracker(at("2026-11-20T15:00")), plan.actions, notifier=sent.append)
    assert len(sent) == 1
    assert "this request is posted in `#support_assigned-support-eng`" in strip_marker(
        p.note(second, "coverage")
    )
    assert p.plan("2026-11-20T16:00", chat=True).actions == ()


def test_check_also_asks_the_engineer_to_post_it_without_a_chat_webhook(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from pto_bot.cli import main

    p = Project()
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    path = tmp_path / "project.json"
    path.write_text(json.dumps(p.data))
    out = io.StringIO()
    args = ["check", "--engineer", "harishsr", "--start", "2026-12-09", "--end", "2026-12-10"]
    main(
        [
            *args,
            "--offline",
            str(path),
            "--now",
            "2026-11-20T14:00Z",
            "--policy",
            str(ROOT / "policy.yaml"),
        ],
        out=out,
    )
    assert "Visibility: post it in #support_assigned-support-eng yourself" in out.getvalue()
    assert "posted in" not in out.getvalue()


# -- text people paste and copy ----------------------------------------------------------------
def test_text_a_person_is_told_to_copy_works_when_pasted() -> None:
    p = Project()
    bad = p.raw_request("- **Start:** 2026-12-07\n- **Type:** holiday\n", "klang", "2026-11-05")
    pb = p.playbook("Mystery", "klang", None, None)
    p.run("2026-11-20")
    note = strip_marker(p.note(bad, "needs-info"))
    assert "add the line `- **End:** YYYY-MM-DD`" in note  # as typed in the template
    assert "'holiday' is not a request type" in note  # what they typed, shown, made inert
    assert "\u200b" not in note.split("'holiday'")[0] and "\\*" not in note
    labels = strip_marker(p.note(pb, "playbook"))
    assert '`~"priority::high"`' in labels and '`~"coverage::auto-assigned"`' in labels
    assert "\u200b" not in labels and "\\" not in labels


def test_the_parser_tolerates_zero_width_characters_people_paste() -> None:
    p = Project()
    pasted = (
        "- **Start:\u200b** 2026\u200b-12-07\n- **End:**\u200b 2026-12-11\ufeff\n"
        "- **Type:** planned\u2060"
    )
    req = p.raw_request(pasted, "klang", "2026-11-05")
    plan = p.plan("2026-11-20")
    ev = plan.evaluation.get(req)
    assert ev is not None and ev.filed.form is not None
    assert (ev.request.start, ev.request.end) == (date(2026, 12, 7), date(2026, 12, 11))


def test_what_people_typed_still_passes_the_one_escaping_function() -> None:
    p = Project()
    bad = p.raw_request("- **Start:** @all /close <b>x</b>\n- **End:** 2026-12-11", "klang")
    p.run("2026-11-20")
    note = p.note(bad, "needs-info")
    assert "@all" not in note and "<b>" not in note
    assert not any(line.startswith("/") for line in note.splitlines())


def test_checklists_read_as_the_policy_wrote_them_and_stay_inert() -> None:
    from pto_bot.domain.policy_file import parse_policy

    data = policy_file("tam-buddy.yaml").model_dump(by_alias=True)
    data["checklists"]["before"] += [
        "Read the [handbook](https://handbook.example.com/pto) *before* you go.",
        "Wrap up.\n/close",
        "/label ~urgent",
        "Ask @all for help, or mail pto@example.com <b>now</b>.",
    ]
    p = Project(policy=parse_policy(data))
    tam, _ = p.policy.pods["buddy-1"].members
    p.playbook("Acme Corp", tam, "normal", "global-support")
    req = p.request(tam, "2026-12-07", "2026-12-11")
    p.run("2026-11-30")
    note = strip_marker(p.note(req, "checklist"))
    for written in (
        "Cadence calls during your PTO: cancel or reschedule them; if one cannot move, prep in"
        " advance whoever will lead it.",
        "Tell your account teams (SAL/AE, SA) the dates you will be out.",
        "Read the [handbook](https://handbook.example.com/pto) *before* you go.",
    ):
        assert f"- [ ] {written}\n" in note
    assert not any(ch in note for ch in "\u200b\u2060\ufeff")
    assert not any(line.lstrip().startswith("/") for line in note.splitlines())
    assert "@all" not in note.replace("`@all`", "") and "<b>" not in note
    assert "pto@example.com" in note


# -- what notes never say, and who is released -------------------------------------------------
def test_no_coverage_note_on_a_request_that_ended_before_the_bot_first_saw_it() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-11-09", "2026-11-13", created="2026-11-16")  # entered after
    p.run("2026-11-20")
    assert p.notes(req) == []
    # seen first on the day they are back: only the welcome back
    q = Project()
    q.playbook("Acme Corp", "klang", "high", "auto-assigned")
    back = q.request("klang", "2026-11-09", "2026-11-13", created="2026-11-02")
    q.run("2026-11-16")
    assert [(read_marker(n) or {}).get("t") for n in q.notes(back)] == ["returned"]


def test_the_return_checklist_does_not_say_meet_your_backups_to_someone_who_had_none() -> None:
    p = Project()
    alone = p.request("magomez3", "2026-11-09", "2026-11-13", created="2026-11-01")  # no accounts
    p.run("2026-11-10")
    p.run("2026-11-16")
    note = p.note(alone, "returned")
    assert "welcome back" in note and "backups" not in note.lower()
    q = Project()
    q.playbook("Acme Corp", "klang", "high", "auto-assigned")
    covered = q.request("klang", "2026-11-09", "2026-11-13", created="2026-11-01")
    q.run("2026-11-10")
    q.run("2026-11-16")
    assert "Meet your backups" in q.note(covered, "returned")


def test_a_holiday_is_shown_once_per_note() -> None:
    p = Project()
    for name in ("S1", "S2", "S3"):
        p.playbook(name, "a.conrad", "high", "global-support")  # gamma: all in the US
    req = p.request("a.conrad", "2026-11-25", "2026-11-27")
    p.run("2026-11-20")
    note = p.note(req, "coverage")
    assert note.count("Thanksgiving") == 1
    assert (
        "holiday 2026-11-26 Thanksgiving Day for `a.conrad` and backups `malmendarez`, `michwalker`"
        in note
    )


def test_an_uncovered_account_says_it_needs_a_backup_never_none() -> None:
    from pto_bot.render.wording import coverage_note

    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    ev = p.plan("2026-11-20").evaluation.get(req)
    assert ev is not None and ev.uncovered
    text = coverage_note(ev, p.policy, None)
    assert "None" not in text and "needs a backup" in text


def test_cancelling_a_classic_request_tells_its_hand_picked_backups_they_are_free() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    req = hand_picked(p)
    p.run("2026-11-20")
    p.edit(req, state="closed", closed_at="2026-11-25T10:00:00Z")
    p.run("2026-11-25T12:00")
    released = p.note(req, "released")
    assert "@dbass90" in released and "@jdoe-se" in released
    assert "you are released" in released
    assert [a.describe() for a in p.plan("2026-11-25T13:00").actions] == []


def test_a_replaced_backup_is_not_released_twice_and_the_one_assigned_is_released() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    req = hand_picked(p)
    p.run("2026-11-20")
    p.comment(req, "melroberts", "/pto assign Acme Corp @rpatel-se", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "@dbass90" in p.note(req, "backups")  # told then that they no longer cover
    p.edit(req, labels=[*p.labels(req), "pto::cancelled"])
    p.run("2026-11-25T12:00")
    released = p.note(req, "released")
    assert "@rpatel-se" in released and "@jdoe-se" in released
    assert "dbass90" not in released


def test_fallback_volunteers_and_buddies_are_still_released_once() -> None:
    p = Project()
    second, _ = volunteered(p)
    p.edit(second, labels=[*p.labels(second), "pto::cancelled"])
    p.run("2026-11-21")
    assert "@klang" in p.note(second, "released")
    q = Project(policy=policy_file("tam-buddy.yaml"))
    tam, buddy = q.policy.pods["buddy-1"].members
    q.playbook("Acme Corp", tam, "normal", "global-support")
    req = q.request(tam, "2026-12-07", "2026-12-11")
    q.run("2026-11-20")
    q.edit(req, state="closed", closed_at="2026-11-21T10:00:00Z")
    q.run("2026-11-21T12:00")
    assert f"@{buddy}" in q.note(req, "released")
    assert q.plan("2026-11-21T13:00").actions == ()


def test_the_escalation_message_is_sent_with_its_note_or_not_at_all() -> None:
    p = Project(chat=True)
    _, req = two_out_in_alpha(p)
    p.run("2026-12-01T08:00")
    fallback = p.fallback_of(req)
    assert fallback is not None
    sent = len(p.messages)
    for when in ("2026-12-03T08:00", "2026-12-03T09:00"):  # past the deadline; GitLab fails
        tracker = p.tracker(at(when))
        post = tracker.post_note

        def failing(iid: int, body: str, post: Any = post, internal: bool = False) -> int:
            if iid == fallback["iid"]:
                raise TrackerError("HTTP 500", iid)
            return int(post(iid, body, internal=internal))

        tracker.post_note = failing  # type: ignore[method-assign]
        apply(tracker, p.plan(when).actions, notifier=p.messages.append)
    assert not [m for m in p.messages[sent:] if "passed its deadline" in m]
    p.run("2026-12-03T10:00")  # GitLab is back: the note and the message, once
    assert len([m for m in p.messages[sent:] if "passed its deadline" in m]) == 1
    assert len(p.notes(fallback["iid"], "escalated")) == 1
