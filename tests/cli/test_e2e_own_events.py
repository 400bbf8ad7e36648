"""The bot's own events near-free: the webhook's custom template carries the event's author to the
pipeline (an input), the component sends the bot's own events to a job that holds no lock and
restores no cache (tests/test_gitlab_ci.py), and that job makes the webhook job's first decision,
from the payload alone, with ``handle-event --ignore-only``: every write of a run comes back
ignored, without a request; an event that is not the bot's is refused there, never acted on.

The template's body is rendered as GitLab renders one (``gitlab_team.templated``): for each
documented webhook body the bot decides exactly as on the default body.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fake_gitlab import PROJECT_ID, PROJECT_PATH
from gitlab_team import POLICY, Run, Team, bot_events, issue_hook, note_hook, templated
from pto_bot.adapters.hook_template import EVENT_BY, webhook_template
from pto_bot.adapters.webhook import parse_event

FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"
DOCUMENTED = [
    "issue_hook.json",
    "confidential_issue_hook.json",
    "work_item_hook.json",
    "work_item_epic_hook.json",
    "note_hook_issue.json",
    "confidential_note_hook_issue.json",
]


def own_event(team: Team, payload: dict[str, Any], now: str) -> Run:
    """The component's job of the bot's own events on ``payload`` as the template sends it."""
    body = templated(payload, webhook_template())
    path = team.tmp / "trigger_payload.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    return team.run("handle-event", "--payload", str(path), "--ignore-only", now=now)


@pytest.mark.parametrize("name", DOCUMENTED)
def test_the_templates_body_is_decided_as_the_default_body(name: str) -> None:
    default = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    body = templated(default, webhook_template())
    assert body["inputs"] == {EVENT_BY: default["user"]["username"]}
    for project_id, bot in [(None, None), (default["project"] and 5, "root"), (1, None)]:
        settings: dict[str, Any] = {
            "project_id": project_id,
            "project_path": None,
            "bot_username": bot,
        }
        assert parse_event(json.dumps(body), **settings) == parse_event(
            json.dumps(default), **settings
        )


def test_the_templates_body_carries_any_text_a_person_writes(team: Team) -> None:
    req = team.request("klang", "2026-12-07", "2026-12-11")
    text = 'He said "hi" \\ {{user.username}}\n/pto status\t</script> @all'
    note = team.comment(req, "adamlauzon", text, when="2026-11-20T13:00")
    body = templated(note_hook(team, req, note, "adamlauzon"), webhook_template())
    event = parse_event(
        json.dumps(body), project_id=PROJECT_ID, project_path=PROJECT_PATH, bot_username=None
    )
    assert getattr(event, "note_body", None) == text
    assert body["inputs"] == {EVENT_BY: "adamlauzon"}


def test_every_write_of_runs_comes_back_ignored_in_the_job_of_the_bots_own_events(
    team: Team,
) -> None:
    """Comments posted and edited, labels changed, a fallback request opened: each of the bot's
    writes is an event, each ignored from its payload, without a request."""
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.playbook("Acme Corp", "andsmith3", "high", "auto-assigned")
    first = team.request("dbass90", "2026-12-07", "2026-12-11")
    team.request("andsmith3", "2026-12-07", "2026-12-11")
    team.comment(first, "harishsr", "/pto status", when="2026-11-20T13:30")
    writes = team.reconcile("2026-11-20T14:00").writes
    body = team.fake.issues[first]["description"].replace("2026-12-11", "2026-12-10")
    team.edit(first, "2026-11-20T14:20", description=body)
    writes += team.reconcile("2026-11-20T15:00").writes
    events = bot_events(team, writes)
    actions = {(e["object_kind"], e["object_attributes"].get("action")) for e in events}
    assert {("note", "create"), ("note", "update"), ("issue", "open"), ("issue", "update")} <= (
        actions
    )
    # a link between issues makes system notes, which fire no webhook (Notes::PostProcessService)
    assert len(events) == len([w for w in writes if not w[1].endswith("/links")])
    for payload in events:
        replayed = own_event(team, payload, now="2026-11-20T15:01")
        assert (replayed.code, replayed.calls) == (0, [])
        assert replayed.text.startswith("ignored: ") and "by the bot itself" in replayed.text


def test_a_persons_event_taken_for_the_bots_is_refused_naming_both_users(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    """The component's input bot names a person (or the bot under another name): the job acts on
    nothing, and says what to set. The next scheduled run reconciles the event."""
    req = team.request("klang", "2026-12-07", "2026-12-11")
    note = team.comment(req, "klang", "/pto status", when="2026-11-20T13:30")
    run = own_event(team, note_hook(team, req, note, "klang"), now="2026-11-20T13:31")
    assert (run.code, run.text, run.calls) == (2, "", [])
    said = capsys.readouterr().err
    assert "the note event on #1 by klang is not ignored, and this job acts on nothing" in said
    assert "bot.username in the policy is pto-bot: give the component's input bot" in said


def test_without_the_bots_username_its_label_change_is_refused_and_its_comment_ignored(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without bot.username the payload alone tells the bot's comments (their marker) but not its
    label changes: the job then names the setting rather than ask GitLab who the bot is."""
    unnamed = team.tmp / "unnamed.yaml"
    text = Path(team.policy).read_text()
    assert "  username: pto-bot\n" in text
    unnamed.write_text(text.replace("  username: pto-bot\n", ""))
    team.policy = str(unnamed)
    req = team.request("klang", "2026-12-07", "2026-12-11")
    run = team.reconcile("2026-11-20T14:00")
    notes = [e for e in bot_events(team, run.writes) if e["object_kind"] == "note"]
    assert notes and all(
        own_event(team, e, "2026-11-20T14:01").text.startswith("ignored: comment by the bot")
        for e in notes
    )
    refused = own_event(team, issue_hook(team, req, "pto-bot", ["pto"]), "2026-11-20T14:01")
    assert (refused.code, refused.calls) == (2, [])
    assert "set bot.username: pto-bot in the policy" in capsys.readouterr().err


def test_the_shipped_policy_names_the_bot(team: Team) -> None:
    """What the component's routing relies on: the policy the README shows sets bot.username."""
    assert "  username: pto-bot\n" in Path(POLICY).read_text()
