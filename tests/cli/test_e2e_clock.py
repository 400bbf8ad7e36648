"""Only GitLab's clock decides: a runner whose clock is half an hour off, either way, posts
nothing twice, misses no comment, and reads no more than one on time (GitLab's ``Date`` header
stands for the time wherever GitLab's timestamps are compared)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gitlab_team import POLICY, Team

READS = 1 + 5 + 1  # who the bot is, the open issues of the 5 labels, what changed since


@pytest.mark.parametrize("minutes", [30, -30, 0])
def test_a_runner_clock_half_an_hour_off_changes_nothing(team: Team, minutes: int) -> None:
    team.policy, team.remember = POLICY, True
    team.skew = timedelta(minutes=minutes)
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert team.reconcile("2026-11-20T14:00").code == 0

    # a comment within a minute of the bot's writes (updated_at not bumped): still read
    team.comment(req, "adamlauzon", "/pto status", when="2026-11-20T14:00:20")
    # and the reply's POST is answered 502 though GitLab stored it: looked up, not sent again
    team.fake.fail("POST", rf"/issues/{req}/notes$", status=502, after=True)
    answered = team.reconcile("2026-11-20T14:00:40")
    # read within GitLab's touch minute, that notes are read once more, once settled
    settling = team.reconcile("2026-11-20T15:00")
    steady = team.reconcile("2026-11-20T16:00")

    assert answered.code == 0, answered.text
    assert len(team.bot_notes(req, "reply")) == 1
    assert len(team.bot_notes(req, "coverage")) == 1
    assert settling.count("GET", "/notes") == 1 and settling.count("POST") == 0, settling.calls
    assert steady.writes == [] and len(steady.calls) == READS, steady.calls
