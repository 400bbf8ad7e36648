"""Webhook payloads -> events, with the examples of GitLab's webhook documentation
(doc/user/project/integrations/webhook_events.md: "Work item events" (Issue Hook) and
"Comment on an issue" / "merge request" / "code snippet" / "commit" (Note Hook))."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from pto_bot.adapters.webhook import Event, Ignored, parse_event

BOT = "pto-bot"

# The documented Issue Hook example (GitLab 17.x docs), verbatim.
ISSUE_HOOK: dict[str, Any] = json.loads(r"""
{
  "object_kind": "issue",
  "event_type": "issue",
  "user": {
    "id": 1,
    "name": "Administrator",
    "username": "root",
    "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon",
    "email": "admin@example.com"
  },
  "project": {
    "id": 1,
    "name":"Gitlab Test",
    "description":"Aut reprehenderit ut est.",
    "web_url":"http://example.com/gitlabhq/gitlab-test",
    "avatar_url":null,
    "git_ssh_url":"git@example.com:gitlabhq/gitlab-test.git",
    "git_http_url":"http://example.com/gitlabhq/gitlab-test.git",
    "namespace":"GitlabHQ",
    "visibility_level":20,
    "path_with_namespace":"gitlabhq/gitlab-test",
    "default_branch":"master",
    "ci_config_path": null,
    "homepage":"http://example.com/gitlabhq/gitlab-test",
    "url":"http://example.com/gitlabhq/gitlab-test.git",
    "ssh_url":"git@example.com:gitlabhq/gitlab-test.git",
    "http_url":"http://example.com/gitlabhq/gitlab-test.git"
  },
  "object_attributes": {
    "id": 301,
    "title": "New API: create/update/delete file",
    "assignee_ids": [51],
    "assignee_id": 51,
    "author_id": 51,
    "project_id": 14,
    "created_at": "2013-12-03T17:15:43Z",
    "updated_at": "2013-12-03T17:15:43Z",
    "updated_by_id": 1,
    "last_edited_at": null,
    "last_edited_by_id": null,
    "relative_position": 0,
    "description": "Create new API for manipulations with repository",
    "milestone_id": null,
    "state_id": 1,
    "confidential": false,
    "discussion_locked": true,
    "due_date": null,
    "moved_to_id": null,
    "duplicated_to_id": null,
    "time_estimate": 0,
    "total_time_spent": 0,
    "time_change": 0,
    "human_total_time_spent": null,
    "human_time_estimate": null,
    "human_time_change": null,
    "weight": null,
    "health_status": "at_risk",
    "type": "Issue",
    "iid": 23,
    "url": "http://example.com/diaspora/issues/23",
    "state": "opened",
    "action": "open",
    "severity": "high",
    "escalation_status": "triggered",
    "escalation_policy": {
      "id": 18,
      "name": "Engineering On-call"
    },
    "labels": [{
        "id": 206,
        "title": "API",
        "color": "#ffffff",
        "project_id": 14,
        "created_at": "2013-12-03T17:15:43Z",
        "updated_at": "2013-12-03T17:15:43Z",
        "template": false,
        "description": "API related issues",
        "type": "ProjectLabel",
        "group_id": 41
      }]
  },
  "repository": {
    "name": "Gitlab Test",
    "url": "http://example.com/gitlabhq/gitlab-test.git",
    "description": "Aut reprehenderit ut est.",
    "homepage": "http://example.com/gitlabhq/gitlab-test"
  },
  "assignees": [{
    "name": "User1",
    "username": "user1",
    "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon"
  }],
  "assignee": {
    "name": "User1",
    "username": "user1",
    "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon"
  },
  "labels": [{
    "id": 206,
    "title": "API",
    "color": "#ffffff",
    "project_id": 14,
    "created_at": "2013-12-03T17:15:43Z",
    "updated_at": "2013-12-03T17:15:43Z",
    "template": false,
    "description": "API related issues",
    "type": "ProjectLabel",
    "group_id": 41
  }],
  "changes": {
    "updated_by_id": {
      "previous": null,
      "current": 1
    },
    "updated_at": {
      "previous": "2017-09-15 16:50:55 UTC",
      "current": "2017-09-15 16:52:00 UTC"
    },
    "labels": {
      "previous": [{
        "id": 206,
        "title": "API",
        "color": "#ffffff",
        "project_id": 14,
        "created_at": "2013-12-03T17:15:43Z",
        "updated_at": "2013-12-03T17:15:43Z",
        "template": false,
        "description": "API related issues",
        "type": "ProjectLabel",
        "group_id": 41
      }],
      "current": [{
        "id": 205,
        "title": "Platform",
        "color": "#123123",
        "project_id": 14,
        "created_at": "2013-12-03T17:15:43Z",
        "updated_at": "2013-12-03T17:15:43Z",
        "template": false,
        "description": "Platform related issues",
        "type": "ProjectLabel",
        "group_id": 41
      }]
    }
  }
}
""")

# The documented "Comment on an issue" Note Hook example, verbatim.
NOTE_HOOK: dict[str, Any] = json.loads(r"""
{
  "object_kind": "note",
  "event_type": "note",
  "user": {
    "id": 1,
    "name": "Administrator",
    "username": "root",
    "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon",
    "email": "admin@example.com"
  },
  "project_id": 5,
  "project":{
    "id": 5,
    "name":"Gitlab Test",
    "description":"Aut reprehenderit ut est.",
    "web_url":"http://example.com/gitlab-org/gitlab-test",
    "avatar_url":null,
    "git_ssh_url":"git@example.com:gitlab-org/gitlab-test.git",
    "git_http_url":"http://example.com/gitlab-org/gitlab-test.git",
    "namespace":"Gitlab Org",
    "visibility_level":10,
    "path_with_namespace":"gitlab-org/gitlab-test",
    "default_branch":"master",
    "homepage":"http://example.com/gitlab-org/gitlab-test",
    "url":"http://example.com/gitlab-org/gitlab-test.git",
    "ssh_url":"git@example.com:gitlab-org/gitlab-test.git",
    "http_url":"http://example.com/gitlab-org/gitlab-test.git"
  },
  "repository":{
    "name":"diaspora",
    "url":"git@example.com:mike/diaspora.git",
    "description":"",
    "homepage":"http://example.com/mike/diaspora"
  },
  "object_attributes": {
    "id": 1241,
    "note": "Hello world",
    "noteable_type": "Issue",
    "author_id": 1,
    "created_at": "2015-05-17 17:06:40 UTC",
    "updated_at": "2015-05-17 17:06:40 UTC",
    "project_id": 5,
    "attachment": null,
    "line_code": null,
    "commit_id": "",
    "noteable_id": 92,
    "system": false,
    "st_diff": null,
    "action": "create",
    "url": "http://example.com/gitlab-org/gitlab-test/issues/17#note_1241"
  },
  "issue": {
    "id": 92,
    "title": "test",
    "assignee_ids": [],
    "assignee_id": null,
    "author_id": 1,
    "project_id": 5,
    "created_at": "2015-04-12 14:53:17 UTC",
    "updated_at": "2015-04-26 08:28:42 UTC",
    "position": 0,
    "branch_name": null,
    "description": "test",
    "milestone_id": null,
    "state": "closed",
    "iid": 17,
    "labels": [
      {
        "id": 25,
        "title": "Afterpod",
        "color": "#3e8068",
        "project_id": null,
        "created_at": "2019-06-05T14:32:20.211Z",
        "updated_at": "2019-06-05T14:32:20.211Z",
        "template": false,
        "description": null,
        "type": "GroupLabel",
        "group_id": 4
      },
      {
        "id": 86,
        "title": "Element",
        "color": "#231afe",
        "project_id": 4,
        "created_at": "2019-06-05T14:32:20.637Z",
        "updated_at": "2019-06-05T14:32:20.637Z",
        "template": false,
        "description": null,
        "type": "ProjectLabel",
        "group_id": null
      }
    ]
  }
}
""")

# The documented comments on other targets, cut to their object_attributes and target.
MR_NOTE_ATTRIBUTES = {
    "id": 1244,
    "note": "This MR needs work.",
    "noteable_type": "MergeRequest",
    "author_id": 1,
    "created_at": "2015-05-17 18:21:36 UTC",
    "updated_at": "2015-05-17 18:21:36 UTC",
    "project_id": 5,
    "noteable_id": 7,
    "system": False,
    "action": "create",
    "url": "http://example.com/gitlab-org/gitlab-test/merge_requests/1#note_1244",
}
SNIPPET_NOTE_ATTRIBUTES = {
    **MR_NOTE_ATTRIBUTES,
    "id": 1245,
    "note": "Is this snippet doing what it's supposed to be doing?",
    "noteable_type": "Snippet",
}
COMMIT_NOTE_ATTRIBUTES = {
    **MR_NOTE_ATTRIBUTES,
    "id": 1243,
    "note": "This is a commit comment. How does this work?",
    "noteable_type": "Commit",
    "commit_id": "cfe32cf61b73a0d5e9f13e774abde7ff789b1660",
}


def parse(payload: Any, *, project_id: int | None = None, project_path: str | None = None) -> Any:
    raw = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return parse_event(raw, project_id=project_id, project_path=project_path, bot_username=BOT)


def changed(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``base`` with the key at dotted ``path`` set to ``value`` (or removed when
    ``value`` is ``...``)."""
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is ...:
        del node[last]
    else:
        node[last] = value
    return data


