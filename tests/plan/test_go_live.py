"""The go-live date (``go_live:``): what happened before the bot went live is history, counted
and shown but never written to; reminders whose day passed before it are not posted; the team
channel hears nothing about the past; the first live run says what it found."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from project import ROOT, Project
from pto_bot.cli import main
from pto_bot.domain.markers import read_marker
from pto_bot.plan.actions import Notify, target

GO_LIVE = date(2026, 11, 16)


def live(**changes: object) -> Project:
    p = Project(chat=True)
    p.policy = p.policy.model_copy(update={"go_live": GO_LIVE, **changes})
    return p


def topics(p: Project, iid: int) -> list[str]:
    return [str((read_marker(n) or {}).get("t")) for n in p.notes(iid)]


def test_requests_that_ended_before_going_live_are_counted_and_shown_never_written_to() -> None:
    p = live()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    old = p.request("klang", "2026-06-08", "2026-06-12", created="2026-05-01")
    broken = p.raw_request("- **Start:** 06/08/2026", "harishsr", "2026-05-02")
    plan, _ = p.run("2026-11-20")
    assert all(target(a) not in (old, broken) for a in plan.actions)
    assert p.notes(old) == [] and p.labels(old) == ["pto"] and p.notes(broken) == []
    ev = plan.evaluation.get(old)
    assert ev is not None and ev.counted  # still counted: reports and metrics show it
    assert plan.evaluation.fallback_weeks("klang", 2026) == 0


def test_reminders_whose_day_passed_before_going_live_are_not_posted() -> None:
    p = live()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned", updated="2026-10-01")
    # started before going live, back after it: no week-before checklist, no lead-time warning,
    # no start-day notes; klang is out, so nothing on his request but the return checklist,
    # posted on its day; the coverage is on the coverage issue
    req = p.request("klang", "2026-11-12", "2026-11-20", created="2026-11-10")
    p.run("2026-11-17")
    assert topics(p, req) == []
    (coverage,) = [i for i in p.data["issues"] if "pto-coverage" in i["labels"]]
    assert topics(p, coverage["iid"]) == ["coverage"]
    p.run("2026-11-23")
    assert topics(p, req) == ["returned"]
    assert p.raw(coverage["iid"])["state"] == "closed"  # after the handback


def test_no_team_channel_message_about_the_past() -> None:
    p = live()
    p.request("klang", "2026-11-09", "2026-11-20", created="2026-11-01")
    p.request("harishsr", "2026-11-10", "2026-11-20", created="2026-11-02")  # 2 out, before
    later = p.request("a.conrad", "2026-11-30", "2026-12-04", created="2026-11-18")
    p.request("dbass90", "2026-12-01", "2026-12-02", created="2026-11-19")  # 2 out, after
    plan, _ = p.run("2026-11-20")
    assert [a.key for a in plan.actions if isinstance(a, Notify)] == [f"visibility:{later + 1}"]


def test_a_request_that_started_before_going_live_is_not_held_for_approval() -> None:
    p = live()
    p.request("klang", "2026-11-09", "2026-11-20", created="2026-11-01")
    p.request("harishsr", "2026-11-09", "2026-11-20", created="2026-11-02")
    third = p.request("a.conrad", "2026-11-09", "2026-11-20", created="2026-11-03")
    p.run("2026-11-17")
    assert "pto::needs-approval" not in p.labels(third) and "out::3+" in p.labels(third)
    assert "approval" not in topics(p, third)


def test_the_first_live_run_says_what_it_found(tmp_path: Path) -> None:
    p = live()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    p.request("klang", "2026-06-08", "2026-06-12", created="2026-05-01")
    p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-17")
    policy = tmp_path / "policy.yaml"
    policy.write_text((ROOT / "policy.yaml").read_text() + "\ngo_live: 2026-11-16\n")
    project = tmp_path / "project.json"
    project.write_text(json.dumps(p.data))
    args = ["reconcile", "--policy", str(policy), "--offline", str(project)]
    out = io.StringIO()
    assert main([*args, "--now", "2026-11-20T14:00Z"], out=out) == 0
    text = out.getvalue()
    assert "First run since going live on 2026-11-16" in text
    assert "2 PTO requests (1 over before going live: counted, never written to)" in text
    assert "1 account playbook" in text
    again = io.StringIO()
    main([*args, "--now", "2026-11-20T15:00Z"], out=again)
    assert "First run" not in again.getvalue()
