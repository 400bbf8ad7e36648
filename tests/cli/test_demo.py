"""``pto-bot demo --process pods|classic|buddy``: each of the team's three ways of working on its
own bundled project and policy tells its story, leaves its policy beside its project, and the
commands it suggests work exactly as printed from the folder it ran in."""

from __future__ import annotations

import argparse
import io
import shlex
import sys
import tomllib
from pathlib import Path, PurePosixPath

import pytest

from project import ROOT
from pto_bot.app.demo import PROCESSES, bundled
from pto_bot.cli import main
from pto_bot.cli.demo import PROCESSES as CHOICES
from pto_bot.cli.demo import program
from pto_bot.cli.main import build_parser

# what a newcomer reads in each demo's account, in its own words
STORIES = {
    "pods": [
        # magomez3 declined Cyberdyne Systems: adamlauzon takes it, within capacity
        "#30   klang        2026-12-07 – 2026-12-11  planned   covered, 1 out · backups: "
        "adamlauzon (pod): Soylent, Cyberdyne Systems",
        # opened on Friday 09:00: 48 h of working time end on Tuesday, not on Sunday
        "#39   fallback for #31 harishsr: volunteers until Tue 2026-11-24 09:00 EST (48 h of "
        "working time from Fri 2026-11-20 09:00 EST)",
        "#39   rewrite description  — fallback accounts changed",
        "#33   a.conrad     2026-12-28 – 2026-12-31  planned   needs-approval, 3 out",
        # the manager is on PTO this week: the deputy decides
        "#33   a.conrad: waiting for approval; klang decides, deputy of melroberts, who is out "
        "until Fri 2026-11-27",
        "#30   post note [reply:5005] -> note 5011  — answer decline",
        "#30   post note [reply:5006] -> note 5012  — answer accept",
        "new   open issue 'Coverage: klang out 2026-12-07 – 2026-12-11', linked to #30",
        # dbass90 is free for harishsr's first week: he covers it, the fallback asks the second
        "dbass90 (pod): Initech (2026-12-21 – 2026-12-24), Umbrella Health (2026-12-21 – "
        "2026-12-24); michwalker (volunteer): Initech (2026-12-28 – 2026-12-31) · open: Umbrella "
        "Health (2026-12-28 – 2026-12-31)",
        "#33   a.conrad     2026-12-28 – 2026-12-31  planned   needs-approval, 3 out",
        # the emergency of someone out today: the coverage issue carries it, not his request
        "#34   adamlauzon   2026-11-23 – 2026-11-25  emergency covered, 1 out",
        "new   open issue 'Coverage: adamlauzon out 2026-11-23 – 2026-11-25', linked to #34, "
        "assigned to klang, magomez3",
        "new   post note [coverage] on the new issue",
    ],
    "classic": [
        # jdoe-se declined Cyberdyne Systems: it goes to the fallback request
        "#30   klang        2026-12-07 – 2026-12-11  planned   needs coverage, 1 out · backups: "
        "adamlauzon (hand-picked): Soylent; magomez3 (hand-picked): Tyrell Corp, Wonka "
        "Industries · open: Cyberdyne Systems",
        "#30   post note [reply:4025] -> note 4026  — answer decline",
        "open issue 'Fallback coverage: klang out 2026-12-07 – 2026-12-11', linked to #30",
        # dbass90, hand-picked, is out the second week: he covers the first
        "#31   harishsr     2026-12-21 – 2027-01-01  planned   needs coverage, 2 out · backups: "
        "andsmith3 (hand-picked): Globex, Initech, Umbrella Health; dbass90 (hand-picked): Acme "
        "Corp (2026-12-21 – 2026-12-24) · open: Acme Corp (2026-12-28 – 2026-12-31)",
        # accounts nobody was named for
        "Backups: nobody named for 'Gringotts' (normal priority, auto-assigned)",
        "Backups: nobody named for 'Duff Brewing' (normal priority, global-support)",
        # an emergency opened by a colleague, naming its backups: covered at once, quietly
        "#34   adamlauzon   2026-11-23 – 2026-11-25  emergency covered, 1 out · backups: "
        "klang (hand-picked): Oscorp; rpatel-se (hand-picked): Massive Dynamic, Pied Piper, "
        "Vandelay Imports",
        "new   open issue 'Coverage: adamlauzon out 2026-11-23 – 2026-11-25', linked to #34, "
        "assigned to klang, rpatel-se",
        # a cancellation counts for nobody: klang is 1 out in the same week
        "#38   magomez3     2026-12-07 – 2026-12-11  planned   cancelled",
        "#37   michwalker   2026-12-01 – 2026-12-02  planned   covered, 2 out",
        "#37   post note [lead-time]",
        "#36   post note [checklist] -> note",
        "#35   post note [returned] -> note",
    ],
    "buddy": [
        # tam-blake declined Lacuna Inc: the buddy has the rest of the book
        "#40   tam-avery    2026-12-07 – 2026-12-18  planned   needs coverage, 1 out · backups: "
        "tam-blake (pod): Acme Rockets, Bluth Company, Cogswell Cogs, Dharma Initiative, "
        "Ecorp Holdings, Frobozz Magic, Gekko Partners, Hanso Foundation, Ingen Labs, "
        "Jupiter Mining, Kramerica · open: Lacuna Inc",
        "#40   post note [reply:7006] -> note 7009  — answer decline",
        "open issue 'Fallback coverage: tam-avery out 2026-12-07 – 2026-12-18', linked to #40",
        # both buddies out at the end of December: each covers the other's free week
        "#41   tam-casey    2026-12-21 – 2026-12-31  planned   needs coverage, 1 out · backups: "
        "tam-drew (pod): Quark Tools (2026-12-21 – 2026-12-24)",
        "open issue 'Fallback coverage: tam-casey out 2026-12-21 – 2026-12-31', linked to #41",
        "open issue 'Fallback coverage: tam-drew out 2026-12-28 – 2027-01-08', linked to #42",
        "tam-emery (volunteer): Universal Exports (2026-12-28 – 2026-12-31)",
        # tam-emery is out today, his last day: his coverage issue, for his buddy
        "new   open issue 'Coverage: tam-emery out 2026-11-16 – 2026-11-23', linked to #43, "
        "assigned to tam-finley",
        "new   post note [backup-return] on the new issue",
        "#44   post note [checklist] -> note",
        "#45   post note [returned] -> note",
        # out of office: a customer mentioned tam-emery, who is out; the digest to the buddy
        "other answer in customers/wernham-hogg#1 (thread) -> note",
        "#24   answer in #24 (thread) -> note",
        "new   post note [away-digest] on the new issue",
    ],
}
# what each demo's transcript shows of it, as the team would read it in GitLab
TRANSCRIPTS = {
    "pods": [
        # klang's approve came on Saturday, before the manager was out and asked
        "❌ `approve`: `melroberts` is not out and has not been asked yet: the deputy decides "
        "while `melroberts` is out or once 2 working days passed without an answer",
        "@klang your decision is needed in place of `melroberts`, who is out until Fri 2026-11-27",
        "If accounts are still open at **Tue 2026-11-24 09:00 EST** (48 h of working time after "
        "this request opened: weekends and US public holidays do not count)",
        "you no longer cover Cyberdyne Systems (2026-12-07 – 2026-12-11) for `klang`",
        "| Cyberdyne Systems | high | global-support | `adamlauzon` (pod, confirmed) |",
        "## #42 Coverage: klang out 2026-12-07 – 2026-12-11 (opened)",
        "| Umbrella Health | high | global-support | Mon 2026-12-28 – Thu 2026-12-31 | **open** |",
    ],
    "classic": [
        "| Cyberdyne Systems | high | global-support | Mon 2026-12-07 – Fri 2026-12-11 | "
        "**open** |",
        "| Acme Corp | high | auto-assigned | Mon 2026-12-28 – Thu 2026-12-31 | **open** |",
        "| Acme Corp | high | auto-assigned | @dbass90 (hand-picked) for Mon 2026-12-21 – Thu "
        "2026-12-24 |",
        "cc @melroberts",
    ],
    "buddy": [
        "If accounts are still open at **Wed 2026-11-25 09:00 EST** (48 h of working time after "
        "this request opened",
        # the buddy's reminder, on tam-emery's coverage issue (he is out today)
        "@tam-finley `tam-emery` is back on 2026-11-24. Please let them know what happened",
        "## #46 Coverage: tam-emery out 2026-11-16 – 2026-11-23 (opened)",
        # the handback in tam-blake's return checklist
        "#### While you were out",
        "| Thu 2026-11-12 | [customers/moobys#1](https://gitlab.example.com/customers/moobys/"
        "-/issues/1#note_7002) | Mooby's | `mooby.admin` | answered by `tam-avery` |",
        "- Fri 2026-11-13: [Mooby's](",
        # a customer who tagged nobody: in the digest to the buddy
        "| Mon 2026-11-23 | [customers/wernham-hogg#1](https://gitlab.example.com/customers/"
        "wernham-hogg/-/issues/1#note_7007) | Wernham Hogg | `david.brent` | "
        "**not answered yet** |",
    ],
}
# what the reconcile a week later (Mon 2026-11-30) does: the next week's reminders
NEXT_WEEK = {
    "pods": [
        "#41   post note [starts]",  # andsmith3 is out from today: his backups are told
        "#42   assign to adamlauzon",  # back from his emergency: he is assigned
        "#30   post note [checklist]",
        "#39   post note [escalated]",
        # the manager is back: reminded in the approval note's thread
        "#33   post note [approval-reminder] in the thread of note",
        "#45   close issue  — the engineer is back",
        "#34   post note [returned]",
    ],
    "classic": [
        "#39   post note [starts]",
        "#30   post note [checklist]",
        "#40   post note [escalated]",
        "#34   post note [returned]",
    ],
    "buddy": [
        "#46   close issue  — the engineer is back",
        "#43   post note [returned]",
        "#40   post note [checklist]",
        "#48   post note [starts]",
        "#47   post note [escalated]",
    ],
}


