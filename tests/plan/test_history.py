"""Archived history: a request whose last day is more than six weeks past is counted and shown,
and the bot no longer writes to it; the closed history the rules need reaches back to January 1
or six weeks, whichever is earlier."""

from __future__ import annotations

from datetime import date

from project import Project
from pto_bot.plan.actions import target
from pto_bot.rules import history


def test_a_request_long_over_and_left_open_is_not_written_to_when_its_neighbour_changes() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    left_open = p.request("klang", "2026-09-07", "2026-09-11", created="2026-08-01")
    neighbour = p.request("adamlauzon", "2026-09-07", "2026-09-08", created="2026-08-02")
    p.run("2026-09-01")
    assert "out::1" in p.labels(left_open) and "out::2" in p.labels(neighbour)
    labels, notes = p.labels(left_open), p.notes(left_open)
    # ten weeks later the neighbour's request is edited: an earlier run would have relabelled it
    p.edit(neighbour, description=p.raw(neighbour)["description"].replace("09-07", "09-04"))
    plan, _ = p.run("2026-11-20")
    assert all(target(a) != left_open for a in plan.actions)
    assert (p.labels(left_open), p.notes(left_open)) == (labels, notes)
    ev = plan.evaluation.get(left_open)
    assert ev is not None and ev.counted  # still counted and shown


def test_five_weeks_after_it_ends_a_request_is_still_kept_up_to_date() -> None:
    p = Project()
    req = p.request("klang", "2026-10-12", "2026-10-16", created="2026-10-01")
    p.run("2026-10-05")
    p.edit(req, labels=["pto"])  # someone removed the bot's labels
    p.run("2026-11-20")  # 35 days after its last day
    assert "out::1" in p.labels(req)


def test_the_history_the_rules_need_starts_on_january_1_or_six_weeks_back() -> None:
    assert history.horizon(date(2026, 11, 23)) == date(2026, 1, 1)
    assert history.horizon(date(2026, 1, 20)) == date(2025, 12, 9)
