"""Replies to commands: one per comment, bounded whatever the comment holds (a command repeated is
answered once; at most ten commands and 10,000 characters, saying what was left out), commands
recorded by earlier replies never run again, and a near miss (``/ptostatus``) is told what it
probably meant."""

from __future__ import annotations

from project import Project
from pto_bot.commands.parse import _key
from pto_bot.domain.markers import marker, read_marker
from pto_bot.plan.replies import MAX_REPLY

BOT = "pto-bot"


def two_out_in_alpha(p: Project) -> int:
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    return p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")


def test_a_command_repeated_two_thousand_times_is_answered_once_in_a_short_reply() -> None:
    """2,000 ``/pto help`` lines used to get 2,000 answers: a 1.2 MB reply GitLab refuses."""
    p = Project()
    second = two_out_in_alpha(p)
    p.comment(second, "klang", "/pto help\n" * 2000, when="2026-11-10")
    p.run("2026-11-20")
    (reply,) = p.notes(second, "reply")
    assert len(reply) <= MAX_REPLY
    assert reply.count("`help`") == 1
    assert len((read_marker(reply) or {})["cmds"]) == 1
    p.run("2026-11-21")
    assert len(p.notes(second, "reply")) == 1


def test_commands_counted_by_occurrence_in_earlier_replies_stay_answered() -> None:
    """Replies of earlier versions recorded a repeated command once per occurrence."""
    p = Project()
    second = two_out_in_alpha(p)
    note = p.comment(second, "klang", "/pto status\n/pto status\n/pto help", when="2026-11-10")
    recorded = [
        {"n": note, "i": i, "k": _key(note, verb, "", occurrence), "verb": verb, "ok": True}
        | {"by": "klang", "req": second}
        for i, (verb, occurrence) in enumerate([("status", 0), ("status", 1), ("help", 0)])
    ]
    p.comment(second, BOT, "answered\n\n" + marker("reply", note=note, cmds=recorded), "2026-11-11")
    plan, _ = p.run("2026-11-20")
    assert [a for a in plan.actions if getattr(a, "topic", "").startswith("reply")] == []


def test_at_most_ten_commands_of_a_comment_run_and_the_reply_names_the_rest() -> None:
    p = Project()
    second = two_out_in_alpha(p)
    lines = [f"/pto withdraw Account {n}" for n in range(1, 16)]
    p.comment(second, "klang", "\n".join(lines), when="2026-11-10")
    p.run("2026-11-20")
    (reply,) = p.notes(second, "reply")
    assert reply.count("❌ `withdraw`") == 10
    assert "‘Account 10’" in reply and "‘Account 11’" not in reply
    assert "Not run: `/pto withdraw Account 11` and the commands after it in this comment" in reply
    assert "one comment runs at most 10 commands" in reply
    p.run("2026-11-21")  # the commands left out never run
    assert len(p.notes(second, "reply")) == 1


def test_answers_that_do_not_fit_in_one_reply_are_left_out_and_not_run() -> None:
    p = Project()
    for n in range(60):
        p.playbook(f"Account with a fairly long name number {n:02}", "dbass90", "high")
    second = two_out_in_alpha(p)
    p.comment(second, "klang", "\n".join(f"/pto status {n}" for n in range(8)), "2026-11-10")
    p.run("2026-11-20")
    (reply,) = p.notes(second, "reply")
    assert len(reply) <= MAX_REPLY
    answered = reply.count("`status`:")
    assert 1 < answered < 8
    assert "their answers do not fit in one reply (at most 10,000 characters)" in reply
    assert len((read_marker(reply) or {})["cmds"]) == answered + 1  # and what was left out


def test_one_answer_too_long_for_a_reply_is_shortened() -> None:
    p = Project()
    for n in range(300):
        p.playbook(f"Account with a fairly long name number {n:03}", "dbass90", "high")
    second = two_out_in_alpha(p)
    p.comment(second, "klang", "/pto status", when="2026-11-10")
    p.run("2026-11-20")
    (reply,) = p.notes(second, "reply")
    assert len(reply) <= MAX_REPLY
    assert "number 000" in reply and "number 299" not in reply
    assert "(shortened: a reply holds at most 10,000 characters)" in reply


def test_the_command_word_run_into_a_verb_is_told_what_it_probably_meant() -> None:
    p = Project()
    second = two_out_in_alpha(p)
    p.run("2026-11-20")
    fb = p.fallback_of(second)
    assert fb is not None
    p.comment(fb["iid"], "klang", "/ptovolunteer Northwind\n/ptoday is fine", "2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    (reply,) = p.notes(fb["iid"], "reply")
    assert "/ptovolunteer`: did you mean `/pto volunteer Northwind`? Nothing was run" in reply
    assert "/ptoday" not in reply
    assert "pto::needs-coverage" in p.labels(second)  # nothing was taken
    p.run("2026-11-20T17:00")
    assert len(p.notes(fb["iid"], "reply")) == 1