# --- documented payloads ------------------------------------------------------------------------


def test_documented_issue_hook() -> None:
    event = parse(ISSUE_HOOK, project_id=1, project_path="gitlabhq/gitlab-test")

    assert event == Event(
        kind="issue",
        iid=23,
        actor="root",
        action="open",
        labels=("API",),
        updated_at=datetime(2013, 12, 3, 17, 15, 43, tzinfo=UTC),
        text="Create new API for manipulations with repository",  # what may mention people
        web_url="http://example.com/diaspora/issues/23",
    )


def test_documented_note_hook_with_the_older_timestamp_form() -> None:
    event = parse(NOTE_HOOK, project_id=5)

    assert event == Event(
        kind="note",
        iid=17,
        actor="root",
        action="create",
        labels=("Afterpod", "Element"),
        note_id=1241,
        note_body="Hello world",
        updated_at=datetime(2015, 5, 17, 17, 6, 40, tzinfo=UTC),
        text="Hello world",
        web_url="http://example.com/gitlab-org/gitlab-test/issues/17",
    )


def test_confidential_variants_are_handled_like_the_others() -> None:
    issue = parse(changed(ISSUE_HOOK, "event_type", "confidential_issue"))
    note = parse(changed(NOTE_HOOK, "event_type", "confidential_note"))

    assert isinstance(issue, Event) and issue.iid == 23
    assert isinstance(note, Event) and note.note_body == "Hello world"


