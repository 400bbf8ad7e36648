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


def test_readme_and_the_help_reply_name_every_command() -> None:
    from pto_bot.commands.parse import VERBS
    from pto_bot.commands.verbs import HANDLERS

    readme = (ROOT / "README.md").read_text()
    (line,) = [x for x in readme.splitlines() if x.startswith("- **Commands** (`/pto ")]
    assert line.split("`")[1] == "/pto " + "|".join(VERBS)
    assert set(HANDLERS) == set(VERBS)
    for verb in VERBS:
        assert f"`/pto {verb}" in readme, verb
