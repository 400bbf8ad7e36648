"""Confidential issues and internal notes end to end, on a fake GitLab that hides them as
GitLab does: what the bot reads, answers and pays for."""

from __future__ import annotations

from typing import Any

from test_e2e_away import ACME, answers, away, customer_issue, customer_note

from fake_gitlab import GUEST
from gitlab_team import Team
from project import at
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