def demo(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["demo", *argv], out=out)
    return code, out.getvalue()


def test_the_command_line_offers_every_bundled_process() -> None:
    assert set(CHOICES) == set(PROCESSES) == set(STORIES)


@pytest.mark.parametrize("process", sorted(STORIES))
def test_each_process_tells_its_story_on_its_own_project_and_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, process: str
) -> None:
    monkeypatch.chdir(tmp_path)
    code, text = demo("--process", process)
    assert code == 0
    for line in STORIES[process]:
        assert line in text
    if process == "classic":
        assert "(pod)" not in text
    assert "Second run on the same file: 0 writes (nothing changed, so nothing to do)." in text
    folder = tmp_path / "pto-demo"
    transcript = (folder / "transcript.md").read_text()
    for line in TRANSCRIPTS[process]:
        assert line in transcript
    # its policy beside its project, byte for byte the bundled one
    policy = (folder / "policy.yaml").read_bytes()
    assert policy == bundled(PROCESSES[process].policy).read_bytes()


def test_demo_without_an_option_is_the_pods_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert demo() == demo("--process", "pods")
    assert demo()[1].startswith(
        "Demo: the AMER ASE team's project (pto-demo/project.json), reconciled as at "
        "2026-11-23 14:00 UTC.\n"
    )


