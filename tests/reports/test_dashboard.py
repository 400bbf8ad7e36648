"""The coverage dashboard issue: created once, rewritten in place only when its content changed."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from project import ROOT
from pto_bot.cli import main
from pto_bot.domain.markers import strip_marker

POLICY = str(ROOT / "policy.yaml")


def reconcile(project: Path, now: str = "2026-11-23T14:00Z") -> str:
    out = io.StringIO()
    main(["reconcile", "--policy", POLICY, "--offline", str(project), "--now", now], out=out)
    return out.getvalue()


def dashboards(project: Path) -> list[dict[str, object]]:
    data = json.loads(project.read_text())
    return [i for i in data["issues"] if "pto-dashboard" in i["labels"]]


def demo(tmp_path: Path) -> Path:
    project = tmp_path / "project.json"
    shutil.copyfile(ROOT / "pto_bot/demo/project.json", project)
    return project


def test_the_dashboard_is_created_once_and_left_alone_when_nothing_changed(tmp_path: Path) -> None:
    project = demo(tmp_path)
    assert "open issue 'PTO coverage dashboard'" in reconcile(project)
    assert "nothing to do" in reconcile(project)
    [board] = dashboards(project)
    text = strip_marker(str(board["description"]))
    assert "**Out today (2026-11-23):** `adamlauzon`." in text
    # 3 out, then New Year's Day: a public holiday for both who are out, so nobody is "out"
    assert "| 2026-12-28 | 🔴 3 | 🔴 3 | 🔴 3 | 🔴 3 | · 🎉 |" in text
    assert "| #39 | #31 `harishsr` | Umbrella Health | Tue 2026-11-24 09:00 EST |" in text
    assert "- #33 `a.conrad`: waiting for approval (3 out)" in text
    assert "| `malmendarez` | 0.8 | below |" in text
    assert "- **alpha**: `harishsr` (lead), `dbass90`, `andsmith3`" in text
    assert "✅ The run on 2026-11-23 processed every issue." in text


def test_the_dashboard_is_rewritten_in_place_when_coverage_changes(tmp_path: Path) -> None:
    project = demo(tmp_path)
    reconcile(project)
    data = json.loads(project.read_text())
    data["notes"].setdefault("39", []).append(  # on the fallback request
        {
            "id": 9001,
            "body": "/pto volunteer Umbrella Health",
            "author": {"username": "klang"},
            "created_at": "2026-11-23T15:00:00Z",
            "updated_at": "2026-11-23T15:00:00Z",
        }
    )
    project.write_text(json.dumps(data))
    text = reconcile(project, "2026-11-23T16:00Z")
    assert "rewrite description  — coverage changed" in text
    [board] = dashboards(project)
    assert "None: every account that needs a backup has one." in str(board["description"])


def test_the_dashboard_shows_what_failed_in_the_run(tmp_path: Path) -> None:
    project = demo(tmp_path)
    data = json.loads(project.read_text())
    data["issues"].append({"iid": 99, "labels": ["pto"], "title": "broken"})  # no created_at
    project.write_text(json.dumps(data))
    reconcile(project)
    [board] = dashboards(project)
    text = str(board["description"])
    assert "had 1 problem(s)" in text and "issue 99" in text


def test_the_dashboard_can_be_switched_off(tmp_path: Path) -> None:
    project = demo(tmp_path)
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        (ROOT / "policy.yaml").read_text().replace("dashboard: true", "dashboard: false")
    )
    main(
        [
            "reconcile",
            "--policy",
            str(policy),
            "--offline",
            str(project),
            "--now",
            "2026-11-23T14:00Z",
        ],
        out=io.StringIO(),
    )
    assert dashboards(project) == []


def test_an_issue_a_person_labelled_as_the_dashboard_is_never_rewritten(tmp_path: Path) -> None:
    project = demo(tmp_path)
    data = json.loads(project.read_text())
    mine = {
        "iid": 900,
        "title": "My own coverage notes",
        "description": "Please keep",
        "labels": ["pto-dashboard"],
        "state": "opened",
        "author": {"username": "melroberts"},
        "created_at": "2026-11-01T10:00:00Z",
        "updated_at": "2026-11-01T10:00:00Z",
    }
    data["issues"].append(mine)
    project.write_text(json.dumps(data))
    text = reconcile(project)
    assert "open issue 'PTO coverage dashboard'" in text
    board = next(b for b in dashboards(project) if b["iid"] == 900)
    assert board["description"] == "Please keep"
    assert "#900: carries the label pto-dashboard but was not opened by the bot" in text


def test_the_dashboard_and_the_report_show_split_and_confirmed_cover(tmp_path: Path) -> None:
    from project import Project, policy_file
    from pto_bot.reports.coverage_view import build_view, view_to_json
    from pto_bot.reports.dashboard import render_dashboard

    p = Project(policy=policy_file("tam-buddy.yaml"))
    p.playbook("Acme Rockets", "tam-avery", "normal", "global-support")
    req = p.request("tam-avery", "2026-12-07", "2026-12-18", created="2026-11-01")
    p.request("tam-blake", "2026-12-14", "2026-12-18", created="2026-11-02")
    p.comment(req, "tam-blake", "/pto accept", when="2026-11-20T13:00")
    p.run("2026-11-20")
    plan = p.plan("2026-11-20T15:00")

    view = build_view(plan, 8)
    text = render_dashboard(view, [0, 1, 2, 3, 4], [])
    row = next(line for line in text.splitlines() if line.startswith(f"| #{req} "))
    # the buddy's week, confirmed; the second week open (the fallback request asks for it)
    assert (
        "Acme Rockets: `tam-blake` ✓ (Mon 2026-12-07 – Fri 2026-12-11); "
        "Acme Rockets: **open** (Mon 2026-12-14 – Fri 2026-12-18)"
    ) in row
    assert "✓: the backup confirmed their cover (`/pto accept`)" in text
    (request,) = [r for r in view_to_json(view)["requests"] if r["iid"] == req]
    assert [(c["backup"], c["confirmed"], c["stretches"]) for c in request["covers"]] == [
        ("tam-blake", True, [["2026-12-07", "2026-12-11"]]),
        (None, False, [["2026-12-14", "2026-12-18"]]),
    ]
