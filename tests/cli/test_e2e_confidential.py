"""Confidential issues and internal notes end to end, on a fake GitLab that hides them as
GitLab does: what the bot reads, answers and pays for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from test_e2e_away import (
    ACME,
    answers,
    away,
    customer_issue,
    customer_note,
    customers_policy,
    playbook,
)

from fake_gitlab import GUEST
from gitlab_team import Team
from project import at
from pto_bot.app import reconcile as reconcile_app
from pto_bot.domain.markers import strip_marker

__all__ = ["away"]  # the fixture: klang out 2026-11-23 – 2026-11-27, Acme's project watched


def test_a_confidential_request_is_covered_like_any_other(team: Team) -> None:
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    team.fake.issues[req]["confidential"] = True

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    assert set(team.labels(req)) == {"pto", "out::1", "pto::covered"}
    assert "@adamlauzon (pod)" in strip_marker(team.note(req, "coverage"))
    assert team.reconcile("2026-11-20T15:00").writes == []


def test_an_internal_note_a_guest_cannot_read_costs_no_read_on_later_runs(
    team: Team, away: dict[str, Any]
) -> None:
    """GitLab counts internal notes in ``user_notes_count`` for everyone, yet lists them only
    to Planner/Reporter and up: a bot that is a Guest in a customer's project must not take
    the difference for new comments on every run."""
    team.fake.others[ACME].role = GUEST
    iid = customer_issue(team, ACME)
    team.fake.now = at("2026-11-23T15:50")
    team.fake.add_note(iid, "Renewal at risk", author="tam", project=ACME, internal=True)
    customer_note(team, ACME, iid, "@klang is the license renewed?", "2026-11-23T16:00")

    run = team.reconcile("2026-11-23T17:00")

    assert run.code == 0, run.text
    (answer,) = answers(team, iid, ACME)
    assert "Renewal at risk" not in answer
    team.reconcile("2026-11-23T18:00")  # reads again what it wrote to
    quiet = team.reconcile("2026-11-23T19:00")
    assert quiet.writes == [], quiet.writes
    assert len(quiet.calls) == 7 + 3  # the seven reads, one list per watched project


SECRET = "nephrolithotomy"


def _everything_outside(
    team: Team, inside: set[int], said: list[str], pages: Path
) -> dict[str, str]:
    """Every text the bot wrote or sent outside the issues ``inside``: the team project's
    other issues (titles, descriptions, notes), the customer's project, the team channel, the
    Pages files."""
    texts: dict[str, str] = {}
    for iid, issue in team.fake.issues.items():
        if iid in inside:
            continue
        texts[f"#{iid} title"] = issue["title"]
        texts[f"#{iid} description"] = issue["description"] or ""
        for n in team.fake.notes.get(iid, []):
            texts[f"#{iid} note {n['id']}"] = n["body"]
    acme = team.fake.others[ACME]
    for iid in acme.issues:
        for n in acme.notes.get(iid, []):
            texts[f"{ACME}#{iid} note {n['id']}"] = n["body"]
    for n, text in enumerate(said):
        texts[f"channel message {n}"] = text
    for path in sorted(pages.iterdir()):
        texts[path.name] = path.read_text(encoding="utf-8")
    return texts


def test_a_confidential_request_shows_outside_itself_only_who_is_out_when_and_who_covers(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Traced through every output: the dashboard, the playbook's note, the fallback request,
    the team channel, the answer in the customer's project, the Pages site and calendars."""
    team.policy, team.remember = customers_policy(team), True
    team.fake.add_project(ACME)
    said: list[str] = []
    monkeypatch.setattr(reconcile_app, "notifier_from_env", lambda env: said.append)
    playbook(team, "Acme Corp", ACME)
    team.request("adamlauzon", "2026-12-07", "2026-12-11", created="2026-11-01")
    team.request("magomez3", "2026-12-07", "2026-12-11", created="2026-11-02")
    req = team.request(
        "klang", "2026-12-08", "2026-12-10", "emergency", "2026-12-07", title=f"PTO: {SECRET}"
    )
    issue = team.fake.issues[req]
    issue["description"] = issue["description"].replace("enjoy", f"{SECRET} on Tuesday")
    team.comment(req, "klang", f"The {SECRET} is at 9", "2026-12-07T08:30")
    unread = team.raw_request(  # a confidential request that cannot be read: no problem leaks
        f"- **Engineer:** @klang\n- **Start:** {SECRET}\n- **End:** 2027-01-08\n"
        "- **Type:** planned\n",
        "klang",
        created="2026-12-07",
    )
    for iid in (req, unread):
        team.fake.issues[iid]["confidential"] = True

    first = team.reconcile("2026-12-07T09:00")
    assert first.code == 0, first.text
    fallback = team.fallback_of(req)
    assert fallback is not None, first.text
    assert team.fake.issues[fallback]["confidential"] is True
    ticket = customer_issue(team, ACME)
    customer_note(team, ACME, ticket, "@klang could you look at the upgrade?", "2026-12-08T10:00")
    assert team.reconcile("2026-12-08T11:00").code == 0
    pages = team.tmp / "public"
    report = team.run("report", "--out", str(pages), "--public-calendar", now="2026-12-08T11:05")
    assert report.code == 0, report.text

    texts = _everything_outside(team, {req, unread, fallback}, said, pages)
    leaks = {
        where: word
        for where, text in texts.items()
        for word in (SECRET, "emergency", "Emergency")
        if word in text
    }
    assert leaks == {}
    # ... while who is out, when, and who covers are there for the team to see
    (answer,) = answers(team, ticket, ACME)
    assert "klang" in answer and "magomez3" not in answer  # Acme's backup: adamlauzon is out too
    dashboard = next(
        t for w, t in texts.items() if w.endswith("description") and "PTO coverage" in t
    )
    assert f"| #{req} | `klang` | " in dashboard and f"#{unread}" not in dashboard
    assert any("klang" in t for w, t in texts.items() if w.startswith("channel"))
    assert "klang" in texts["pto-public.ics"] and "klang" in texts["index.html"]
    naming = re.compile(rf"#{unread}\b|\"iid\": {unread}\b")
    assert [where for where, text in texts.items() if naming.search(text)] == []
    # the fallback request, confidential itself, still says nothing of the request's type
    assert "emergency" not in team.fake.issues[fallback]["description"]
    # the job's log names no problem of the unreadable one
    assert SECRET not in first.text


