"""The GitLab adapter end to end over HTTP, against the stateful fake in ``fake_gitlab``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from fake_gitlab import API, BASE_URL, BOT, PROJECT_ID, PROJECT_PATH, TOKEN, FakeGitLab
from pto_bot.adapters.gitlab.client import GitLabTracker
from pto_bot.adapters.tracker import Query
from pto_bot.domain.markers import with_marker
from pto_bot.domain.snapshot import Issue, Snapshot
from pto_bot.errors import AccessError, ConfigError, TrackerError
from pto_bot.render.text import safe

NOTES = r"/issues/\d+/notes$"
LISTS = r"/issues$"


def tracker(fake: FakeGitLab, **kw: Any) -> GitLabTracker:
    options: dict[str, Any] = {
        "bot_username": BOT,
        "sleep": fake.sleep,
        "clock": fake.monotonic,
        "now": lambda: fake.now,
        **kw,
    }
    return GitLabTracker(BASE_URL, TOKEN, PROJECT_ID, **options)


QUERY = Query(
    ("pto", "playbook", "pto-dashboard"),
    ("pto",),
    datetime(2025, 10, 1, tzinfo=UTC),
    board="pto-dashboard",
)


def content(snapshot: Snapshot) -> list[Issue]:
    """What a snapshot says of the project (the bot's own issues aside)."""
    return [i for i in snapshot.issues if "pto-dashboard" not in i.labels]


def run(fake: FakeGitLab, **kw: Any) -> tuple[GitLabTracker, Snapshot]:
    """One run of the tracker: a read, then the commit that keeps its memory."""
    bot = tracker(fake, **kw)
    snapshot = bot.read(QUERY)
    assert bot.commit(None) == []
    return bot, snapshot


def reads(bot: GitLabTracker, before: int = 0) -> int:
    return bot.requests_made - before


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_read_follows_three_pages_and_keeps_only_recent_closed_issues(
    fake_gitlab: FakeGitLab,
) -> None:
    for n in range(250):
        fake_gitlab.add_note(fake_gitlab.add_issue(f"PTO {n}", labels=["pto"]), "Enjoy!")
    recent = fake_gitlab.add_issue(
        "closed last month", labels=["pto"], state="closed", age=timedelta(days=30)
    )
    fake_gitlab.add_note(recent, "Back!")
    fake_gitlab.add_issue(
        "closed long ago", labels=["pto"], state="closed", age=timedelta(days=500)
    )
    fake_gitlab.add_issue("not ours", labels=["other"])
    bot = tracker(fake_gitlab)

    snapshot = bot.read(QUERY)

    assert len(snapshot.issues) == 251
    assert recent in snapshot.by_iid()
    # opened pto: 3 pages of 100; playbooks, the board, closed pto: 1 page each
    assert fake_gitlab.count("GET", LISTS) == 6
    assert bot.requests_made == 6 + 251  # one notes page per issue
    assert snapshot.errors == ()


def test_reads_are_paced_under_the_requests_a_minute_allowed(fake_gitlab: FakeGitLab) -> None:
    for n in range(45):
        fake_gitlab.add_note(fake_gitlab.add_issue(f"PTO {n}", labels=["pto"]), "Enjoy!")
    bot = tracker(fake_gitlab, requests_per_minute=20)

    bot.read(QUERY)

    stamps = [when for when, _, _ in fake_gitlab.timed]
    busiest = max(sum(1 for t in stamps if s <= t < s + timedelta(minutes=1)) for s in stamps)
    assert len(stamps) == 4 + 45 and busiest == 20
    assert sum(fake_gitlab.sleeps) >= 120  # two minutes of waiting, on the fake's clock


def test_read_converts_issues_and_notes_and_deduplicates_across_labels(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue(
        "Playbook: Acme",
        labels=["playbook", "pto", "priority::high"],
        description="- **Start:** 2026-12-21",
        author="harishsr",
        assignees=["dbass90"],
    )
    fake_gitlab.add_note(iid, "first", author="dbass90")
    fake_gitlab.advance(61)  # past GitLab's one-minute throttle: the note moves updated_at
    fake_gitlab.add_note(iid, "added label ~pto", author="harishsr", system=True)

    snapshot = tracker(fake_gitlab).read(QUERY)

    (issue,) = snapshot.issues
    assert issue.iid == iid
    assert issue.title == "Playbook: Acme"
    assert issue.labels == ("playbook", "pto", "priority::high")
    assert (issue.state, issue.author, issue.assignees) == ("opened", "harishsr", ("dbass90",))
    assert issue.description == "- **Start:** 2026-12-21"
    assert issue.created_at.tzinfo is not None and issue.created_at.utcoffset() == timedelta(0)
    assert issue.updated_at == fake_gitlab.now
    assert issue.closed_at is None
    assert issue.web_url == f"{BASE_URL}/{PROJECT_PATH}/-/issues/{iid}"
    assert snapshot.web_url == f"{BASE_URL}/{PROJECT_PATH}"
    assert [(n.author, n.body, n.system) for n in issue.notes] == [
        ("dbass90", "first", False),
        ("harishsr", "added label ~pto", True),
    ]
    assert issue.notes[0].created_at < issue.notes[1].created_at
    assert fake_gitlab.count("GET", NOTES) == 1


def test_closed_issue_has_aware_closed_at(fake_gitlab: FakeGitLab) -> None:
    fake_gitlab.add_issue("done", labels=["pto"], state="closed", age=timedelta(days=3))

    (issue,) = tracker(fake_gitlab).read(QUERY).issues

    assert issue.state == "closed"
    assert issue.closed_at == (fake_gitlab.now - timedelta(days=3)).astimezone(UTC)


def test_with_its_memory_a_run_reads_only_the_lists(fake_gitlab: FakeGitLab) -> None:
    for n in range(3):
        iid = fake_gitlab.add_issue(f"PTO {n}", labels=["pto"])
        fake_gitlab.add_note(iid, f"note on {iid}")
    fake_gitlab.advance(2 * 60)  # nothing changed for longer than GitLab's touch throttle
    cold, first = run(fake_gitlab)
    assert reads(cold) == 4 + 3 + 2  # lists (open, closed); notes; the memory's issue made, written

    warm, second = run(fake_gitlab)

    assert warm.requests_made == 4  # the three lists, and the issues changed since: none
    assert content(second) == content(first)


def test_a_new_note_invalidates_only_its_issue_until_it_settles(fake_gitlab: FakeGitLab) -> None:
    for n in range(3):
        fake_gitlab.add_note(fake_gitlab.add_issue(f"PTO {n}", labels=["pto"]), "Enjoy!")
    fake_gitlab.advance(2 * 60)
    run(fake_gitlab)
    fake_gitlab.add_note(2, "/pto volunteer Acme", author="dbass90")

    _, snapshot = run(fake_gitlab)
    assert fake_gitlab.count("GET", r"/issues/2/notes$") == 2
    assert [n.body for n in snapshot.by_iid()[2].notes] == ["Enjoy!", "/pto volunteer Acme"]

    # Read again at once: the issue changed less than a settle time ago: its notes are read again
    run(fake_gitlab)
    assert fake_gitlab.count("GET", r"/issues/2/notes$") == 3

    # Once it has settled, one more read of its notes; from then on only the lists.
    fake_gitlab.advance(2 * 60)
    run(fake_gitlab)
    assert fake_gitlab.count("GET", r"/issues/2/notes$") == 4
    _, last = run(fake_gitlab)
    assert content(last) == content(snapshot)
    assert fake_gitlab.count("GET", r"/issues/2/notes$") == 4
    assert fake_gitlab.count("GET", NOTES) == 3 + 3


def test_a_note_edit_hidden_by_gitlabs_touch_throttle_is_still_read(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.advance(2 * 60)
    note_id = fake_gitlab.add_note(iid, "I will cover Acme", author="dbass90")  # a bump
    fake_gitlab.advance(10)
    run(fake_gitlab)  # 10 s after the bump: its notes are not trusted for long
    fake_gitlab.advance(20)
    updated_at = fake_gitlab.issues[iid]["updated_at"]
    fake_gitlab.edit_note(iid, note_id, "I will cover Initech")
    assert fake_gitlab.issues[iid]["updated_at"] == updated_at  # within a minute: no bump

    _, snapshot = run(fake_gitlab)

    assert [n.body for n in snapshot.by_iid()[iid].notes] == ["I will cover Initech"]


def test_after_the_bots_own_writes_only_a_new_comment_costs_a_read(
    fake_gitlab: FakeGitLab,
) -> None:
    first, second = (fake_gitlab.add_issue(f"PTO {n}", labels=["pto"]) for n in range(2))
    fake_gitlab.advance(2 * 60)
    bot = tracker(fake_gitlab)
    bot.read(QUERY)
    bot.post_note(first, "Coverage: @dbass90")  # bumps updated_at
    bot.set_labels(first, ["covered"], [])  # within the minute: no bump
    bot.post_note(second, "Coverage: @klang")
    bot.commit(None)
    fake_gitlab.advance(20)
    fake_gitlab.add_note(second, "Thanks!", author="harishsr")  # within the minute: no bump
    before = fake_gitlab.count("GET", NOTES)

    _, snapshot = run(fake_gitlab)

    assert fake_gitlab.count("GET", NOTES) - before == 1  # the issue with a new comment only
    assert [n.body for n in snapshot.by_iid()[second].notes][-1] == "Thanks!"
    assert [n.body for n in snapshot.by_iid()[first].notes] == ["Coverage: @dbass90"]
    assert "covered" in snapshot.by_iid()[first].labels


@pytest.mark.slow
def test_old_closed_history_costs_no_requests_once_kept(fake_gitlab: FakeGitLab) -> None:
    for n in range(150):  # a year of closed requests, two pages per label when listed
        fake_gitlab.add_issue(f"PTO {n}", labels=["pto"], state="closed", age=timedelta(days=30))
    fake_gitlab.add_issue("PTO open", labels=["pto"])
    fake_gitlab.advance(2 * 60)
    _, first = run(fake_gitlab)
    assert len(first.issues) == 151
    fake_gitlab.advance(3600)

    again, snapshot = run(fake_gitlab)

    assert content(snapshot) == content(first)
    assert again.requests_made == 4  # the open issues of 3 labels, and what changed since: none


def test_an_issue_closed_since_the_last_run_is_picked_up(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    run(fake_gitlab)
    fake_gitlab.advance(3600)
    fake_gitlab.issues[iid]["state"] = "closed"
    fake_gitlab.issues[iid]["updated_at"] = fake_gitlab.issues[iid]["closed_at"] = fake_gitlab.now
    fake_gitlab.advance(3600)

    _, snapshot = run(fake_gitlab)

    assert [(i.iid, i.state) for i in content(snapshot)] == [(iid, "closed")]


def test_the_memory_lets_go_of_issues_no_longer_the_bots(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    run(fake_gitlab)
    fake_gitlab.advance(60)
    fake_gitlab.issues[iid]["labels"] = []
    fake_gitlab.issues[iid]["updated_at"] = fake_gitlab.now
    run(fake_gitlab)

    kept = tracker(fake_gitlab).recall(QUERY)

    assert kept is not None and iid not in kept.by_iid()


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", '{"version": 2, "project": "42", "home": 1, "sealed": 3}', ""],
)
def test_a_damaged_runner_copy_costs_requests_never_an_error(
    fake_gitlab: FakeGitLab, tmp_path: Path, content: str
) -> None:
    cache = tmp_path / "memory.json"
    cache.write_text(content)
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.add_note(iid, "hello")

    _, snapshot = run(fake_gitlab, cache_path=cache)

    assert [n.body for n in snapshot.issues[0].notes] == ["hello"]
    assert fake_gitlab.count("GET", NOTES) == 1
    kept = json.loads(cache.read_text())
    assert kept["home"] == 2 and "hello" not in cache.read_text()  # sealed, never in the clear


def test_unreadable_notes_leave_that_issue_out_and_say_so(fake_gitlab: FakeGitLab) -> None:
    for n in range(3):
        fake_gitlab.add_note(fake_gitlab.add_issue(f"PTO {n}", labels=["pto"]), "Enjoy!")
    fake_gitlab.fail("GET", r"/issues/2/notes$", status=500, times=5)

    snapshot = tracker(fake_gitlab).read(QUERY)

    assert sorted(snapshot.by_iid()) == [1, 3]
    (error,) = snapshot.errors
    assert "issue #2" in error and "left out" in error
    assert TOKEN not in error


def test_a_failing_issue_list_fails_the_read(fake_gitlab: FakeGitLab) -> None:
    fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("GET", LISTS, status=503, times=5)

    with pytest.raises(TrackerError, match="list open issues labelled 'pto'") as caught:
        tracker(fake_gitlab).read(QUERY)

    assert TOKEN not in str(caught.value)
    assert fake_gitlab.sleeps == [1, 2, 4, 8]


# --- writing ------------------------------------------------------------------------------------


def test_post_note_returns_its_id(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    bot = tracker(fake_gitlab)

    note_id = bot.post_note(iid, "Coverage plan\n\n<!-- pto-bot {} -->")

    (note,) = fake_gitlab.notes[iid]
    assert (note["id"], note["author"], note["body"]) == (
        note_id,
        BOT,
        "Coverage plan\n\n<!-- pto-bot {} -->",
    )
    assert bot.requests_made == 1


def test_edit_note_changes_the_body_in_place(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    bot = tracker(fake_gitlab)
    note_id = bot.post_note(iid, "old")

    bot.edit_note(iid, note_id, "new")

    assert fake_gitlab.note_bodies(iid) == ["new"]
    assert fake_gitlab.count("PUT", rf"/notes/{note_id}$") == 1


def test_set_labels_is_one_put_and_scoped_labels_are_not_exclusive(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto", "out::1"])
    bot = tracker(fake_gitlab)

    bot.set_labels(iid, ["out::2"], [])
    assert fake_gitlab.issues[iid]["labels"] == ["pto", "out::1", "out::2"]  # Free tier

    bot.set_labels(iid, ["out::3", "pto::needs-approval"], ["out::1", "out::2"])
    assert fake_gitlab.issues[iid]["labels"] == ["pto", "out::3", "pto::needs-approval"]
    bot.set_labels(iid, [], [])
    assert fake_gitlab.count("PUT") == 2


def test_create_issue_returns_the_iid(fake_gitlab: FakeGitLab) -> None:
    bot = tracker(fake_gitlab)

    iid = bot.create_issue("Fallback: Acme", "Please help", ["pto-fallback", "fallback::open"])

    issue = fake_gitlab.issues[iid]
    assert (issue["title"], issue["description"], issue["author"]) == (
        "Fallback: Acme",
        "Please help",
        BOT,
    )
    assert issue["labels"] == ["pto-fallback", "fallback::open"]
    assert bot.requests_made == 1


def test_an_issue_is_opened_assigned_and_confidential_the_users_looked_up_once(
    fake_gitlab: FakeGitLab,
) -> None:
    fake_gitlab.members.update({"adamlauzon": 30, "magomez3": 30})
    bot = tracker(fake_gitlab)

    first = bot.create_issue(
        "Coverage: klang", "Who covers", ["pto-coverage"], assignees=["AdamLauzon", "magomez3"]
    )
    second = bot.create_issue(
        "Coverage: dbass90",
        "Who covers",
        ["pto-coverage"],
        assignees=["adamlauzon"],
        confidential=True,
    )

    assert fake_gitlab.issues[first]["assignees"] == ["adamlauzon", "magomez3"]
    assert fake_gitlab.issues[second]["assignees"] == ["adamlauzon"]
    assert fake_gitlab.issues[second]["confidential"] and not fake_gitlab.issues[first].get(
        "confidential"
    )
    assert fake_gitlab.count("GET", "/users") == 2  # each user once, whatever the case


def test_opening_an_issue_for_a_user_gitlab_does_not_know_says_so(fake_gitlab: FakeGitLab) -> None:
    with pytest.raises(TrackerError, match="GitLab knows no user @nobody-here"):
        tracker(fake_gitlab).create_issue(
            "Coverage", "x", ["pto-coverage"], assignees=["nobody-here"]
        )
    assert fake_gitlab.count("POST") == 0


def test_link_issues_tolerates_an_existing_link(fake_gitlab: FakeGitLab) -> None:
    a = fake_gitlab.add_issue("PTO", labels=["pto"])
    b = fake_gitlab.add_issue("Fallback", labels=["pto-fallback"])
    bot = tracker(fake_gitlab)

    bot.link_issues(a, b)
    bot.link_issues(b, a)  # 409 "Issue(s) already assigned"

    assert [(x["source"], x["target"], x["link_type"]) for x in fake_gitlab.links] == [
        (a, b, "relates_to")
    ]
    assert fake_gitlab.count("POST", r"/links$") == 2


def test_edit_description_and_set_state(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("Dashboard", labels=["pto-dashboard"])
    bot = tracker(fake_gitlab)

    bot.edit_description(iid, "| week | out |")
    bot.set_state(iid, "close")
    assert (fake_gitlab.issues[iid]["description"], fake_gitlab.issues[iid]["state"]) == (
        "| week | out |",
        "closed",
    )
    bot.set_state(iid, "reopen")
    assert fake_gitlab.issues[iid]["state"] == "opened"

    with pytest.raises(TrackerError, match="neither"):
        bot.set_state(iid, "delete")
    assert bot.requests_made == 3


def test_bot_username_is_read_once_from_the_api(fake_gitlab: FakeGitLab) -> None:
    bot = tracker(fake_gitlab, bot_username=None)

    assert (bot.bot_username, bot.bot_username) == (BOT, BOT)
    assert fake_gitlab.count("GET", r"^/user$") == 1


# --- quick actions ------------------------------------------------------------------------------


def test_the_fake_really_runs_quick_actions(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.add_label("x")  # /label applies only labels that exist
    url = f"{API}/projects/{PROJECT_ID}/issues/{iid}/notes"

    reply = requests.post(
        url,
        json={"body": "/close\n/label ~x ~missing"},
        headers={"PRIVATE-TOKEN": TOKEN},
        timeout=5,
    )

    assert reply.status_code == 202
    assert fake_gitlab.notes[iid] == []
    assert (fake_gitlab.issues[iid]["state"], fake_gitlab.issues[iid]["labels"]) == (
        "closed",
        ["pto", "x"],
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda bot: bot.post_note(1, "Thanks!\n/close"),
        lambda bot: bot.edit_note(1, 7, "ok\n/unlabel ~pto"),
        lambda bot: bot.create_issue("Fallback", "Accounts:\n/assign @all", ["pto-fallback"]),
        lambda bot: bot.edit_description(1, "/reopen"),
    ],
    ids=["post_note", "edit_note", "create_issue", "edit_description"],
)
def test_a_line_starting_with_slash_is_refused_before_any_request(
    fake_gitlab: FakeGitLab, write: Any
) -> None:
    fake_gitlab.add_issue("PTO", labels=["pto"])
    bot = tracker(fake_gitlab)

    with pytest.raises(TrackerError, match="quick action"):
        write(bot)

    assert fake_gitlab.calls == []


def test_hostile_text_made_safe_triggers_no_quick_action(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    hostile = "/close\n/label ~pto::cancelled\n/assign @all"

    bot = tracker(fake_gitlab)
    note_id = bot.post_note(iid, f"You wrote:\n{safe(hostile)}")
    bot.edit_note(iid, note_id, f"{safe(hostile)}\n{safe('/reopen')}")
    bot.create_issue("Fallback", safe(hostile), ["pto-fallback"])

    assert fake_gitlab.quick_actions_run == []
    assert (fake_gitlab.issues[iid]["state"], fake_gitlab.issues[iid]["labels"]) == (
        "opened",
        ["pto"],
    )


# --- retries --------------------------------------------------------------------------------------


def test_a_429_waits_for_retry_after_then_succeeds(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("POST", NOTES, status=429, retry_after=7)
    bot = tracker(fake_gitlab)

    bot.post_note(iid, "hello")

    assert fake_gitlab.sleeps == [7]
    assert fake_gitlab.note_bodies(iid) == ["hello"]
    assert (bot.requests_made, fake_gitlab.count("GET")) == (
        2,
        0,
    )  # a 429 was not applied: no lookup


def test_an_absurd_retry_after_is_capped(fake_gitlab: FakeGitLab) -> None:
    fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("GET", LISTS, status=429, retry_after=3600)

    tracker(fake_gitlab).read(QUERY)

    assert fake_gitlab.sleeps == [60]


def test_a_429_without_retry_after_waits_for_gitlabs_next_minute_once(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("POST", NOTES, status=429)  # GitLab.com sends no Retry-After
    bot = tracker(fake_gitlab)

    bot.post_note(iid, "Coverage")

    assert fake_gitlab.sleeps == [60]  # the rate limit's window is a minute
    assert [n["body"] for n in fake_gitlab.notes[iid]] == ["Coverage"]


def test_a_second_429_in_a_row_leaves_the_rest_to_the_next_run_and_says_so(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("POST", NOTES, status=429, times=2)

    with pytest.raises(AccessError, match="rate limit") as caught:
        tracker(fake_gitlab).post_note(iid, "Coverage")

    assert fake_gitlab.sleeps == [60]
    assert caught.value.kind == "rate-limited" and "next run" in caught.value.explained
    assert fake_gitlab.notes[iid] == []


def test_a_write_answered_503_is_sent_again_once_and_applied(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("PUT", rf"/issues/{iid}$", status=503)
    bot = tracker(fake_gitlab)

    bot.set_labels(iid, ["out::1"], [])

    assert fake_gitlab.issues[iid]["labels"] == ["pto", "out::1"]
    assert (fake_gitlab.sleeps, bot.requests_made) == ([1], 2)


@pytest.mark.parametrize(
    "error", [requests.exceptions.ReadTimeout, requests.exceptions.ConnectTimeout]
)
def test_a_timed_out_read_is_retried(fake_gitlab: FakeGitLab, error: type[Exception]) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.add_note(iid, "hi")
    fake_gitlab.fail("GET", NOTES, error=error)
    bot = tracker(fake_gitlab)

    (issue,) = bot.read(QUERY).issues

    assert [n.body for n in issue.notes] == ["hi"]
    assert bot.requests_made == 4 + 2  # four lists; the notes twice


def test_a_connect_timeout_on_post_is_retried_without_lookup(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("POST", NOTES, error=requests.exceptions.ConnectTimeout)

    tracker(fake_gitlab).post_note(iid, "hello")

    assert fake_gitlab.note_bodies(iid) == ["hello"]
    assert (fake_gitlab.count("POST"), fake_gitlab.count("GET")) == (2, 0)


@pytest.mark.parametrize(
    "fault",
    [{"status": 502}, {"status": 504}, {"error": requests.exceptions.ReadTimeout}],
    ids=["502", "504", "read-timeout"],
)
def test_a_note_committed_behind_a_failure_is_not_duplicated(
    fake_gitlab: FakeGitLab, fault: dict[str, Any]
) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("POST", NOTES, after=True, **fault)
    bot = tracker(fake_gitlab)

    note_id = bot.post_note(iid, "Coverage plan")

    (note,) = fake_gitlab.notes[iid]
    assert note["id"] == note_id
    assert (fake_gitlab.count("POST"), fake_gitlab.count("GET", NOTES)) == (1, 1)


def test_a_note_lost_behind_a_502_is_posted_again_even_if_an_old_twin_exists(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.add_note(iid, "Done.", author=BOT)
    fake_gitlab.advance(3600)
    fake_gitlab.fail("POST", NOTES, status=502)  # before processing: nothing was stored

    tracker(fake_gitlab).post_note(iid, "Done.")

    assert fake_gitlab.note_bodies(iid) == ["Done.", "Done."]
    assert (fake_gitlab.count("POST"), fake_gitlab.count("GET", NOTES)) == (2, 1)


@pytest.mark.parametrize("marked", [True, False], ids=["by-marker", "by-title"])
def test_an_issue_committed_behind_a_502_is_not_duplicated(
    fake_gitlab: FakeGitLab, marked: bool
) -> None:
    fake_gitlab.add_issue("Fallback: Acme", labels=["pto-fallback"], author=BOT, age=timedelta(0))
    description = "Accounts to cover"
    if marked:
        description = with_marker(description, "fallback", request=7)
    fake_gitlab.fail("POST", LISTS, status=502, after=True)
    bot = tracker(fake_gitlab)

    iid = bot.create_issue(
        "Fallback: Acme" if not marked else "Fallback for #7", description, ["pto-fallback"]
    )

    assert iid == 2
    assert len(fake_gitlab.issues) == 2
    assert (fake_gitlab.count("POST"), fake_gitlab.count("GET", LISTS)) == (1, 1)


def test_giving_up_names_the_operation_and_issue_never_the_token(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("PUT", rf"/issues/{iid}$", status=503, times=99)
    bot = tracker(fake_gitlab)

    with pytest.raises(TrackerError) as caught:
        bot.set_labels(iid, ["out::1"], [])

    assert caught.value.iid == iid
    assert "set labels on issue #1" in str(caught.value) and "503" in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(bot)
    assert fake_gitlab.count("PUT") == 5
    assert fake_gitlab.sleeps == [1, 2, 4, 8]


def test_giving_up_on_a_note_after_n_attempts_posts_nothing(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    fake_gitlab.fail("POST", NOTES, status=502, times=99)
    bot = tracker(fake_gitlab, max_attempts=3)

    with pytest.raises(TrackerError, match="post note on issue #1") as caught:
        bot.post_note(iid, "hello")

    assert caught.value.iid == iid
    assert fake_gitlab.notes[iid] == []
    assert (fake_gitlab.count("POST"), fake_gitlab.count("GET", NOTES)) == (3, 3)


def test_a_rejected_token_is_not_retried(fake_gitlab: FakeGitLab) -> None:
    fake_gitlab.token = "another"

    with pytest.raises(TrackerError, match="401") as caught:
        tracker(fake_gitlab).read(QUERY)

    assert TOKEN not in str(caught.value)
    assert fake_gitlab.count() == 1


# --- pacing ---------------------------------------------------------------------------------------


def test_the_21st_write_within_a_minute_waits(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    bot = tracker(fake_gitlab)

    for n in range(10):
        bot.post_note(iid, f"note {n}")
        bot.set_labels(iid, [f"l{n}"], [])
    assert fake_gitlab.sleeps == []
    bot.edit_description(iid, "the 21st write")

    assert fake_gitlab.sleeps == [60]
    assert len(fake_gitlab.notes[iid]) == 10


def test_comments_stay_under_the_notes_limit_when_writes_may_go_faster(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO", labels=["pto"])
    bot = tracker(fake_gitlab, writes_per_minute=100, notes_per_minute=2)

    bot.post_note(iid, "a")
    fake_gitlab.advance(45)
    bot.set_labels(iid, ["x"], [])  # not a comment: no wait
    bot.post_note(iid, "b")
    bot.post_note(iid, "c")  # "a" leaves the window 15 s later

    assert fake_gitlab.sleeps == [15]


# --- configuration --------------------------------------------------------------------------------


def test_from_env_names_every_missing_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        GitLabTracker.from_env({})

    messages = caught.value.messages
    assert len(messages) == 3
    assert "GITLAB_URL (or CI_SERVER_URL)" in messages[0] and "https://" in messages[0]
    assert "GITLAB_TOKEN" in messages[1] and "project access token" in messages[1]
    assert "PTO_BOT_PROJECT (or CI_PROJECT_ID)" in messages[2]


def test_from_env_rejects_a_url_without_scheme_and_never_echoes_the_token() -> None:
    with pytest.raises(ConfigError) as caught:
        GitLabTracker.from_env(
            {"GITLAB_URL": "gitlab.com", "GITLAB_TOKEN": TOKEN, "CI_PROJECT_ID": "42"}
        )

    assert caught.value.messages == [
        "GITLAB_URL is 'gitlab.com': it should start with https:// (e.g. https://gitlab.com)"
    ]
    assert TOKEN not in str(caught.value)


def test_from_env_falls_back_to_ci_variables(fake_gitlab: FakeGitLab) -> None:
    env = {"CI_SERVER_URL": BASE_URL, "GITLAB_TOKEN": TOKEN, "CI_PROJECT_ID": str(PROJECT_ID)}
    bot = GitLabTracker.from_env(env, bot_username=BOT)
    fake_gitlab.add_issue("PTO", labels=["pto"])

    assert len(bot.read(QUERY).issues) == 1
    assert repr(bot) == f"GitLabTracker(url='{BASE_URL}', project={PROJECT_ID})"


def test_a_project_path_works_as_well_as_an_id(fake_gitlab: FakeGitLab) -> None:
    fake_gitlab.add_issue("PTO", labels=["pto"])
    other = fake_gitlab.add_issue("Fallback", labels=["pto-fallback"])
    env = {"GITLAB_URL": BASE_URL, "GITLAB_TOKEN": TOKEN, "PTO_BOT_PROJECT": PROJECT_PATH}
    bot = GitLabTracker.from_env(env, bot_username=BOT)

    bot.link_issues(1, other)

    assert len(bot.read(QUERY).issues) == 1
    assert len(fake_gitlab.links) == 1
