"""GitLab answers 200 to a change it does not make (a Guest's labels, assignees,
confidentiality): every write of the GitLab tracker compares what it asked with GitLab's answer and
stops the run, naming the role, rather than asking again on every run."""

from __future__ import annotations

from typing import Any

import pytest
from test_gitlab_tracker import QUERY, tracker

from fake_gitlab import BOT, GUEST, FakeGitLab
from pto_bot.errors import AccessError


def test_an_assignment_gitlab_drops_for_a_guest_stops_and_names_the_role(
    fake_gitlab: FakeGitLab,
) -> None:
    fake_gitlab.members["adamlauzon"] = 30
    iid = fake_gitlab.add_issue("Coverage: klang", labels=["pto-coverage"], author=BOT)
    fake_gitlab.members[BOT] = GUEST
    bot = tracker(fake_gitlab)

    with pytest.raises(
        AccessError, match=rf"assign on issue #{iid} failed: GitLab dropped it"
    ) as e:
        bot.set_assignees(iid, ["adamlauzon"])

    assert "give the token's user the role Reporter" in e.value.hint
    assert fake_gitlab.issues[iid]["assignees"] == []
    assert fake_gitlab.count("PUT") == 1  # asked once, never again in this run


def test_an_assignment_gitlab_makes_passes_and_so_does_asking_for_what_is_already_so(
    fake_gitlab: FakeGitLab,
) -> None:
    fake_gitlab.members.update({"adamlauzon": 30, "magomez3": 30})
    iid = fake_gitlab.add_issue("Coverage: klang", labels=["pto-coverage"], author=BOT)
    bot = tracker(fake_gitlab)

    bot.set_assignees(iid, ["AdamLauzon", "magomez3"])
    assert fake_gitlab.issues[iid]["assignees"] == ["adamlauzon", "magomez3"]
    bot.set_assignees(iid, [])
    assert fake_gitlab.issues[iid]["assignees"] == []

    fake_gitlab.members[BOT] = GUEST  # dropped, but nothing was to change
    bot.set_assignees(iid, [])
    assert fake_gitlab.count("PUT") == 3


def test_making_an_issue_confidential_gitlab_drops_for_a_guest_stops_the_run(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("Coverage: klang", labels=["pto-coverage"], author=BOT)
    fake_gitlab.members[BOT] = GUEST
    bot = tracker(fake_gitlab)

    with pytest.raises(AccessError, match=rf"on issue #{iid} failed: GitLab dropped it"):
        bot.edit_description(iid, "Who covers klang", confidential=True)

    assert not fake_gitlab.issues[iid]["confidential"]


def test_a_memory_issue_gitlab_leaves_open_stops_the_commit(
    fake_gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bot's memory issue (no dashboard) is made and closed by the write that puts the
    memory in it: a GitLab that answers 200 and leaves it open is not taken at its word."""
    fake_gitlab.add_issue("PTO", labels=["pto"])
    left_open: Any = lambda issue, event, actor: None  # noqa: E731
    monkeypatch.setattr(fake_gitlab, "_set_state", left_open)
    bot = tracker(fake_gitlab)
    bot.read(QUERY)

    with pytest.raises(AccessError, match=r"on issue #2 failed: GitLab dropped it"):
        bot.commit(None)

    assert fake_gitlab.issues[2]["state"] == "opened"
