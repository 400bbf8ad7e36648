"""Customers who tag nobody, end to end against the fake GitLab: while klang is out (Mon
2026-11-23 – Fri 2026-11-27), the issues opened and the comments written in his accounts'
collaboration projects by customers, mentioning nobody, reach his backup's digest and his
handback, with whether someone answered (seed 002: "new issues in the customer projects")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cli.test_e2e_away import ACME, INITECH, away, customer_note, reply_in
from gitlab_team import Team
from project import at

__all__ = ["away"]  # the fixture
NOW = timedelta(0)  # an issue opened at the moment given


def opened_by(team: Team, project: str, who: str, title: str, body: str, when: str) -> int:
    team.fake.now = at(when)
    return team.fake.add_issue_in(project, title, author=who, description=body, age=NOW)


def test_an_untagged_customer_issue_and_comment_reach_the_digest_and_the_handback(
    team: Team, away: dict[str, Any]
) -> None:
    backup = away["backup"]["Acme Corp"]
    # before he left: an issue of the customer's, not "new" in his absence
    old = opened_by(
        team, ACME, "jane", "Runner sizing", "What size do you advise?", "2026-11-20T16:00"
    )
    # while he is out: a new issue, and a new comment on the old one, both tagging nobody
    sso = opened_by(
        team, ACME, "jane", "SSO broken", "Since the upgrade nobody can log in.", "2026-11-24T13:00"
    )
    asked = customer_note(team, ACME, old, "Any update on this?", "2026-11-24T13:10")
    # not listed: a comment by someone of the team, one that tags someone, a thread's later note
    ours = opened_by(team, INITECH, "dbass90", "Notes", "For the record", "2026-11-24T13:20")
    customer_note(team, INITECH, ours, "ok", "2026-11-24T13:25", author="dbass90")
    tagged = opened_by(
        team, INITECH, "bob", "Renewal", "@jdoe please send the quote", "2026-11-24T13:30"
    )
    reply_in(team, ACME, old, asked, "jane", "Anyone?", "2026-11-24T13:40")

    team.reconcile("2026-11-24T16:00")  # 11:00 in New York: after the digest hour

    coverage = away["coverage"]
    (digest,) = team.bot_notes(coverage, "away-digest")
    assert f"@{backup}, new since the last digest about `klang` (2 not answered yet)" in digest
    listed = digest.split("tagging nobody")[1]
    assert f"{ACME}#{sso}" in listed and f"{ACME}#{old}" in listed
    assert listed.count("**not answered yet**") == 2
    assert f"{INITECH}#{tagged}" not in digest and "dbass90" not in listed
    log = team.note(coverage, "away-log")
    assert "New in their customers' projects, tagging nobody" in log and f"{ACME}#{sso}" in log

    # the backup answers the comment; nothing new the next day: no digest
    reply_in(team, ACME, old, asked, backup, "On it, klang is back Monday.", "2026-11-25T14:00")
    team.reconcile("2026-11-25T16:00")
    assert len(team.bot_notes(coverage, "away-digest")) == 1

    team.reconcile("2026-11-30T14:00")  # back: the handback
    returned = team.note(away["request"], "returned")
    untagged = returned.split("New in your customers' projects, tagging nobody")[1]
    rows = [line for line in untagged.splitlines() if line.startswith("| ") and "#" in line]
    assert len(rows) == 2
    (sso_row,) = [r for r in rows if f"{ACME}#{sso}" in r]
    (old_row,) = [r for r in rows if f"{ACME}#{old}" in r]
    assert "**not answered yet**" in sso_row
    assert f"answered by `{backup}`" in old_row