@pytest.mark.parametrize("process", sorted(STORIES))
def test_the_commands_the_demo_prints_work_exactly_as_printed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    process: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    text = demo("--process", process)[1]
    commands = [line.strip() for line in text.splitlines() if line.startswith("    pto-bot ")]
    said = {}
    for command in commands:
        argv = shlex.split(command)
        out = io.StringIO()
        assert main(argv[1:], out=out) == 0, (command, capsys.readouterr().err)
        said[argv[1]] = out.getvalue()
    assert list(said) == ["check", "report", "metrics", "reconcile"]
    assert said["check"].startswith("What if ") and "\nCoverage:\n" in said["check"]
    assert said["report"].startswith("pto-demo/public/index.html (")
    assert said["metrics"].startswith("# PTO coverage metrics: ")
    assert "at 2026-11-30 14:00 UTC" in said["reconcile"]
    for line in NEXT_WEEK[process]:
        assert line in said["reconcile"]


def test_a_demo_elsewhere_prints_paths_that_work_from_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "somewhere else" / "demo"
    text = demo("--process", "buddy", "--dir", str(elsewhere))[1]
    quoted = shlex.quote(str(elsewhere / "policy.yaml"))
    assert f"    pto-bot check --policy {quoted} --offline " in text
    (check,) = [line for line in text.splitlines() if line.startswith("    pto-bot check ")]
    monkeypatch.chdir(ROOT)  # absolute paths: from anywhere
    assert main(shlex.split(check)[1:], out=io.StringIO()) == 0


