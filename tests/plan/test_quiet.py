"""Rule 9, quiet while out, on the offline project: what waits for someone's return, what is
written plainly, and who the coverage issue is assigned to."""

from __future__ import annotations

import io
import json
from pathlib import Path

from project import ROOT, Project
from pto_bot.cli import main
from pto_bot.domain.markers import strip_marker
from pto_bot.plan.actions import PostNote


def test_a_note_on_the_playbook_of_someone_out_waits_until_they_are_back() -> None:
    p = Project()
    book = p.playbook("Acme Corp", "klang", priority=None, model=None)  # lacks its labels
    p.request("klang", "2026-11-30", "2026-12-04", created="2026-11-01")
    plan, _ = p.run("2026-12-01")
    assert p.notes(book, "playbook") == []
    (held,) = [h for h in plan.held if getattr(h.action, "iid", None) == book]
    assert isinstance(held.action, PostNote) and held.action.topic == "playbook"
    assert held.why == "it would reach klang (out until 2026-12-04)"
    p.run("2026-12-07")  # back
    assert "This playbook needs a fix for pto_bot" in p.note(book, "playbook")


def test_the_run_says_what_waits_for_someone_s_return(tmp_path: Path) -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", priority=None, model=None)
    p.request("klang", "2026-11-30", "2026-12-04", created="2026-11-01")
    project = tmp_path / "project.json"
    project.write_text(json.dumps(p.data))
    out = io.StringIO()
    argv = ["reconcile", "--policy", str(ROOT / "policy.yaml"), "--offline", str(project)]
    assert main([*argv, "--now", "2026-12-01T14:00Z", "--dry-run"], out=out) == 0
    text = out.getvalue()
    assert "Held until the engineer is back (1):" in text
    assert "#1    post note [playbook]  — playbook labels; it would reach klang" in text


def test_someone_away_is_named_plainly_and_assigned_once_back() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    p.request("adamlauzon", "2026-11-30", "2026-12-01", created="2026-11-01")  # away first
    req = p.request("klang", "2026-12-02", "2026-12-04", created="2026-11-02")
    p.request("magomez3", "2026-12-02", "2026-12-04", created="2026-11-03")  # beta is short
    p.run("2026-12-01")  # the working day before klang's start: his coverage issue opens
    coverage = p.coverage_of(req)
    assert coverage is not None
    backup = "adamlauzon"
    # adamlauzon covers, but is out today: not assigned yet, named without a live mention
    assert coverage["assignees"] == []
    coverage_note = p.note(req, "coverage")
    assert f"@{backup}" not in strip_marker(coverage_note) and f"`{backup}`" in coverage_note
    p.run("2026-12-02")  # back: assigned (GitLab tells him)
    assert p.coverage_of(req)["assignees"] == [{"username": backup}]  # type: ignore[index]


def test_the_coverage_issue_is_confidential_with_its_request_and_follows_its_dates() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.raw(req)["confidential"] = True
    p.run("2026-11-20")
    coverage = p.coverage_of(req)
    assert coverage is not None and coverage["confidential"] is True
    assert coverage["title"] == "Coverage: klang out 2026-12-07 – 2026-12-11"
    p.edit(req, description=p.raw(req)["description"].replace("2026-12-11", "2026-12-18"))
    p.run("2026-11-21")
    coverage = p.coverage_of(req)
    assert coverage is not None
    assert coverage["title"] == "Coverage: klang out 2026-12-07 – 2026-12-18"
    assert "is out Mon 2026-12-07 – Fri 2026-12-18" in coverage["description"]
    p.edit(req, labels=[*p.labels(req), "pto::cancelled"])
    p.run("2026-11-22")
    assert p.coverage_of(req)["state"] == "closed"  # type: ignore[index]
