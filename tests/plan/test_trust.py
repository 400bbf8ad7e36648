"""The defects found when the three seed processes were run for real: decisions that must never be
taken back, and people who must always be told. One test per point, named after it."""

from __future__ import annotations

import pytest

from project import Project, policy_file
from pto_bot.commands.parse import command_lines
from pto_bot.plan.actions import Notify

# alpha: harishsr (lead), dbass90, andsmith3 · beta: klang (lead), adamlauzon, magomez3
# gamma: a.conrad (lead), malmendarez, michwalker · manager: melroberts


def two_out_in_alpha(p: Project) -> tuple[int, int]:
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    first = p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    return first, second


# -- 14 ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["/ptoday is a holiday", "@pto-bot's table is wrong", "/pto-bot"])
def test_14_a_word_that_only_starts_like_the_command_is_not_a_command(line: str) -> None:
    assert command_lines(line, Project().policy, "pto-bot") == []


def test_14_commands_on_closed_requests_get_a_reply() -> None:
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


# -- 5 -----------------------------------------------------------------------------------------
def test_5_a_request_closed_on_sunday_evening_in_new_york_is_closed_before_a_monday_start() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")  # Monday to Friday
    p.run("2026-11-20")
    # Sunday 2026-12-06 21:30 in New York is Monday 02:30 UTC
    p.edit(req, state="closed", closed_at="2026-12-07T02:30:00Z")
    p.run("2026-12-07T03:00")
    assert "pto::cancelled" in p.labels(req)
    assert "Cancelled" in p.note(req, "coverage")


def test_5_deadlines_printed_in_issues_are_in_the_teams_time_zone() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    plan, _ = p.run("2026-11-20T14:00")  # 09:00 in New York
    fallback = p.fallback_of(second)
    assert fallback is not None
    assert "2026-11-22 09:00 EST" in fallback["description"]  # 48 h later, New York time
    assert "UTC" not in fallback["description"]
    (notice,) = [a for a in plan.actions if isinstance(a, Notify) and a.key == f"fallback:{second}"]
    assert "before 2026-11-22 09:00 EST" in notice.text


# -- 8 -----------------------------------------------------------------------------------------
def test_8_the_buddy_program_covers_the_whole_book_whatever_its_size() -> None:
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


# -- 9 -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["classic.yaml", "tam-buddy.yaml"])
def test_9_the_classic_workflow_and_the_buddy_program_never_hold_a_request(name: str) -> None:
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


def test_9_the_pod_pilot_holds_at_three() -> None:
    assert policy_file().thresholds.approval == 3
