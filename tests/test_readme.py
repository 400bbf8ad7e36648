"""The README stays true: CI runs exactly the documented test command, and the cost tables are
the benchmark's."""

from __future__ import annotations

import sys

from project import ROOT
from pto_bot.adapters.hook_template import webhook_template


def test_ci_runs_exactly_the_readme_test_command() -> None:
    script = (ROOT / ".ci/run").read_text().strip().splitlines()
    command = script[-1]
    assert command in (ROOT / "README.md").read_text().splitlines()


def test_readme_shows_the_one_command_that_installs_and_runs_the_demo() -> None:
    lines = (ROOT / "README.md").read_text().splitlines()
    demo = [line for line in lines if line.endswith("pto-bot demo")]
    assert demo == ["python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/pto-bot demo"]


def test_the_readmes_cost_tables_are_the_benchmarks() -> None:
    """README "What it costs in CI minutes" prints what benchmarks/runner_minutes.py makes of
    the weeks it replayed (benchmarks/runner_minutes.json; rerun it with --json to renew)."""
    sys.path[:0] = [str(ROOT / "benchmarks")]
    try:
        import runner_minutes
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    weeks = runner_minutes.load(ROOT / "benchmarks" / "runner_minutes.json")
    readme = (ROOT / "README.md").read_text()
    for table in (runner_minutes.weeks_table(weeks), runner_minutes.price_table(weeks)):
        assert "\n".join(table) in readme


def test_the_readme_shows_the_webhook_template_the_bot_reads() -> None:
    assert f"   ```json\n   {webhook_template()}\n   ```\n" in (ROOT / "README.md").read_text()


def test_readme_and_the_help_reply_name_every_command() -> None:
    from pto_bot.commands.parse import VERBS
    from pto_bot.commands.verbs import HANDLERS

    readme = (ROOT / "README.md").read_text()
    (line,) = [x for x in readme.splitlines() if x.startswith("- **Commands** (`/pto ")]
    assert line.split("`")[1] == "/pto " + "|".join(VERBS)
    assert set(HANDLERS) == set(VERBS)
    for verb in VERBS:
        assert f"`/pto {verb}" in readme, verb
