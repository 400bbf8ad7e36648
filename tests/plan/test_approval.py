"""A request held for approval always has someone to decide it: the manager is reminded in the
approval thread once each working day after the first (at most three times, never while out),
and the policy's deputy decides while the manager is out or after two working days of silence —
otherwise the deputy's command is refused, saying why."""

from __future__ import annotations

from typing import Any

from project import Project, policy_with
from pto_bot.domain.markers import read_marker
from pto_bot.domain.policy import Policy
from pto_bot.plan.actions import Reply

MANAGER, DEPUTY = "melroberts", "klang"


def with_deputy(deputy: str | None = DEPUTY, **approval: object) -> Policy:
    return policy_with("approval", deputy=deputy, **approval)


def three_out(p: Project, start: str = "2026-12-07", end: str = "2026-12-11") -> int:
    """a.conrad and adamlauzon out, then harishsr: a third out waits for the manager."""
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.request("a.conrad", start, end, created="2026-11-01")
    p.request("adamlauzon", start, end, created="2026-11-02")
    return p.request("harishsr", start, end, created="2026-11-03")


def raw_notes(p: Project, iid: int, topic: str) -> list[dict[str, Any]]:
    return [
        n
        for n in p.data["notes"].get(str(iid), [])
        if (read_marker(n["body"]) or {}).get("t") == topic
    ]


def thread(p: Project, iid: int, note_id: int) -> str:
    note = next(n for n in p.data["notes"][str(iid)] if n["id"] == note_id)
    return str(note.get("discussion_id") or f"d{note_id}")


# -- reminders -------------------------------------------------------------------------------------
def test_the_manager_is_reminded_each_working_day_after_the_first_three_times_at_most() -> None:
    p = Project()
    req = three_out(p)
    p.run("2026-11-20T14:00")  # Friday 09:00 in New York: the manager is asked
    (asked,) = raw_notes(p, req, "approval")
    reminded: list[str] = []
    for moment, expected in [
        ("2026-11-21T14:00", 0),  # Saturday: no working day
        ("2026-11-23T13:59", 0),  # Monday, before the clock time the manager was asked
        ("2026-11-23T14:00", 1),  # the first working day after the first
        ("2026-11-23T20:00", 1),  # never two on one day
        ("2026-11-24T14:00", 2),
        ("2026-11-25T14:00", 3),
        ("2026-11-27T14:00", 3),  # at most three
        ("2026-11-30T14:00", 3),
    ]:
        p.run(moment)
        reminded = [n["body"] for n in raw_notes(p, req, "approval-reminder")]
        assert len(reminded) == expected, moment
    assert "@melroberts a reminder (1 of at most 3)" in reminded[0]
    assert "asked on Fri 2026-11-20 09:00 EST" in reminded[0]
    assert "`/pto approve` or `/pto deny <reason>`" in reminded[0]
    # each in the approval note's thread
    for note in raw_notes(p, req, "approval-reminder"):
        assert thread(p, req, note["id"]) == thread(p, req, asked["id"])
    assert p.plan("2026-11-30T15:00").actions == ()


def test_a_reminder_skips_the_teams_public_holiday() -> None:
    p = Project()
    req = three_out(p)
    p.run("2026-11-25T15:00")  # Wednesday: asked
    p.run("2026-11-26T15:00")  # Thanksgiving
    assert raw_notes(p, req, "approval-reminder") == []
    p.run("2026-11-27T15:00")  # Friday: the first working day after
    assert len(raw_notes(p, req, "approval-reminder")) == 1


