"""The fake GitLab behaves as GitLab's documentation and Rails source say, where pto_bot could be
fooled by a kinder one: confidential issues, internal notes, who closed an issue, and the JSON
shapes of the Issues, Notes, Discussions and Resource state events APIs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from fake_gitlab import API, BOT, GUEST, PLANNER, PROJECT_ID, REPORTER, TOKEN, FakeGitLab

ISSUES = f"{API}/projects/{PROJECT_ID}/issues"


def call(method: str, path: str, **body: Any) -> requests.Response:
    """One request as the token's user; ``body`` is sent as JSON, as python-gitlab sends it."""
    return requests.request(
        method, f"{ISSUES}{path}", headers={"PRIVATE-TOKEN": TOKEN}, json=body or None, timeout=5
    )


def listed(path: str = "", **query: str) -> list[Any]:
    found = requests.get(
        f"{ISSUES}{path}", headers={"PRIVATE-TOKEN": TOKEN}, params=query, timeout=5
    )
    assert found.status_code == 200, found.text
    return list(found.json())


# --- confidential issues --------------------------------------------------------------------------


def test_a_confidential_issue_is_created_and_shown_as_such(fake_gitlab: FakeGitLab) -> None:
    made = call("POST", "", title="PTO klang", confidential=True)
    plain = call("POST", "", title="PTO dbass90")

    assert made.status_code == 201 and made.json()["confidential"] is True
    assert plain.json()["confidential"] is False
    assert [i["confidential"] for i in listed()] == [False, True]  # newest first
    assert [i["iid"] for i in listed(confidential="true")] == [made.json()["iid"]]


def test_a_guest_neither_author_nor_assignee_cannot_see_a_confidential_issue(
    fake_gitlab: FakeGitLab,
) -> None:
    secret = fake_gitlab.add_issue("PTO klang", labels=["pto"], author="klang", confidential=True)
    shown = fake_gitlab.add_issue("PTO dbass90", labels=["pto"], author="dbass90")
    fake_gitlab.add_note(secret, "Enjoy!", author="klang")
    fake_gitlab.members[BOT] = GUEST

    assert [i["iid"] for i in listed(labels="pto")] == [shown]
    for method, path, body in [
        ("GET", f"/{secret}", {}),
        ("PUT", f"/{secret}", {"title": "mine now"}),
        ("GET", f"/{secret}/notes", {}),
        ("POST", f"/{secret}/notes", {"body": "hello"}),
        ("GET", f"/{secret}/discussions", {}),
    ]:
        answer = call(method, path, **body)
        assert (answer.status_code, answer.json()) == (404, {"message": "404 Issue Not Found"})
    assert fake_gitlab.issues[secret]["title"] == "PTO klang"
    assert fake_gitlab.note_bodies(secret) == ["Enjoy!"]


@pytest.mark.parametrize("role", ["author", "assignee"])
def test_a_guest_who_is_its_author_or_an_assignee_sees_a_confidential_issue(
    fake_gitlab: FakeGitLab, role: str
) -> None:
    author, assignees = (BOT, ()) if role == "author" else ("klang", (BOT,))
    secret = fake_gitlab.add_issue(
        "PTO klang", author=author, assignees=assignees, confidential=True
    )
    fake_gitlab.members[BOT] = GUEST

    assert call("GET", f"/{secret}").json()["confidential"] is True
    assert [i["iid"] for i in listed()] == [secret]


@pytest.mark.parametrize(("level", "made"), [(GUEST, False), (PLANNER, True), (REPORTER, True)])
def test_only_planner_and_up_make_an_issue_confidential_and_a_guest_is_told_nothing(
    fake_gitlab: FakeGitLab, level: int, made: bool
) -> None:
    iid = fake_gitlab.add_issue("PTO klang", author=BOT)
    fake_gitlab.members[BOT] = level

    answer = call("PUT", f"/{iid}", confidential=True)

    assert answer.status_code == 200
    assert answer.json()["confidential"] is made