def test_an_edited_comment_and_an_older_gitlab_without_action() -> None:
    edited = parse(changed(NOTE_HOOK, "object_attributes.action", "update"))
    older = parse(changed(NOTE_HOOK, "object_attributes.action", ...))
    old_issue = parse(changed(ISSUE_HOOK, "object_attributes.action", ...))

    assert (edited.action, older.action, old_issue.action) == ("update", "create", "update")


def test_a_pipeline_trigger_payload_file_carries_id_and_ref_too() -> None:
    payload = {**NOTE_HOOK, "id": 4711, "ref": "main"}

    assert parse(json.dumps(payload).encode()) == parse(NOTE_HOOK)


def test_iso_timestamps_with_offsets_and_unknown_keys_everywhere() -> None:
    payload = changed(NOTE_HOOK, "object_attributes.updated_at", "2026-12-01T10:00:00.123+01:00")
    payload["object_attributes"]["reactions"] = {"thumbsup": 3}
    payload["user"]["pronouns"] = "they/them"
    payload["brand_new_field"] = [1, 2, 3]

    event = parse(payload)

    assert event.updated_at == datetime(2026, 12, 1, 9, 0, 0, 123000, tzinfo=UTC)


def test_issue_labels_fall_back_to_object_attributes_and_accept_plain_names() -> None:
    without_top_level = changed(ISSUE_HOOK, "labels", ...)
    plain = changed(NOTE_HOOK, "issue.labels", ["pto", "out::2"])

    assert parse(without_top_level).labels == ("API",)
    assert parse(plain).labels == ("pto", "out::2")


def test_without_a_configured_project_any_project_is_accepted() -> None:
    assert isinstance(parse(NOTE_HOOK), Event)


def test_project_path_comparison_ignores_case() -> None:
    assert isinstance(parse(NOTE_HOOK, project_path="GitLab-Org/GitLab-Test"), Event)


# --- what is ignored, and the reason a person reads -----------------------------------------------


def note_on(attributes: dict[str, Any], target: str) -> dict[str, Any]:
    payload = {k: v for k, v in NOTE_HOOK.items() if k != "issue"}
    return {**payload, "object_attributes": attributes, target: {"id": 7, "iid": 1}}


