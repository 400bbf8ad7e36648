"""The report of the demo project, written once for the tests that look at it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from project import ROOT
from pto_bot.cli import main


@pytest.fixture(scope="session")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``pto-bot report`` of the bundled demo project as at 2026-11-23 14:00 UTC."""
    out = tmp_path_factory.mktemp("public")
    project = ROOT / "pto_bot/demo/project.json"
    before = project.read_bytes()
    printed = io.StringIO()
    argv = ["report", "--offline", str(project), "--policy", str(ROOT / "policy.yaml")]
    code = main([*argv, "--now", "2026-11-23T14:00Z", "--out", str(out)], out=printed)
    assert code == 0, printed.getvalue()
    for name in ("index.html", "pto.ics", "report.json"):
        assert f"{out / name} (" in printed.getvalue()
    assert project.read_bytes() == before  # a report never writes to the tracker
    return out


@pytest.fixture(scope="session")
def demo_bars(demo_report: Path) -> list[int]:
    """The requests the demo report's timeline draws (those starting within its window)."""
    data = json.loads((demo_report / "report.json").read_text("utf-8"))
    end = data["window_end"]
    return sorted(r["iid"] for r in data["requests"] if r["start"] <= end)
