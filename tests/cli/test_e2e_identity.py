"""Who the bot is: the token's user (``GET /user``, once per run). A ``bot.username`` naming
someone else stops the run before any write; without one, the bot still knows its own notes, and
the webhook job still ignores most irrelevant events without a request."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_gitlab import BOT, TOKEN
from gitlab_team import Team, issue_hook, note_hook

TOKEN_USER = "project_42_bot_4ffca233"


def policy_naming(team: Team, username: str | None) -> str:
    """The team's policy with ``bot.username`` set to ``username``, or without the line."""
    text = Path(team.policy).read_text()
    assert f"  username: {BOT}\n" in text
    path = team.tmp / f"policy-{username}.yaml"
    line = f"  username: {username}\n" if username else ""
    path.write_text(text.replace(f"  username: {BOT}\n", line))
    return str(path)


@pytest.mark.parametrize("job", ["reconcile", "handle-event"])
def test_a_bot_username_that_is_not_the_tokens_user_stops_before_any_write(
    team: Team, capsys: pytest.CaptureFixture[str], job: str
) -> None:
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    note_id = team.comment(req, "klang", "/pto status", when="2026-11-20T13:00")
    team.fake.rename_bot(TOKEN_USER)

    if job == "reconcile":
        run = team.reconcile("2026-11-20T14:00")
    else:
        run = team.event(note_hook(team, req, note_id, "klang"), now="2026-11-20T14:00")

    assert run.code == 2
    assert run.writes == [] and team.fake.count("POST") + team.fake.count("PUT") == 0
    assert run.calls == [("GET", "/user")]  # nothing read either
    err = capsys.readouterr().err
    assert f"bot.username is 'pto-bot', but GITLAB_TOKEN belongs to '{TOKEN_USER}'" in err
    assert f"Set `bot.username: {TOKEN_USER}` (or delete the line" in err
    assert TOKEN not in err


def test_without_a_bot_username_the_tokens_user_is_the_bot(team: Team) -> None:
    team.policy = policy_naming(team, None)
    team.fake.rename_bot(TOKEN_USER)
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")

    first = team.reconcile("2026-11-20T14:00")
    second = team.reconcile("2026-11-20T15:00")

    assert (first.code, second.code) == (0, 0)
    notes = team.fake.notes[req]
    assert [n["author"] for n in notes] == [TOKEN_USER]  # its own note, recognised next time
    assert second.writes == [] and second.count("GET", "/user") == 1


def test_a_matching_bot_username_is_accepted_whatever_its_case(team: Team) -> None:
    team.policy = policy_naming(team, TOKEN_USER.upper())
    team.fake.rename_bot(TOKEN_USER)
    team.playbook("Acme Corp", "klang")
    team.request("klang", "2026-12-07", "2026-12-11")

    assert team.reconcile("2026-11-20T14:00").code == 0


def test_without_a_bot_username_the_webhook_job_still_ignores_what_it_can_for_free(
    team: Team,
) -> None:
    team.policy = policy_naming(team, None)
    team.fake.rename_bot(TOKEN_USER)
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert team.reconcile("2026-11-20T14:00").code == 0
    bots = team.fake.notes[req][0]["id"]
    chat = team.comment(req, "adamlauzon", "@klang enjoy!", when="2026-11-20T14:10")
    mention = team.comment(req, "adamlauzon", f"@{TOKEN_USER} status", when="2026-11-20T14:20")

    own = team.event(note_hook(team, req, bots, TOKEN_USER), now="2026-11-20T14:30")
    talk = team.event(note_hook(team, req, chat, "adamlauzon"), now="2026-11-20T14:31")
    asked = team.event(note_hook(team, req, mention, "adamlauzon"), now="2026-11-20T14:32")

    assert own.code == 0 and own.calls == [] and "comment by the bot itself" in own.text
    assert talk.code == 0 and talk.calls == [] and "has no /pto command" in talk.text
    assert asked.code == 0 and asked.calls[0] == ("GET", "/user")
    assert "reconciling" in asked.text and len(team.bot_notes(req)) == 2


def test_without_a_bot_username_its_own_label_change_costs_one_request(team: Team) -> None:

    team.policy = policy_naming(team, None)
    team.fake.rename_bot(TOKEN_USER)
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert team.reconcile("2026-11-20T14:00").code == 0

    run = team.event(issue_hook(team, req, TOKEN_USER, ["pto"]), now="2026-11-20T14:30")

    assert run.code == 0 and run.calls == [("GET", "/user")]
    assert f"ignored: issue event caused by the bot itself (@{TOKEN_USER})" in run.text


def test_a_report_with_a_readers_token_trusts_the_bot_username_it_is_given(team: Team) -> None:
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert team.reconcile("2026-11-20T14:00").code == 0
    team.fake.rename_bot("calendar-reader")  # a read_api token of another user

    run = team.run("report", "--out", str(team.tmp / "public"), now="2026-11-20T15:00")

    assert run.code == 0 and ("GET", "/user") not in run.calls  # no identity to check
    report = json.loads((team.tmp / "public" / "report.json").read_text())
    [row] = [r for r in report["requests"] if r["iid"] == req]
    assert row["covers"] and all(c["backup"] for c in row["covers"])  # the bot's notes read