def test_no_reminder_once_the_manager_decided_or_when_none_are_wanted() -> None:
    p = Project()
    req = three_out(p)
    p.run("2026-11-20T14:00")
    p.comment(req, MANAGER, "/pto approve", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    p.run("2026-11-23T14:00")
    assert raw_notes(p, req, "approval-reminder") == []
    quiet = Project(policy=with_deputy(None, reminders=0))
    other = three_out(quiet)
    quiet.run("2026-11-20T14:00")
    quiet.run("2026-11-23T14:00")
    assert raw_notes(quiet, other, "approval-reminder") == []


# -- the deputy ------------------------------------------------------------------------------------
def manager_out(p: Project, start: str, end: str) -> int:
    """The manager's own PTO request: read for its dates, never written to."""
    return p.request(MANAGER, start, end, created="2026-11-01")


def test_with_the_manager_on_pto_the_deputy_is_asked_and_approves() -> None:
    p = Project(policy=with_deputy())
    own = manager_out(p, "2026-11-23", "2026-11-27")
    req = three_out(p)
    p.run("2026-11-23T15:00")
    asked = p.note(req, "approval")
    assert asked.startswith(
        "@klang your decision is needed in place of `melroberts`, who is out until "
        "Fri 2026-11-27: with `harishsr`'s PTO"
    )
    assert "@melroberts" not in asked  # nothing reaches the manager while out
    assert (
        "`melroberts` (or the deputy `klang`, while the manager is out or silent) decides"
        in p.note(req, "coverage")
    )
    assert p.notes(own) == [] and p.labels(own) == ["pto"]  # the manager's own: left alone
    # the manager out: no reminder, and the deputy was asked in the note itself
    p.run("2026-11-24T15:00")
    assert p.notes(req, "approval-reminder") == p.notes(req, "approval-deputy") == []

    p.comment(req, DEPUTY, "/pto approve", when="2026-11-24T16:00")
    p.run("2026-11-24T17:00")

    (reply,) = p.notes(req, "reply")[-1:]
    assert "approved for 2026-12-07 – 2026-12-11 (by `klang`, deputy of `melroberts`)" in reply
    assert "pto::needs-approval" not in p.labels(req)
    assert "pto::covered" in p.labels(req)


def test_the_deputy_is_refused_while_the_manager_is_in_and_asked_after_two_working_days() -> None:
    p = Project(policy=with_deputy())
    req = three_out(p)
    p.run("2026-11-20T14:00")  # Friday 09:00 in New York: the manager is asked
    assert "@melroberts your decision is needed" in p.note(req, "approval")
    p.comment(req, DEPUTY, "/pto deny not now", when="2026-11-23T15:00")
    p.run("2026-11-23T16:00")
    (refused,) = p.notes(req, "reply")[-1:]
    assert "❌" in refused
    assert (
        "`melroberts` is not out and was asked on Fri 2026-11-20 09:00 EST: the deputy decides "
        "while `melroberts` is out or once 2 working days passed without an answer, from "
        "Tue 2026-11-24 09:00 EST"
    ) in refused
    assert "pto::needs-approval" in p.labels(req)
    assert p.notes(req, "approval-deputy") == []

    p.run("2026-11-24T14:00")  # two working days of silence: the weekend does not count

    (deputy,) = raw_notes(p, req, "approval-deputy")
    assert deputy["body"].startswith(
        "@klang your decision is needed in place of `melroberts`, who has not answered for 2 "
        "working days (asked on Fri 2026-11-20 09:00 EST)"
    )
    (asked,) = raw_notes(p, req, "approval")
    assert thread(p, req, deputy["id"]) == thread(p, req, asked["id"])
    p.comment(req, DEPUTY, "/pto deny the team is too thin that week", when="2026-11-24T15:00")
    p.run("2026-11-24T16:00")
    assert "pto::denied" in p.labels(req)
    assert len(raw_notes(p, req, "approval-deputy")) == 1


def test_without_a_deputy_only_the_manager_decides() -> None:
    p = Project(policy=with_deputy(None))
    req = three_out(p)
    p.run("2026-11-20T14:00")
    p.comment(req, DEPUTY, "/pto approve", when="2026-11-25T15:00")
    p.run("2026-11-25T16:00")
    (refused,) = p.notes(req, "reply")[-1:]
    assert "only the manager (`melroberts`) can decide on approvals" in refused
    assert "deputy" not in refused
    assert p.notes(req, "approval-deputy") == []


def test_someone_else_is_told_who_may_decide() -> None:
    p = Project(policy=with_deputy())
    manager_out(p, "2026-11-23", "2026-11-27")
    req = three_out(p)
    p.run("2026-11-23T15:00")
    p.comment(req, "dbass90", "/pto approve", when="2026-11-23T16:00")
    plan, _ = p.run("2026-11-23T17:00")
    (refused,) = p.notes(req, "reply")[-1:]
    assert (
        "only the manager (`melroberts`) can decide on approvals, or the deputy (`klang`) while "
        "the manager is out or has not answered"
    ) in refused
    assert not [a for a in plan.actions if isinstance(a, Reply)]


def test_a_cancelled_manager_pto_does_not_hand_over() -> None:
    p = Project(policy=with_deputy())
    own = manager_out(p, "2026-11-23", "2026-11-27")
    p.edit(own, labels=["pto", "pto::cancelled"])
    req = three_out(p)
    p.run("2026-11-23T15:00")
    assert "@melroberts your decision is needed" in p.note(req, "approval")


def test_the_deputy_cannot_be_the_manager() -> None:
    try:
        with_deputy("MelRoberts")
    except ValueError as exc:
        assert "approval.deputy: 'MelRoberts' is the manager" in str(exc)
    else:
        raise AssertionError("a deputy who is the manager was accepted")
