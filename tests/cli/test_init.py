"""``pto-bot init``: a team project scaffolded in one command, valid as written, never
overwriting a file without --force, asking only when someone can answer."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from project import ROOT
from pto_bot.adapters.hook_template import EVENT_BY, USERNAME_INPUT, webhook_template
from pto_bot.app.init import COMPONENT, Answers, scaffold
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
    header, config = yaml.safe_load_all((tmp_path / ".gitlab-ci.yml").read_text())

    [include] = config["include"]
    assert include["component"].startswith("$CI_SERVER_FQDN/")
    assert include["component"].endswith("/pto-bot@v0.1.0")
    assert include["inputs"] == {
        "policy": "policy.yaml",
        "event_by": "$[[ inputs.pto_bot_event_by ]]",
        "bot": "",  # routing off until the bot's username is known
        "dry_run": True,
    }
    assert set(config) == {"include"}
    # the pipeline input the webhook's custom template sets: a username, or nothing
    assert header == {
        "spec": {
            "inputs": {
                EVENT_BY: {
                    "description": "Who caused the webhook event (set by the webhook's custom "
                    "template)",
                    "default": "",
                    "regex": USERNAME_INPUT,
                }
            }
        }
    }


@pytest.mark.parametrize(
    ("runners", "inputs", "schedule", "webhook"),
    [
        ("own", {"bot": "ase-pto-bot"}, "`0 * * * *`, every hour", True),
        ("gitlab.com", {"bot": "ase-pto-bot"}, "`0 * * * *`, every hour", True),
        (
            "gitlab.com-free",
            {"events": False, "pages": False},
            "`0 8-18 * * 1-5`, every hour from 8:00 to 18:00 on weekdays",
            False,
        ),
    ],
)
def test_init_writes_the_set_up_that_fits_the_runners_the_team_has(
    tmp_path: Path, runners: str, inputs: dict[str, Any], schedule: str, webhook: bool
) -> None:
    argv = ["--manager", "melroberts", *PODS, "--runners", runners, "--bot", "ase-pto-bot"]
    code, out = init(tmp_path, *argv)
    assert code == 0
    *header, config = yaml.safe_load_all((tmp_path / ".gitlab-ci.yml").read_text())
    assert inputs.items() <= config["include"][0]["inputs"].items()
    assert ("event_by" in config["include"][0]["inputs"]) == webhook == bool(header)
    assert f"Schedule (Build > Pipeline schedules): {schedule}." in out
    assert (webhook_template() in out) == webhook
    assert load_policy(tmp_path / "policy.yaml").bot.username == "ase-pto-bot"
    assert main(["validate", "--root", str(tmp_path), str(tmp_path / "policy.yaml")]) == 0


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
    (tmp_path / "policy.schema.json").write_text("{}\n")
    (tmp_path / ".gitlab-ci.yml").write_text("stages: [test]\n")

    code, _ = init(tmp_path, "--manager", "melroberts", *PODS)

    assert code == 2
    err = capsys.readouterr().err
    assert "policy.yaml, policy.schema.json already exist" in err and "--force" in err
    assert ".gitlab-ci.yml" not in err  # it gets the include added, never overwritten
    assert (tmp_path / "policy.yaml").read_text() == "team: ours\n"
    assert (tmp_path / ".gitlab-ci.yml").read_text() == "stages: [test]\n"
    assert not (tmp_path / ".gitlab").exists()  # nothing at all was written

    assert init(tmp_path, "--manager", "melroberts", *PODS, "--force")[0] == 0
    assert "manager: melroberts" in (tmp_path / "policy.yaml").read_text()
    assert (tmp_path / ".gitlab-ci.yml").read_text().startswith("stages: [test, deploy]\n")


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
    answers = iter(
        [
            *("buddy", "@melroberts", "b1=tam-avery,tam-blake", "b2=tam-casey,tam-drew", ""),
            "gitlab.com-free",
        ]
    )
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
    assert asked[-1] == "Where do the jobs run (own | gitlab.com | gitlab.com-free) [own]: "
    assert made.setup.cron == "0 8-18 * * 1-5" and not made.setup.events


def test_an_unanswered_question_writes_nothing() -> None:
    with pytest.raises(ConfigError, match="no answer for --manager"):
        scaffold(Answers(pods=["a=x,y"]), date(2026, 12, 1), lambda question: "")


def test_the_packaged_issue_templates_are_the_shipped_ones() -> None:
    for name in ("PTO request.md", "Account playbook.md"):
        packaged = ROOT / "pto_bot/scaffold/issue_templates" / name
        assert packaged.read_text() == (ROOT / ".gitlab/issue_templates" / name).read_text()


# --- a project that has a pipeline already ------------------------------------------------------

TEAM_CI = """\
# The team's own pipeline: every line of it stays.
stages:
  - build   # compile first
  - test

