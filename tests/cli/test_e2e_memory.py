"""The tracker's memory stands for GitLab exactly: after every run, the project as the memory
holds it is the project as a fresh read of GitLab gives it (what changes with every write of the
bot's own aside: ``updated_at``). On each bundled demo (every kind of write the bot makes), for a
week of runs."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from fake_gitlab import BASE_URL, PROJECT_ID, TOKEN
from gitlab_team import Team, load_export
from pto_bot.adapters.gitlab.client import GitLabTracker
from pto_bot.app.demo import DEMO_NOW, PROCESSES, bundled
from pto_bot.app.read import query
from pto_bot.domain.policy_file import load_policy
from pto_bot.domain.snapshot import Issue, Snapshot


def seen(snapshot: Snapshot, board: str) -> dict[int, Issue]:
    """Each issue as a person sees it, GitLab's own ``updated_at`` aside."""
    return {
        i.iid: replace(i, updated_at=i.created_at) for i in snapshot.issues if board not in i.labels
    }


def tracker(team: Team, **kw: Any) -> GitLabTracker:
    fake = team.fake
    clock = {"sleep": fake.sleep, "clock": fake.monotonic, "now": lambda: fake.now}
    return GitLabTracker(BASE_URL, TOKEN, PROJECT_ID, bot_username=fake.bot, **clock, **kw)


@pytest.mark.parametrize("process", sorted(PROCESSES))
def test_what_the_memory_holds_is_what_a_fresh_read_of_gitlab_gives(
    team: Team, process: str
) -> None:
    demo = PROCESSES[process]
    load_export(team, json.loads(bundled(demo.project).read_text(encoding="utf-8")))
    team.policy, team.remember = str(bundled(demo.policy)), True
    policy = load_policy(bundled(demo.policy))
    for when in (DEMO_NOW, DEMO_NOW + timedelta(hours=1), DEMO_NOW + timedelta(days=7)):
        run = team.reconcile(when.isoformat())
        assert run.code == 0, run.text
        wanted = query(policy, when)
        kept = tracker(team).recall(wanted)
        fresh = tracker(team, memory=False).read(wanted)
        assert kept is not None
        assert seen(kept, policy.labels.dashboard) == seen(fresh, policy.labels.dashboard)
