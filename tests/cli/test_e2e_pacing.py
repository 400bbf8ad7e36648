"""Writes paced under GitLab's limits, on the fake's clock (no real waiting): every write comes back
as a webhook pipeline, and GitLab.com creates at most 25 a minute per project."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from gitlab_team import POLICY, Team, issue_hook

WINDOW = timedelta(seconds=60)


def most_in_a_minute(times: list[datetime]) -> int:
    """The most writes in any 60-second interval (each write's own minute, from it on)."""
    times = sorted(times)
    return max((sum(1 for t in times if s <= t < s + WINDOW) for s in times), default=0)


def paced_policy(team: Team, per_minute: int, minutes: int) -> None:
    text = Path(POLICY).read_text(encoding="utf-8")
    text = text.replace("writes_per_minute: 20", f"writes_per_minute: {per_minute}")
    text = text.replace("write_minutes: 10", f"write_minutes: {minutes}")
    path = team.tmp / "paced.yaml"
    path.write_text(text, encoding="utf-8")
    team.policy = str(path)


@pytest.mark.slow
def test_a_200_write_first_run_stays_under_the_limits_and_answers_people_first(
    team: Team,
) -> None:
    paced_policy(team, per_minute=20, minutes=8)
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    people = ["klang", "adamlauzon", "magomez3", "a.conrad", "malmendarez", "michwalker"]
    days = [str(date(2027, 1, 4) + timedelta(weeks=n)) for n in range(100)]
    # a request a week: its labels and its coverage note, 200 writes
    requests = [team.request(people[n % 6], day, day) for n, day in enumerate(days)]
    asking = requests[-1]
    team.comment(asking, "klang", "/pto status", when="2026-11-20T13:00")
    started = datetime.fromisoformat("2026-11-20T14:00:00+00:00")

    first = team.reconcile("2026-11-20T14:00")

    writes = [(t, m, p) for t, m, p in team.fake.timed[-len(first.calls) :] if m != "GET"]
    assert first.code == 0, first.text
    assert most_in_a_minute([t for t, _, _ in writes]) == 20
    assert most_in_a_minute([t for t, _, p in writes if p.endswith("/notes")]) <= 20
    assert max(t for t, _, _ in writes) - started <= timedelta(minutes=8)
    assert len(writes) == 9 * 20  # 20 at once, then 20 a minute until minute 8; no more
    # the person waiting for an answer is answered first; the rest waits for the next run
    assert writes[0][2].endswith(f"/issues/{asking}/notes")
    assert "left for the next run" in first.text

    second = team.reconcile("2026-11-20T15:00")
    later = [t for t, m, _ in team.fake.timed[-len(second.calls) :] if m != "GET"]
    assert most_in_a_minute(later) <= 20
    assert all(len(team.bot_notes(iid, "coverage")) == 1 for iid in requests)
    assert len(team.bot_notes(asking, "reply")) == 1


def test_the_limit_holds_across_jobs_that_share_the_runners_cache(team: Team) -> None:
    paced_policy(team, per_minute=20, minutes=2)
    cache = ("--cache", str(team.tmp / "cache.json"))
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    people = ["klang", "adamlauzon", "magomez3", "a.conrad", "malmendarez", "michwalker"]
    for n in range(40):
        day = str(date(2027, 1, 4) + timedelta(weeks=n))
        team.request(people[n % 6], day, day)
    assert team.reconcile("2026-11-20T14:00", *cache).code == 0
    last = max(t for t, m, _ in team.fake.timed if m != "GET")
    # the next job of the resource group, 20 s later: a new request's issue event
    team.fake.now = last + timedelta(seconds=20)
    iid = team.request("dbass90", "2027-06-01", "2027-06-02", created="2026-11-20")
    payload = issue_hook(team, iid, "dbass90", previous=[])
    payload["object_attributes"]["action"] = "open"
    path = team.tmp / "trigger_payload.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    when = team.fake.now.strftime("%Y-%m-%dT%H:%M:%S")
    event = team.run("handle-event", "--payload", str(path), *cache, now=when)
    assert event.code == 0 and event.writes, event.text
    assert most_in_a_minute([t for t, m, _ in team.fake.timed if m != "GET"]) <= 20
