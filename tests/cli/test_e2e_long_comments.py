"""Long comments end to end, against the fake GitLab (which refuses a note over 1,000,000
characters and a description over 1 MiB, as GitLab does): a command or a mention at the end of a
megabyte is answered, the reply stays short enough for GitLab, and the bot's memory of the comment
stays small."""

from __future__ import annotations

import random
import string
from typing import Any

from fake_gitlab import MAX_NOTE
from gitlab_team import POLICY, Team, note_hook
from pto_bot.adapters.gitlab.memory import split
from pto_bot.domain.markers import read_marker
from pto_bot.plan.replies import MAX_REPLY

FILLER = "Notes from the call: see `logs`, [the ticket](https://example.com) and <b>this</b>.\n"


def megabyte(ending: str) -> str:
    """A comment of 1,000,000 characters (the most GitLab takes) that ends with ``ending``."""
    return (FILLER * (MAX_NOTE // len(FILLER) + 1) + "\n" + ending)[-MAX_NOTE:]


def noise(length: int, seed: int) -> str:
    """Words of random letters: text no compression shortens much."""
    letters = random.Random(seed).choices(string.ascii_lowercase + " ", k=length)
    return "".join(letters)


def test_two_thousand_repeated_commands_get_one_short_reply_that_gitlab_takes(team: Team) -> None:
    req = team.request("klang", "2026-12-07", "2026-12-11")
    note = team.comment(req, "klang", "/pto help\n" * 2000, when="2026-11-20T15:00")
    payload = note_hook(team, req, note, "klang")

    run = team.event(payload, now="2026-11-20T15:01")

    assert run.code == 0, run.text
    (reply,) = team.bot_notes(req, "reply")
    assert len(reply) <= MAX_REPLY and reply.count("`help`") == 1
    assert team.event(payload, now="2026-11-20T15:02").writes == []
    assert team.reconcile("2026-11-20T16:00").code == 0
    assert len(team.bot_notes(req, "reply")) == 1


def test_commands_at_the_end_of_megabytes_are_answered_and_the_memory_still_fits(
    team: Team,
) -> None:
    """Two megabytes of comments nothing compresses: the memory leaves out that issue's
    comments (read each run: one request) rather than make a dashboard GitLab refuses."""
    team.policy, team.remember = POLICY, True  # the shipped policy: the memory in the dashboard
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert team.reconcile("2026-11-20T14:00").code == 0
    for n, command in enumerate(("/pto status", "/pto help")):
        text = noise(MAX_NOTE - 100, seed=n) + "\n\n" + command
        note = team.comment(req, "klang", text, when=f"2026-11-20T15:0{n}")
        event = team.event(note_hook(team, req, note, "klang"), now=f"2026-11-20T15:0{n + 5}")
        assert event.code == 0, event.text
    scheduled = team.reconcile("2026-11-20T16:00")

    assert scheduled.code == 0, scheduled.text
    replies = team.bot_notes(req, "reply")
    assert len(replies) == 2 and "✅ `status`" in replies[0] and "✅ `help`" in replies[1]
    dashboard = next(i for i in team.fake.issues.values() if "pto-dashboard" in i["labels"])
    assert split(dashboard["description"])[1] is not None  # a memory, kept
    assert len(dashboard["description"]) < 50_000  # without the megabytes
    later = team.reconcile("2026-11-20T17:00")
    assert later.code == 0 and later.writes == [], later.text
    assert later.count("GET", f"/issues/{req}/notes") == 1  # the one issue left out


def test_a_mention_at_the_end_of_a_megabyte_is_answered(team: Team) -> None:
    team.policy, team.remember = POLICY, True
    acme = team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    team.request("klang", "2026-11-23", "2026-11-27", created="2026-11-01")
    for hour in ("14:00", "15:00"):
        assert team.reconcile(f"2026-11-20T{hour}").code == 0
    body = megabyte("@klang can you look at the renewal?")
    note = team.comment(acme, "melroberts", body, when="2026-11-23T15:00")
    payload: dict[str, Any] = note_hook(team, acme, note, "melroberts")
    payload["object_attributes"]["discussion_id"] = team.fake.thread_of(acme, note)

    run = team.event(payload, now="2026-11-23T15:01")

    assert run.code == 0, run.text
    answers = [
        n["body"]
        for n in team.fake.notes[acme]
        if n["author"] == team.fake.bot and (read_marker(n["body"]) or {}).get("t") == "away"
    ]
    assert len(answers) == 1 and "`klang` is out of office" in answers[0]
