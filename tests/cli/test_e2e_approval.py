"""A request held for approval against the fake GitLab: the manager's reminders are replies in
the approval note's thread (the Discussions API), and with the manager on PTO the deputy is
asked and decides, by the scheduled job and by the webhook job."""

from __future__ import annotations

from pathlib import Path

from fake_gitlab import PROJECT_ID
from gitlab_team import MANAGER, Team, note_hook
from pto_bot.domain.markers import read_marker, strip_marker

DEPUTY = "klang"


def three_out(team: Team) -> int:
    """a.conrad and adamlauzon out, then harishsr: the third waits for the manager."""
    team.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    team.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-01")
    team.request("adamlauzon", "2026-12-07", "2026-12-11", created="2026-11-02")
    return team.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-03")


def without_deputy(team: Team) -> None:
    policy = Path(team.policy)
    path = team.tmp / "no-deputy-policy.yaml"
    text = policy.read_text()
    assert f"\n  deputy: {DEPUTY} " in text  # the shipped policy names one
    path.write_text(text.replace(f"\n  deputy: {DEPUTY} ", "\n  deputy: null ", 1))
    team.policy = str(path)


def bot_note(team: Team, iid: int, topic: str) -> dict[str, object]:
    (note,) = [
        n
        for n in team.fake.notes[iid]
        if n["author"] == team.fake.bot and (read_marker(n["body"]) or {}).get("t") == topic
    ]
    return note


def test_the_manager_is_reminded_in_the_approval_thread_once_a_working_day(team: Team) -> None:
    without_deputy(team)
    req = three_out(team)
    team.reconcile("2026-11-20T14:00")  # Friday 09:00 in New York: the manager is asked
    asked = bot_note(team, req, "approval")
    thread = asked["discussion_id"]

    weekend = team.reconcile("2026-11-22T14:00")
    assert weekend.writes == []

    monday = team.reconcile("2026-11-23T14:00")

    assert monday.code == 0, monday.text
    # the approval note's thread is looked up, then the reminder is a reply in it
    assert monday.count("GET", f"/issues/{req}/discussions") == 1
    assert monday.writes == [
        ("POST", f"/projects/{PROJECT_ID}/issues/{req}/discussions/{thread}/notes")
    ]
    reminder = bot_note(team, req, "approval-reminder")
    assert reminder["discussion_id"] == thread
    assert strip_marker(str(reminder["body"])).startswith(
        f"@{MANAGER} a reminder (1 of at most 3): `harishsr`'s PTO"
    )
    assert "post note [approval-reminder] in the thread of note" in monday.text
    assert team.reconcile("2026-11-23T18:00").writes == []


def test_with_the_manager_on_pto_the_deputy_is_asked_and_approves_by_webhook(
    team: Team,
) -> None:
    own = team.request(MANAGER, "2026-11-23", "2026-11-27", created="2026-11-02")
    req = three_out(team)

    run = team.reconcile("2026-11-23T15:00")

    assert run.code == 0, run.text
    asked = strip_marker(team.note(req, "approval"))
    assert asked.startswith(
        f"@{DEPUTY} your decision is needed in place of `{MANAGER}`, who is out until "
        "Fri 2026-11-27"
    )
    assert f"@{MANAGER}" not in asked
    assert team.bot_notes(own) == [] and team.labels(own) == ["pto"]  # the manager's own
    assert {"pto::needs-approval", "out::3+"} <= set(team.labels(req))

    note_id = team.comment(req, DEPUTY, "Covered with the pod.\n/pto approve", "2026-11-23T16:00")
    event = team.event(note_hook(team, req, note_id, DEPUTY), now="2026-11-23T16:01")

    assert event.code == 0, event.text
    (reply,) = team.bot_notes(req, "reply")
    assert "approved for 2026-12-07 – 2026-12-11 (by `klang`, deputy of `melroberts`)" in reply
    assert "pto::covered" in team.labels(req)
    assert "pto::needs-approval" not in team.labels(req)
    assert team.reconcile("2026-11-24T15:00").writes == []
    assert team.bot_notes(req, "approval-reminder") == []  # nothing reaches the manager


def test_the_deputy_is_refused_while_the_manager_is_in(team: Team) -> None:
    req = three_out(team)
    team.reconcile("2026-11-23T15:00")  # Monday 10:00 in New York: the manager is asked

    note_id = team.comment(req, DEPUTY, "/pto approve", "2026-11-24T16:00")
    event = team.event(note_hook(team, req, note_id, DEPUTY), now="2026-11-24T16:01")

    assert event.code == 0, event.text
    (reply,) = team.bot_notes(req, "reply")
    assert "❌" in reply
    assert (
        "`melroberts` is not out and was asked on Mon 2026-11-23 10:00 EST: the deputy decides "
        "while `melroberts` is out or once 2 working days passed without an answer, from "
        "Wed 2026-11-25 10:00 EST"
    ) in reply
    assert "pto::needs-approval" in team.labels(req)