variables:
  GIT_DEPTH: "1"

include:
  - local: ci/lint.yml  # the shared lint

build:
  stage: build
  script: [make]   # builds it
"""


def ci_config(tmp_path: Path) -> dict[str, object]:
    return dict(list(yaml.safe_load_all((tmp_path / ".gitlab-ci.yml").read_text()))[-1])


def our_include() -> dict[str, object]:
    return {"component": COMPONENT, "inputs": {"policy": "policy.yaml", "dry_run": True}}


def test_init_in_a_project_with_a_pipeline_adds_the_include_and_keeps_every_line(
    tmp_path: Path,
) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(TEAM_CI)

    code, text = init(tmp_path, "--manager", "melroberts", *PODS)

    assert code == 0, text
    assert f"added pto_bot's include and the stage deploy to {tmp_path}/.gitlab-ci.yml" in text
    written = (tmp_path / ".gitlab-ci.yml").read_text()
    kept = iter(written.splitlines())
    assert all(line in kept for line in TEAM_CI.splitlines())  # in order, none changed
    config = ci_config(tmp_path)
    assert config["include"] == [{"local": "ci/lint.yml"}, our_include()]
    assert config["stages"] == ["build", "test", "deploy"]
    assert config["build"] == {"stage": "build", "script": ["make"]}
    assert config["variables"] == {"GIT_DEPTH": "1"}


def test_init_run_twice_changes_the_pipeline_once(tmp_path: Path) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(TEAM_CI)
    init(tmp_path, "--manager", "melroberts", *PODS)
    once = (tmp_path / ".gitlab-ci.yml").read_text()

    code, text = init(tmp_path, "--manager", "melroberts", *PODS, "--force")

    assert code == 0
    assert (tmp_path / ".gitlab-ci.yml").read_text() == once
    assert f"{tmp_path}/.gitlab-ci.yml includes pto_bot's component already: left as it is" in text


@pytest.mark.parametrize(
    ("team_ci", "includes", "stages"),
    [
        ("build:\n  script: [make]\n", [], None),
        ("include: ci/lint.yml  # shared\nbuild:\n  script: [make]\n", ["ci/lint.yml"], None),
        (
            "include:\n  local: ci/lint.yml\n  rules:\n    - if: $CI\nbuild:\n  script: [make]\n",
            [{"local": "ci/lint.yml", "rules": [{"if": "$CI"}]}],
            None,
        ),
        (
            "stages: [build, test]  # ours\ninclude: [a.yml, {local: b.yml}]\n"
            "build:\n  stage: build\n  script: [make]\n",
            ["a.yml", {"local": "b.yml"}],
            ["build", "test", "deploy"],
        ),
        (
            "stages:\n- build\n- deploy\ninclude:\n- local: a.yml\nbuild:\n  script: [make]\n",
            [{"local": "a.yml"}],
            ["build", "deploy"],
        ),
        (
            "spec:\n  inputs:\n    env:\n      default: prod\n---\n"
            "build:\n  script: ['echo $[[ inputs.env ]]']\n",
            [],
            None,
        ),
    ],
)
def test_init_adds_the_include_whatever_way_the_pipeline_is_written(
    tmp_path: Path, team_ci: str, includes: list[object], stages: list[str] | None
) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(team_ci)

    code, text = init(tmp_path, "--manager", "melroberts", *PODS)

    assert code == 0, text
    documents = list(yaml.safe_load_all((tmp_path / ".gitlab-ci.yml").read_text()))
    config = documents[-1]
    assert config["include"] == [*includes, our_include()]
    assert config.get("stages") == stages
    assert config["build"]["script"]
    for comment in (line for line in team_ci.splitlines() if "#" in line):
        assert comment.partition("#")[2] in (tmp_path / ".gitlab-ci.yml").read_text()


def test_a_pipeline_that_is_not_valid_yaml_is_named_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text("build:\n  script: [make\n")

    code, _ = init(tmp_path, "--manager", "melroberts", *PODS)

    assert code == 2
    err = capsys.readouterr().err
    assert "error: init: .gitlab-ci.yml: line 3: not valid YAML" in err
    assert "nothing was written. Add pto_bot's include under include: by hand:" in err
    assert (
        f"by hand: - {{component: {COMPONENT}, inputs: {{dry_run: true, policy: policy.yaml}}}}"
        in err
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gitlab-ci.yml"]


# --- whatever it is given -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--team", "x: y\n- z"),
        ("--team", "# not a comment"),
        ("--team", 'Ops "core" \\ team\u0085\u2028'),
        ("--channel", "#support: 'emea'"),
    ],
)
def test_init_quotes_whatever_it_is_given(tmp_path: Path, option: str, value: str) -> None:
    code, text = init(tmp_path, "--manager", "melroberts", *PODS, option, value)

    assert code == 0, text
    policy = load_policy(tmp_path / "policy.yaml")
    assert (policy.team.name if option == "--team" else policy.team.channel) == value
    ci_config(tmp_path)  # the CI file reads too, the team named in its comment
    assert main(["validate", "--root", str(tmp_path), str(tmp_path / "policy.yaml")]) == 0


def test_a_bad_country_is_blamed_on_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert init(tmp_path, "--manager", "melroberts", *PODS, "--country", "XX")[0] == 2
    err = capsys.readouterr().err
    assert err == (
        "error: --country: 'XX' is not a country code the holidays package knows (e.g. US, CA)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_failure_half_way_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".gitlab-ci.yml").write_text(TEAM_CI)
    moves = 0
    real_replace = os.replace

    def replace(source: str | Path, target: str | Path) -> None:
        nonlocal moves
        moves += 1
        if moves == 3:
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)

    code, _ = init(tmp_path, "--manager", "melroberts", *PODS)

    assert code == 2
    assert "No space left on device); nothing was written" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.rglob("*")) == [".gitlab-ci.yml"]
    assert (tmp_path / ".gitlab-ci.yml").read_text() == TEAM_CI


class Terminal(io.StringIO):
    """Standard input at a terminal: the answers typed, then ``end`` (EOF, or Ctrl-C)."""

    def __init__(self, typed: str, end: type[BaseException] | None = None) -> None:
        super().__init__(typed)
        self.end = end

    def isatty(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        line = super().readline()
        if not line and self.end is not None:
            raise self.end
        return line


@pytest.mark.parametrize(
    ("end", "said"),
    [
        (None, "error: init: end of input at 'Pod as NAME=user,user,... (empty line when done): '"),
        (KeyboardInterrupt, "error: init: interrupted at 'Pod as NAME=user,user,... (empty line"),
    ],
)
def test_end_of_input_or_ctrl_c_at_a_prompt_ends_init_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    end: type[BaseException] | None,
    said: str,
) -> None:
    monkeypatch.setattr("sys.stdin", Terminal("pods\nmelroberts\nalpha=a1,a2\n", end))

    code, _ = init(tmp_path)

    assert code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(said) and line.endswith("; nothing was written")
    assert list(tmp_path.iterdir()) == []
