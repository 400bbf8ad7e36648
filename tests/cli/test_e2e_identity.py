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


# -- one identity across tokens -------------------------------------------------------------------


def busy_week(team: Team) -> tuple[int, int]:
    """klang covered by his pod; dbass90 and andsmith3 out together (a fallback request), where
    klang volunteers. The request with the fallback, and its fallback request."""
    team.policy, team.remember = policy_naming(team, None), True
    team.playbook("Acme Corp", "klang")
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.request("klang", "2026-12-14", "2026-12-18", created="2026-11-01")
    team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-02")
    req = team.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-03")
    assert team.reconcile("2026-11-20T14:00").code == 0
    fb = team.fallback_of(req)
    assert fb is not None
    team.comment(fb, "klang", "/pto volunteer Northwind", when="2026-11-20T14:30")
    assert team.reconcile("2026-11-20T15:00").code == 0
    return req, fb


def written(team: Team) -> tuple[int, int]:
    issues = len(team.fake.issues)
    notes = sum(len(n) for n in team.fake.notes.values())
    return issues, notes


@pytest.mark.parametrize("new_user", ["project_42_bot_9d1e0a7c", "ase-pto-bot-2027"])
def test_a_new_token_is_a_new_user_and_the_bots_earlier_notes_stay_its_own(
    team: Team, new_user: str
) -> None:
    team.fake.rename_bot(TOKEN_USER)  # the first token: a project access token's bot user
    _, fb = busy_week(team)
    before = written(team)
    if not new_user.startswith("project_42_bot"):  # a dedicated user: named in the policy
        policy = Path(team.policy)
        text = policy.read_text()
        policy.write_text(text.replace("bot:\n", f"bot:\n  former_usernames: [{TOKEN_USER}]\n"))
    team.fake.rename_bot(new_user)  # a new token (not rotated): a new user

    run = team.reconcile("2026-11-20T16:00")

    assert run.code == 0, run.text
    assert written(team) == before  # no second coverage note, dashboard or fallback request
    assert "klang" in (team.fake.issues[fb]["description"] or "")  # the volunteer kept
    assert team.state(fb) == "closed"
    assert len(team.reconcile("2026-11-20T17:00").writes) == 0


def test_the_bots_markers_by_a_user_it_does_not_know_stop_writes_there_and_say_what_to_add(
    team: Team,
) -> None:
    team.fake.rename_bot("old-pto-bot")  # a dedicated user's token, replaced by another's
    req, _ = busy_week(team)
    team.fake.rename_bot("new-pto-bot")

    run = team.reconcile("2026-11-20T16:00")

    assert run.code == 1, run.text
    assert f"#{req}: the notes with the bot's hidden marker are by @old-pto-bot" in run.text
    assert "add old-pto-bot to bot.former_usernames" in run.text
    assert not any(f"/issues/{req}/" in path for _, path in run.writes)