STRANGE = [
    ("empty file", b"", "payload is empty"),
    ("not JSON", '{"object_kind": "note",', "payload is not valid JSON: Expecting property name"),
    ("JSON error position", "{\n  oops\n}", "at line 2 column 3"),
    ("binary", b"\xff\xfe\x00", "payload is not UTF-8 text (byte 0)"),
    ("array", "[1, 2]", "payload is a JSON array, not an object"),
    ("null", "null", "payload is a JSON null, not an object"),
    ("no object_kind", {"foo": 1}, "missing key object_kind: not a GitLab webhook payload"),
    (
        "merge request",
        {"object_kind": "merge_request", "event_type": "merge_request"},
        "object_kind 'merge_request' is not handled (only issue, work item and note events)",
    ),
    (
        "work item of a group",
        changed(
            changed(changed(ISSUE_HOOK, "object_kind", "work_item"), "project", None),
            "object_attributes.type",
            "Epic",
        ),
        "Epic #23 belongs to a group, not to a project",
    ),
    ("pipeline", {"object_kind": "pipeline", "object_attributes": {}}, "object_kind 'pipeline'"),
    (
        "issue without iid",
        changed(ISSUE_HOOK, "object_attributes.iid", ...),
        "issue event not understood: missing key object_attributes.iid",
    ),
    ("issue without user", changed(ISSUE_HOOK, "user", ...), "missing key user"),
    (
        "iid not a number",
        changed(ISSUE_HOOK, "object_attributes.iid", "twenty-three"),
        "object_attributes.iid: Input should be a valid integer",
    ),
    (
        "garbled timestamp",
        changed(NOTE_HOOK, "object_attributes.updated_at", "yesterday-ish"),
        "object_attributes.updated_at: Value error, expected a time like 2013-12-03T17:15:43Z",
    ),
    (
        "garbled timestamp of older hooks",
        changed(NOTE_HOOK, "object_attributes.updated_at", "2015-05-17 25:06:40 UTC"),
        "object_attributes.updated_at: Value error, expected a time like 2013-12-03T17:15:43Z",
    ),
    (
        "unknown event_type",
        changed(ISSUE_HOOK, "event_type", "merge_request"),
        "event_type: Input should be 'issue' or 'confidential_issue'",
    ),
    (
        "note deleted (unknown action)",
        changed(NOTE_HOOK, "object_attributes.action", "delete"),
        "object_attributes.action: Input should be 'create' or 'update'",
    ),
    (
        "comment on a merge request",
        note_on(MR_NOTE_ATTRIBUTES, "merge_request"),
        "comment on a MergeRequest, not on an issue",
    ),
    (
        "comment on a snippet",
        note_on(SNIPPET_NOTE_ATTRIBUTES, "snippet"),
        "comment on a Snippet, not on an issue",
    ),
    (
        "comment on a commit",
        note_on(COMMIT_NOTE_ATTRIBUTES, "commit"),
        "comment on a Commit, not on an issue",
    ),
    (
        "system note",
        changed(NOTE_HOOK, "object_attributes.system", True),
        "system note (GitLab's own record of a change)",
    ),
    (
        "issue note without the issue",
        changed(NOTE_HOOK, "issue", ...),
        "note event not understood: missing key issue",
    ),
    (
        "the bot's own comment",
        changed(NOTE_HOOK, "user.username", "PTO-Bot"),
        "note event caused by the bot itself (@PTO-Bot)",
    ),
    (
        "the bot's own label change",
        changed(ISSUE_HOOK, "user.username", BOT),
        "issue event caused by the bot itself (@pto-bot)",
    ),
]


@pytest.mark.parametrize(
    ("payload", "reason"), [(p, r) for _, p, r in STRANGE], ids=[n for n, _, _ in STRANGE]
)
def test_strange_payloads_are_ignored_with_a_reason(payload: Any, reason: str) -> None:
    result = parse(payload)

    assert isinstance(result, Ignored)
    assert reason in result.reason


def test_events_of_another_project_are_ignored_by_id() -> None:
    result = parse(NOTE_HOOK, project_id=42, project_path=None)

    assert result == Ignored(
        reason="event from project gitlab-org/gitlab-test, not from this bot's project id 42"
    )


def test_events_of_another_project_are_ignored_by_path() -> None:
    result = parse(ISSUE_HOOK, project_id=None, project_path="support/ase")

    assert result == Ignored(
        reason="event from project gitlabhq/gitlab-test, not from this bot's project support/ase"
    )


def test_events_are_frozen() -> None:
    event = parse(NOTE_HOOK)

    with pytest.raises(ValueError, match="frozen"):
        event.iid = 3


# --- the bot's own events when its username is not configured --------------------------------


def without_name(payload: Any) -> Any:
    return parse_event(json.dumps(payload), project_id=None, project_path=None, bot_username=None)


def test_without_the_bots_name_its_comments_are_told_by_their_marker() -> None:
    signed = 'Backups for your PTO\n\n<!-- pto-bot {"t":"coverage"} -->\n'
    event = without_name(changed(NOTE_HOOK, "object_attributes.note", signed))
    assert event == Ignored(reason="comment by the bot itself (@root: its marker)")


def test_a_quoted_marker_or_a_person_is_not_taken_for_the_bot() -> None:
    quoted = '> Backups for your PTO\n> <!-- pto-bot {"t":"coverage"} -->\n\n/pto status'
    assert isinstance(without_name(changed(NOTE_HOOK, "object_attributes.note", quoted)), Event)
    assert isinstance(without_name(NOTE_HOOK), Event)
    assert isinstance(without_name(ISSUE_HOOK), Event)  # left to the job, once it knows the bot
