"""``pto-bot init``: a team project scaffolded in one command, valid as written, never
overwriting a file without --force, asking only when someone can answer."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import yaml

from project import ROOT
from pto_bot.app.init import Answers, scaffold
from pto_bot.cli import main
from pto_bot.domain.policy_file import load_policy, policy_schema
from pto_bot.errors import ConfigError

WRITTEN = [
    "policy.yaml",
    "policy.schema.json",
    ".gitlab/issue_templates/PTO request.md",
    ".gitlab/issue_templates/Account playbook.md",
    ".gitlab-ci.yml",
]
PODS = ["--pod", "alpha=harishsr,dbass90,andsmith3", "--pod", "beta=klang,adamlauzon,magomez3"]


def init(tmp_path: Path, *argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["init", "--dir", str(tmp_path), *argv], out=out)
    return code, out.getvalue()


def test_init_writes_a_project_that_validate_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = init(tmp_path, "--manager", "melroberts", *PODS, "--team", "AMER ASE")

    assert code == 0
    assert [line.removeprefix(f"wrote {tmp_path}/") for line in text.splitlines()[:5]] == WRITTEN
    assert main(["validate", "--root", str(tmp_path), str(tmp_path / "policy.yaml")]) == 0
    policy = load_policy(tmp_path / "policy.yaml")
    assert policy.team.manager == "melroberts" and policy.team.name == "AMER ASE"
    assert policy.go_live == date.today()
    assert policy.bot.username is None  # the token's user, asked at each run
    assert {name: pod.members for name, pod in policy.pods.items()} == {
        "alpha": ["harishsr", "dbass90", "andsmith3"],
        "beta": ["klang", "adamlauzon", "magomez3"],
    }
    assert (tmp_path / "policy.schema.json").read_text() == policy_schema()
    for name in ("PTO request.md", "Account playbook.md"):
        shipped = (ROOT / ".gitlab/issue_templates" / name).read_text()
        assert (tmp_path / ".gitlab/issue_templates" / name).read_text() == shipped


def test_the_policy_carries_comments_like_the_shipped_one(tmp_path: Path) -> None:
    init(tmp_path, "--manager", "melroberts", *PODS)
    text = (tmp_path / "policy.yaml").read_text()

    assert text.startswith("# yaml-language-server: $schema=./policy.schema.json\n")
    assert "manager: melroberts # approves at the approval threshold" in text
    assert "go_live: " in text and "never written" in text
    assert "# username: project_123_bot_abc" in text  # how to pin the bot's identity
    assert max(len(line) for line in text.splitlines()) <= 100


def test_the_ci_file_includes_the_component_in_a_dry_run_week(tmp_path: Path) -> None:
    init(tmp_path, "--manager", "melroberts", *PODS)
    config = yaml.safe_load((tmp_path / ".gitlab-ci.yml").read_text())

    [include] = config["include"]
    assert include["component"].startswith("$CI_SERVER_FQDN/")
    assert include["component"].endswith("/pto-bot@v0.1.0")
    assert include["inputs"] == {"policy": "policy.yaml", "dry_run": True}
    assert set(config) == {"include"}


@pytest.mark.parametrize(
    ("argv", "mode", "pods"),
    [
        (["--process", "classic", "--engineers", "harishsr,dbass90,klang"], "hand-picked", {}),
        (["--process", "buddy", "--pod", "b1=tam-avery,tam-blake"], "pods", {"b1": 2}),
    ],
)
def test_the_other_processes(tmp_path: Path, argv: list[str], mode: str, pods: dict[str, int]):
    code, _ = init(tmp_path, "--manager", "melroberts", *argv)

    assert code == 0
    policy = load_policy(tmp_path / "policy.yaml")
    assert policy.coverage.mode == mode
    assert {name: len(pod.members) for name, pod in policy.pods.items()} == pods
    assert main(["validate", "--root", str(tmp_path), str(tmp_path / "policy.yaml")]) == 0


def test_existing_files_are_never_overwritten_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "policy.yaml").write_text("team: ours\n")
    (tmp_path / ".gitlab-ci.yml").write_text("stages: [test]\n")

    code, _ = init(tmp_path, "--manager", "melroberts", *PODS)

    assert code == 2
    err = capsys.readouterr().err
    assert "policy.yaml, .gitlab-ci.yml already exist" in err and "--force" in err
    assert (tmp_path / "policy.yaml").read_text() == "team: ours\n"
    assert not (tmp_path / "policy.schema.json").exists()  # nothing at all was written

    assert init(tmp_path, "--manager", "melroberts", *PODS, "--force")[0] == 0
    assert "manager: melroberts" in (tmp_path / "policy.yaml").read_text()


def test_without_a_terminal_a_missing_option_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a TTY, as in CI

    code, _ = init(tmp_path, *PODS)

    assert code == 2
    assert "error: init: --manager is missing (standard input is not a terminal" in (
        capsys.readouterr().err
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--manager", "mel roberts", *PODS], "--manager: 'mel roberts' is not a GitLab username"),
        (["--manager", "m", "--pod", "alpha"], "--pod: 'alpha' is not NAME=user,user,..."),
        (["--manager", "m", "--pod", "a=x,y", "--pod", "b=y,z"], "y is already in pod a"),
        (["--manager", "m", "--process", "buddy", "--pod", "a=x,y,z"], "buddies come in pairs"),
        (["--manager", "m", *PODS, "--timezone", "Mars/Base"], "not an IANA time zone"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    assert init(tmp_path, *argv)[0] == 2
    assert problem in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_at_a_terminal_what_is_missing_is_asked() -> None:
    answers = iter(["buddy", "@melroberts", "b1=tam-avery,tam-blake", "b2=tam-casey,tam-drew", ""])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    made = scaffold(Answers(), date(2026, 12, 1), ask)

    assert asked[:2] == ["Process (pods | classic | buddy) [pods]: ", "Manager's GitLab username: "]
    policy = yaml.safe_load(made.files[Path("policy.yaml")])
    assert policy["team"]["manager"] == "melroberts"
    assert policy["pods"] == {
        "b1": {"members": ["tam-avery", "tam-blake"]},
        "b2": {"members": ["tam-casey", "tam-drew"]},
    }
    assert str(policy["go_live"]) == "2026-12-01"


def test_an_unanswered_question_writes_nothing() -> None:
    with pytest.raises(ConfigError, match="no answer for --manager"):
        scaffold(Answers(pods=["a=x,y"]), date(2026, 12, 1), lambda question: "")


def test_the_packaged_issue_templates_are_the_shipped_ones() -> None:
    for name in ("PTO request.md", "Account playbook.md"):
        packaged = ROOT / "pto_bot/scaffold/issue_templates" / name
        assert packaged.read_text() == (ROOT / ".gitlab/issue_templates" / name).read_text()
