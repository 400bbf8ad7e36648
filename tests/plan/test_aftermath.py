"""The state a run's writes produced, worked out without reading it back, is what reading it back
gives: on each bundled demo project (every kind of write the bot makes), and a week later."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest

from pto_bot.adapters.offline import OfflineTracker
from pto_bot.app.apply import apply
from pto_bot.app.demo import DEMO_NOW, bundled
from pto_bot.app.read import labels_to_read
from pto_bot.domain.policy_file import load_policy
from pto_bot.domain.snapshot import Issue, Snapshot
from pto_bot.plan.aftermath import after_writes
from pto_bot.plan.planner import plan

DEMOS = {
    "pods": ("project.json", "policy.yaml"),
    "classic": ("classic-project.json", "classic-policy.yaml"),
    "buddy": ("buddy-project.json", "buddy-policy.yaml"),
}


def seen(snapshot: Snapshot) -> dict[int, Issue]:
    """What a person sees of each issue (GitLab's own timestamps aside)."""
    return {
        i.iid: replace(
            i,
            updated_at=i.created_at,
            notes=tuple(
                replace(n, created_at=i.created_at, updated_at=i.created_at) for n in i.notes
            ),
            notes_count=None,
            read_at=None,
        )
        for i in snapshot.issues
    }


@pytest.mark.parametrize("process", sorted(DEMOS))
@pytest.mark.parametrize("days", [0, 7])
def test_the_state_after_the_writes_is_what_reading_it_back_gives(process: str, days: int) -> None:
    project, policy_name = DEMOS[process]
    policy = load_policy(bundled(policy_name))
    data = json.loads(bundled(project).read_text(encoding="utf-8"))
    now = DEMO_NOW + timedelta(days=days)
    tracker = OfflineTracker(None, policy.bot.username or "pto-bot", lambda: now, data=data)
    labels = labels_to_read(policy)
    if days:  # a week of history first: notes edited, fallback requests closed, ...
        apply(tracker, plan(policy, tracker.read(labels), DEMO_NOW).actions)
    before = tracker.read(labels)
    the_plan = plan(policy, before, now)
    result = apply(tracker, the_plan.actions)
    assert result.writes > 0 and not result.failures

    done = [(d.action, d.detail) for d in result.done if d.status == "done"]
    after, touched = after_writes(before, done, result.created, the_plan.world.bot, now)

    assert seen(after) == seen(tracker.read(labels))
    assert touched == {i for i, issue in seen(after).items() if issue != seen(before).get(i)}