def test_the_confidential_quick_action_hides_the_issue_from_a_guest(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO klang", author="klang")

    assert call("POST", f"/{iid}/notes", body="/confidential").status_code == 202
    fake_gitlab.members[BOT] = GUEST

    assert call("GET", f"/{iid}").status_code == 404


# --- internal notes -------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["internal", "confidential"])
def test_a_reporter_posts_an_internal_note_by_either_name_of_the_flag(
    fake_gitlab: FakeGitLab, flag: str
) -> None:
    iid = fake_gitlab.add_issue("PTO klang")

    note = call("POST", f"/{iid}/notes", body="Covered by dbass90", **{flag: True}).json()

    assert (note["internal"], note["confidential"]) == (True, True)


def test_a_guests_internal_note_is_posted_as_an_ordinary_comment(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO klang")
    fake_gitlab.members[BOT] = GUEST

    answer = call("POST", f"/{iid}/notes", body="Covered by dbass90", internal=True)

    assert answer.status_code == 201
    assert (answer.json()["internal"], answer.json()["confidential"]) == (False, False)


def test_a_guest_reads_no_internal_note_yet_the_issue_counts_them(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO klang", author=BOT)
    fake_gitlab.add_note(iid, "Manager only: approved", author="melroberts", internal=True)
    fake_gitlab.add_note(iid, "Thanks", author="klang")
    fake_gitlab.add_note(iid, "changed the description", author="klang", system=True)
    fake_gitlab.members[BOT] = GUEST

    assert [n["body"] for n in listed(f"/{iid}/notes")] == ["changed the description", "Thanks"]
    assert [[n["body"] for n in t["notes"]] for t in listed(f"/{iid}/discussions")] == [
        ["Thanks"],
        ["changed the description"],
    ]
    assert call("GET", f"/{iid}").json()["user_notes_count"] == 2  # system notes are not counted
    fake_gitlab.members[BOT] = REPORTER
    assert [n["internal"] for n in listed(f"/{iid}/notes", sort="asc")] == [True, False, False]


def test_a_reply_in_an_internal_thread_is_internal(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO klang")
    first = fake_gitlab.add_note(iid, "Approve?", author="melroberts", internal=True)
    thread = fake_gitlab.thread_of(iid, first)

    reply = call("POST", f"/{iid}/discussions/{thread}/notes", body="Approved").json()
    one = call("GET", f"/{iid}/discussions/{thread}").json()

    assert (reply["internal"], reply["type"]) == (True, "DiscussionNote")
    assert [(n["internal"], n["type"]) for n in one["notes"]] == [
        (True, "DiscussionNote"),
        (True, "DiscussionNote"),
    ]
    assert one["id"] == thread and len(thread) == 40 and not one["individual_note"]


def test_a_guest_cannot_find_an_internal_thread_to_reply_in(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO klang")
    thread = fake_gitlab.thread_of(iid, fake_gitlab.add_note(iid, "Approve?", internal=True))
    fake_gitlab.members[BOT] = GUEST

    answer = call("POST", f"/{iid}/discussions/{thread}/notes", body="Approved")

    assert (answer.status_code, answer.json()) == (404, {"message": "404 Discussion Not Found"})
    assert len(fake_gitlab.notes[iid]) == 1


# --- who closed an issue --------------------------------------------------------------------------


def test_closed_by_names_who_closed_and_reopening_clears_it(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO klang", author="klang")

    closed = call("PUT", f"/{iid}", state_event="close").json()
    again = call("PUT", f"/{iid}", state_event="close").json()  # no transition, no event
    reopened = call("PUT", f"/{iid}", state_event="reopen").json()

    assert (closed["state"], closed["closed_by"]["username"]) == ("closed", BOT)
    assert again["closed_at"] == closed["closed_at"]
    assert (reopened["state"], reopened["closed_by"], reopened["closed_at"]) == (
        "opened",
        None,
        None,
    )
    events = listed(f"/{iid}/resource_state_events")
    assert [(e["state"], e["user"]["username"]) for e in events] == [
        ("closed", BOT),
        ("reopened", BOT),
    ]
    assert {e["resource_type"] for e in events} == {"Issue"}


def test_a_close_quick_action_is_recorded_as_its_authors(fake_gitlab: FakeGitLab) -> None:
    by_note = fake_gitlab.add_issue("Fallback")
    by_person = fake_gitlab.add_issue("PTO klang", author="klang")
    by_template = fake_gitlab.add_issue(
        "x", author="dbass90", description="/close", quick_actions=True
    )

    call("POST", f"/{by_note}/notes", body="All covered.\n/close")
    fake_gitlab.set_state(by_person, "close", "melroberts")

    closers = [call("GET", f"/{i}").json()["closed_by"]["username"] for i in (by_note, by_person)]
    assert closers == [BOT, "melroberts"]
    assert call("GET", f"/{by_template}").json()["closed_by"]["username"] == "dbass90"


def test_an_issue_set_up_closed_was_closed_by_its_author_unless_said(
    fake_gitlab: FakeGitLab,
) -> None:
    own = fake_gitlab.add_issue("PTO klang", author="klang", state="closed")
    other = fake_gitlab.add_issue(
        "PTO a", author="a.conrad", state="closed", closed_by="melroberts"
    )

    assert [call("GET", f"/{i}").json()["closed_by"]["username"] for i in (own, other)] == [
        "klang",
        "melroberts",
    ]
    assert [e["state"] for e in listed(f"/{own}/resource_state_events")] == ["closed"]


# --- the documented shapes ------------------------------------------------------------------------

#: Keys of the "Get single project issue" / "List project issues" examples (Free tier).
ISSUE_KEYS = {
    "id", "iid", "project_id", "title", "description", "state", "created_at", "updated_at",
    "closed_at", "closed_by", "labels", "milestone", "assignees", "author", "type", "assignee",
    "user_notes_count", "merge_requests_count", "upvotes", "downvotes", "due_date",
    "moved_to_id", "imported", "imported_from", "confidential", "discussion_locked",
    "issue_type", "severity", "web_url", "time_stats", "has_tasks", "task_completion_status",
    "references", "_links", "subscribed",
}  # fmt: skip
#: Keys of the "List project issue notes" example.
NOTE_KEYS = {
    "id", "type", "body", "attachment", "author", "created_at", "updated_at", "system",
    "noteable_id", "noteable_type", "project_id", "noteable_iid", "resolvable", "confidential",
    "internal", "imported", "imported_from",
}  # fmt: skip


def test_issues_and_notes_carry_the_documented_keys(fake_gitlab: FakeGitLab) -> None:
    iid = fake_gitlab.add_issue("PTO klang", author="klang", assignees=["klang"])
    fake_gitlab.add_note(iid, "Enjoy", author="dbass90")

    issue = call("GET", f"/{iid}").json()
    note = listed(f"/{iid}/notes")[0]

    assert set(issue) >= ISSUE_KEYS
    assert set(note) >= NOTE_KEYS and "discussion_id" not in note
    assert issue["references"] == {
        "short": f"#{iid}",
        "relative": f"#{iid}",
        "full": f"support/ase#{iid}",
    }
    assert (issue["type"], issue["issue_type"], issue["assignee"]["username"]) == (
        "ISSUE",
        "issue",
        "klang",
    )
    assert issue["_links"]["notes"] == f"{ISSUES}/{iid}/notes"


# --- who GitLab tells ---------------------------------------------------------------------------


def test_a_new_comment_tells_the_participants_and_whoever_it_mentions(
    fake_gitlab: FakeGitLab,
) -> None:
    fake_gitlab.add_users(["klang", "adamlauzon", "dbass90", "melroberts"])
    iid = fake_gitlab.add_issue(
        "PTO klang", author="klang", assignees=["adamlauzon"], description="cc @melroberts"
    )
    fake_gitlab.add_note(iid, "Looks good", author="dbass90")
    fake_gitlab.add_note(iid, "see `@harishsr` and [@jdoe](https://x)", author="klang")

    call("POST", f"/{iid}/notes", body="@michwalker please look")

    (told,) = fake_gitlab.notified
    assert (told.what, told.iid) == ("note", iid)
    # author, assignee, commenter, mentioned in the description, mentioned now; not the bot,
    # not a name in code or in a link
    assert told.to == {"klang", "adamlauzon", "dbass90", "melroberts", "michwalker"}


def test_a_new_issue_tells_its_assignees_and_whoever_it_mentions(fake_gitlab: FakeGitLab) -> None:
    fake_gitlab.add_users(["klang", "adamlauzon"])
    ids = [fake_gitlab._users["adamlauzon"]]

    call("POST", "", title="Coverage", description="for `klang`, ask @magomez3", assignee_ids=ids)

    (told,) = fake_gitlab.notified
    assert (told.what, told.to) == ("issue", {"adamlauzon", "magomez3"})


def test_an_edit_tells_only_who_it_newly_mentions_and_closing_tells_the_participants(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO klang", author="klang")
    note = call("POST", f"/{iid}/notes", body="hello @adamlauzon").json()["id"]
    fake_gitlab.notified.clear()

    call("PUT", f"/{iid}/notes/{note}", body="hello @adamlauzon and @magomez3")
    call("PUT", f"/{iid}", description="now with @dbass90")
    call("PUT", f"/{iid}", state_event="close")
    call("PUT", f"/{iid}", add_labels="pto::covered")  # a label tells its subscribers only

    assert [(t.what, t.to) for t in fake_gitlab.notified] == [
        ("edit", {"magomez3"}),
        ("edit", {"dbass90"}),
        ("close", {"klang", "adamlauzon", "magomez3", "dbass90"}),
    ]


# --- GitLab's throttles and limits ----------------------------------------------------------------


def test_a_label_only_change_within_a_minute_leaves_updated_at_as_it_was(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO klang", labels=["pto"], author="klang", age=timedelta(0))
    fake_gitlab.advance(30)
    before = fake_gitlab.issues[iid]["updated_at"]
    assert call("PUT", f"/{iid}", add_labels="out::1").status_code == 200
    assert fake_gitlab.issues[iid]["updated_at"] == before  # ThrottledTouch
    assert call("PUT", f"/{iid}", description="Edited").status_code == 200
    assert fake_gitlab.issues[iid]["updated_at"] == fake_gitlab.now  # not a label-only change


def test_the_61st_comment_in_a_minute_is_refused_without_retry_after(
    fake_gitlab: FakeGitLab,
) -> None:
    iid = fake_gitlab.add_issue("PTO klang", labels=["pto"], author="klang")
    for n in range(60):
        assert call("POST", f"/{iid}/notes", body=f"note {n}").status_code == 201
    refused = call("POST", f"/{iid}/notes", body="one too many")
    assert refused.status_code == 429 and "Retry-After" not in refused.headers
    fake_gitlab.advance(61)
    assert call("POST", f"/{iid}/notes", body="a minute later").status_code == 201