def test_a_request_made_confidential_later_makes_its_fallback_request_confidential(
    team: Team,
) -> None:
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    team.request("adamlauzon", "2026-12-07", "2026-12-11", created="2026-11-01")
    team.request("magomez3", "2026-12-07", "2026-12-11", created="2026-11-02")
    req = team.request("klang", "2026-12-08", "2026-12-10", "emergency", "2026-11-19")
    assert team.reconcile("2026-11-20T14:00").code == 0
    fallback = team.fallback_of(req)
    assert fallback is not None and not team.fake.issues[fallback]["confidential"]
    assert "(emergency)" in team.fake.issues[fallback]["description"]

    team.edit(req, "2026-11-20T14:30", confidential=True)
    run = team.reconcile("2026-11-20T15:00")

    assert run.code == 0, run.text
    assert run.writes == [("PUT", f"/projects/42/issues/{fallback}")]
    assert team.fake.issues[fallback]["confidential"] is True
    assert "emergency" not in team.fake.issues[fallback]["description"]
    assert team.reconcile("2026-11-20T16:00").writes == []


def test_a_command_in_an_internal_note_is_answered_internally_and_its_reason_stays_there(
    team: Team,
) -> None:
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    team.request("adamlauzon", "2026-12-07", "2026-12-11", created="2026-11-01")
    team.request("magomez3", "2026-12-07", "2026-12-11", created="2026-11-02")
    req = team.request("klang", "2026-12-08", "2026-12-10", created="2026-11-03")
    assert team.reconcile("2026-11-20T14:00").code == 0
    assert "pto::needs-approval" in team.labels(req)
    team.fake.now = at("2026-11-20T14:30")
    reason = "klang's performance review is that week"
    team.fake.add_note(req, f"/pto deny {reason}", author="melroberts", internal=True)

    run = team.reconcile("2026-11-20T15:00")

    assert run.code == 0, run.text
    assert "pto::denied" in team.labels(req)
    public = [n["body"] for n in team.fake.notes[req] if not n["internal"]]
    private = [n["body"] for n in team.fake.notes[req] if n["internal"]]
    assert [b for b in public if "performance review" in b] == []
    assert any("(the reason is in an internal note)" in b for b in public)
    (reply,) = private[1:]  # after the manager's note: the answer
    assert "denied for 2026-12-08 – 2026-12-10: klang" in reply and "performance review" in reply
    assert team.reconcile("2026-11-20T16:00").writes == []


def test_an_old_comment_edited_into_a_command_runs_nothing(team: Team) -> None:
    """A Maintainer edits the manager's old comment to add ``/pto approve``: GitLab itself never
    runs a quick action from an edit, and neither does the bot — the comment, still the
    manager's by its author, approves nothing, and one reply asks for a new comment."""
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    team.request("adamlauzon", "2026-12-07", "2026-12-11", created="2026-11-01")
    team.request("magomez3", "2026-12-07", "2026-12-11", created="2026-11-02")
    req = team.request("klang", "2026-12-08", "2026-12-10", created="2026-11-03")
    old = team.comment(req, "melroberts", "Let me look at the calendar.", "2026-11-19T09:00")
    assert team.reconcile("2026-11-20T14:00").code == 0
    assert "pto::needs-approval" in team.labels(req)
    team.fake.now = at("2026-11-20T14:30")
    team.fake.edit_note(req, old, "Let me look at the calendar.\n\n/pto approve")

    run = team.reconcile("2026-11-20T15:00")

    assert run.code == 0, run.text
    assert "pto::needs-approval" in team.labels(req) and "pto::covered" not in team.labels(req)
    (reply,) = team.bot_notes(req, "reply")
    assert "changed after it was posted" in reply and "`/pto approve`" in reply
    assert team.reconcile("2026-11-20T16:00").writes == []