def test_the_demo_runs_with_a_policy_given_and_leaves_it_beside_its_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        bundled("policy.yaml").read_text().replace("lead_time_days: 14", "lead_time_days: 40")
    )
    code, text = demo("--policy", str(mine))
    assert code == 0
    assert (tmp_path / "pto-demo/policy.yaml").read_text() == mine.read_text()
    assert text.count("post note [lead-time]") > 1  # the policy given is the one used
    # run again on the policy it left there: the same demo, nothing copied over itself
    assert demo("--policy", "pto-demo/policy.yaml") == (code, text)


def test_the_demo_never_overwrites_a_teams_own_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "policy.yaml").write_text("team: {name: Ours}\n")
    assert demo("--dir", ".") == (2, "")
    assert capsys.readouterr().err == (
        "error: --dir .: policy.yaml is not a demo's policy; nothing was written. Give another "
        "--dir, or --policy policy.yaml to run the demo with it\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["policy.yaml"]
    # a demo's policy left by an earlier demo is the demo's to replace
    assert demo("--process", "classic")[0] == 0
    assert demo("--process", "buddy")[0] == 0


@pytest.mark.parametrize("process", sorted(STORIES))
def test_bundled_policies_are_the_shipped_ones_and_packaged(process: str) -> None:
    shipped = {
        "pods": ROOT / "policy.yaml",
        "classic": ROOT / "examples/policies/classic.yaml",
        "buddy": ROOT / "examples/policies/tam-buddy.yaml",
    }[process]
    demo_files = PROCESSES[process]
    assert bundled(demo_files.policy).read_text() == shipped.read_text()
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]["pto_bot"]
    for name in (demo_files.project, demo_files.policy):
        assert any(PurePosixPath("demo", name).match(p) for p in patterns), name


def test_the_commands_start_the_way_pto_bot_was_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / ".venv/bin/pto-bot"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [".venv/bin/pto-bot", "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert program() == ".venv/bin/pto-bot"  # README's first command: the venv is not on PATH
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    assert program() == "pto-bot"  # found by name: the same program
    monkeypatch.setattr("sys.argv", [str(ROOT / "pto_bot/__main__.py"), "demo"])
    assert program() == f"{shlex.quote(sys.executable)} -m pto_bot"


def test_readme_names_every_option_and_process_of_the_demo() -> None:
    readme = (ROOT / "README.md").read_text()
    (usage,) = [line for line in readme.splitlines() if line.startswith("pto-bot demo [")]
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for action in commands.choices["demo"]._actions:
        if "--help" in action.option_strings:
            continue
        assert f"[{action.option_strings[0]} " in usage
        if action.choices:
            assert "|".join(action.choices) in usage
    for process in CHOICES:
        if process != "pods":
            assert f"`pto-bot demo --process {process}` is the " in readme  # its story's table
