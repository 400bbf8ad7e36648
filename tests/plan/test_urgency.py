"""The order writes are made in when a run cannot make them all: by issue, most urgent first, and
never a mention of an issue before the write that opens it."""

from __future__ import annotations

from pto_bot.plan.actions import CreateIssue, Notify, PostNote, SetLabels, ref
from pto_bot.plan.urgency import urgent_first, writes


def test_people_waiting_come_first_then_coverage_then_reminders_each_issue_kept_together() -> None:
    checklist = PostNote(5, "checklist", "Before you go", "week before")
    labels = SetLabels(7, ("pto::covered",), (), "status")
    coverage = PostNote(7, "coverage", "Covered", "coverage")
    reply = PostNote(9, "reply:123", "@klang done", "answer")

    groups = urgent_first([checklist, labels, coverage, reply])

    assert groups == [[reply], [labels, coverage], [checklist]]


def test_an_issue_that_mentions_a_new_fallback_request_comes_after_it_is_opened() -> None:
    playbook_note = PostNote(3, "cover:7", f"Backup in {ref('fallback:7')}", "start day")
    opened = CreateIssue("fallback:7", "Fallback", "Accounts", ("pto-fallback",), 7, "2 out")
    coverage = PostNote(7, "coverage", f"See {ref('fallback:7')}", "coverage")
    escalation = PostNote(11, "escalated", "@melroberts", "deadline")

    groups = urgent_first([playbook_note, opened, coverage, escalation])

    assert groups == [[escalation], [opened, coverage], [playbook_note]]


def test_a_playbook_note_urgent_enough_to_go_first_still_follows_the_issue_it_names() -> None:
    reply = PostNote(3, "reply:1", f"See {ref('fallback:7')}", "answer")
    opened = CreateIssue("fallback:7", "Fallback", "Accounts", ("pto-fallback",), 7, "2 out")

    assert urgent_first([reply, opened]) == [[opened], [reply]]


def test_what_counts_as_a_write_and_a_comment() -> None:
    assert writes(PostNote(1, "coverage", "x", "y")) == [True]
    assert writes(CreateIssue("k", "t", "d", (), 4, "w")) == [False, False]  # and its link
    assert writes(SetLabels(1, (), (), "nothing")) == []
    assert writes(Notify("k", "text", "why")) == []  # the team channel is not GitLab
