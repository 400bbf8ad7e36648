"""The README's two set-up commands stay true: CI runs exactly the documented test command."""

from __future__ import annotations

from project import ROOT


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci/run").read_text().strip().splitlines()
    command = script[-1]
    assert command in (ROOT / "README.md").read_text().splitlines()


def test_readme_shows_the_one_command_that_installs_and_runs_the_demo() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    demo = [line for line in lines if line.endswith("pto-bot demo")]
    assert demo == ["python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/pto-bot demo"]
