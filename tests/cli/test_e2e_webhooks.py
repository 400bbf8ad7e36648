"""GitLab's own documented webhook payloads (``tests/fixtures/webhooks/``, see its README)
through ``pto-bot handle-event --payload FILE``, delivered as the pipeline trigger delivers them
(the body plus the trigger's ``id`` and ``ref``): each is ignored with the reason a person reads
in the job log, or handled. Only the project, the labels and, where an issue must exist, the
iid are changed, here in code, to make an event concern the team project."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from fake_gitlab import PROJECT_ID, PROJECT_PATH
from gitlab_team import Team
from pto_bot.domain.markers import strip_marker

FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"
NOW = "2026-11-20T14:00"
NOT_OURS = "carries none of the labels playbook, pto, pto-coverage, pto-fallback"

ISSUE_HOOKS = ["issue_hook.json", "confidential_issue_hook.json", "work_item_hook.json"]
NOTE_HOOKS = ["note_hook_issue.json", "confidential_note_hook_issue.json"]


def documented(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def in_team_project(payload: dict[str, Any], labels: list[str] | None = None) -> dict[str, Any]:
    """The event as the team project would send it: its id and path, and ``labels`` (titles)
    in every place the payload lists the issue's labels."""
    moved = copy.deepcopy(payload)
    moved["project"].update(id=PROJECT_ID, path_with_namespace=PROJECT_PATH)
    for holder in (moved, moved["object_attributes"], moved.get("issue") or {}):
        if "project_id" in holder:
            holder["project_id"] = PROJECT_ID
    if labels is not None:
        titled = [{"id": n, "title": title} for n, title in enumerate(labels)]
        for holder in (moved, moved["object_attributes"], moved.get("issue") or {}):
            if "labels" in holder:
                holder["labels"] = copy.deepcopy(titled)
    return moved


def delivered(team: Team, payload: dict[str, Any]) -> Any:
    """``pto-bot handle-event`` on the payload file a pipeline trigger hands the job."""
    return team.event({**payload, "id": 4711, "ref": "main"}, now=NOW)


# --- as documented: another project ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "project"),
    [
        *[(name, "gitlabhq/gitlab-test") for name in ISSUE_HOOKS],
        *[(name, "gitlab-org/gitlab-test") for name in NOTE_HOOKS],
    ],
)
def test_a_documented_event_of_another_project_is_ignored_without_a_request(
    team: Team, name: str, project: str
) -> None:
    run = delivered(team, documented(name))

    assert (run.code, run.text) == (
        0,
        f"ignored: event from project {project} mentions nobody on the roster\n",
    )
    assert run.calls == []


def test_a_work_item_of_a_group_is_ignored_naming_its_type(team: Team) -> None:
    run = delivered(team, documented("work_item_epic_hook.json"))

    assert (run.code, run.text) == (0, "ignored: Epic #23 belongs to a group, not to a project\n")
    assert run.calls == []


# --- in the team project, with the documented labels ----------------------------------------------


@pytest.mark.parametrize("name", ISSUE_HOOKS)
def test_a_documented_issue_event_without_the_bots_labels_is_ignored(team: Team, name: str) -> None:
    run = delivered(team, in_team_project(documented(name)))

    assert (run.code, run.text) == (0, f"ignored: #23 {NOT_OURS}\n")
    assert run.calls == []


@pytest.mark.parametrize("name", NOTE_HOOKS)
def test_a_documented_comment_without_the_bots_labels_is_ignored(team: Team, name: str) -> None:
    run = delivered(team, in_team_project(documented(name)))

    assert (run.code, run.text) == (0, f"ignored: #17 {NOT_OURS}\n")
    assert run.calls == []


@pytest.mark.parametrize("name", NOTE_HOOKS)
def test_a_documented_comment_on_a_pto_request_without_a_command_is_ignored(
    team: Team, name: str
) -> None:
    run = delivered(team, in_team_project(documented(name), labels=["pto"]))

    assert (run.code, run.text) == (0, "ignored: the comment on #17 has no /pto command\n")
    assert run.calls == []


# --- in the team project, on a PTO request --------------------------------------------------------


def request_23(team: Team) -> int:
    """klang's PTO request, issue #23 of the team project (the documented event's iid)."""
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    while max(team.fake.issues) < 22:
        team.fake.add_issue("Team lunch", author="klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert req == 23
    return req


@pytest.mark.parametrize("name", ISSUE_HOOKS)
def test_a_documented_issue_event_on_a_pto_request_is_handled(team: Team, name: str) -> None:
    req = request_23(team)

    run = delivered(team, in_team_project(documented(name), labels=["pto"]))

    assert run.code == 0, run.text
    assert run.text.startswith("issue event on #23 by root: reconciling\n"), run.text
    assert set(team.labels(req)) == {"pto", "out::1", "pto::covered"}
    assert "| Acme Corp | high | auto-assigned | @adamlauzon (pod) |" in strip_marker(
        team.note(req, "coverage")
    )
