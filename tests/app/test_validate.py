"""The issue-template check: the shipped templates pass, and a broken copy is reported with the
file and what it should contain."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pto_bot.app.validate import PLAYBOOK_TEMPLATE, PTO_TEMPLATE, check_templates
from pto_bot.domain.policy import Policy
from pto_bot.domain.policy_file import parse_policy

ROOT = Path(__file__).resolve().parents[2]


def team_policy(**labels: str) -> Policy:
    data: dict[str, Any] = {
        "team": {"name": "AMER ASE", "manager": "melroberts", "channel": "#ase"},
        "bot": {"username": "pto-bot"},
        "engineers": {"harishsr": {"country": "US"}, "dbass90": {"country": "CA"}},
        "pods": {"alpha": {"members": ["harishsr", "dbass90"]}},
        "checklists": {"before": ["Update playbooks"], "return": ["Meet your backups"]},
        "labels": labels,
    }
    return parse_policy(data, "policy.yaml")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the shipped templates, ready to be broken."""
    shutil.copytree(ROOT / ".gitlab", tmp_path / ".gitlab")
    return tmp_path


def edit(root: Path, template: Path, old: str, new: str) -> None:
    path = root / template
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_shipped_templates_pass() -> None:
    assert check_templates(ROOT, team_policy()) == []


Breakage = Callable[[Path], None]

BROKEN = [
    pytest.param(
        lambda root: edit(root, PTO_TEMPLATE, "/label ~pto\n", ""),
        ["PTO request.md: no `/label ~pto` line"],
        id="pto label line removed",
    ),
    pytest.param(
        lambda root: edit(root, PTO_TEMPLATE, "/label ~pto\n", "<!--\n/label ~pto\n-->\n"),
        ["PTO request.md: no `/label ~pto` line"],
        id="pto label line inside a comment",
    ),
    pytest.param(
        lambda root: edit(root, PTO_TEMPLATE, "/label ~pto\n", "  /label ~pto\n"),
        ["PTO request.md: no `/label ~pto` line"],
        id="pto label line indented (not a quick action)",
    ),
    pytest.param(
        lambda root: edit(root, PTO_TEMPLATE, "/label ~pto\n", "/label ~pto-fallback\n"),
        ["PTO request.md: no `/label ~pto` line"],
        id="a longer label is not the request label",
    ),
    pytest.param(
        lambda root: edit(root, PTO_TEMPLATE, "- **Start:** YYYY-MM-DD\n", ""),
        ["PTO request.md: field Start is missing from the list; add the line `- **Start:**`"],
        id="start field removed",
    ),
    pytest.param(
        lambda root: edit(root, PTO_TEMPLATE, "- **Backups:**\n- **Notes:**\n", ""),
        ["field Backups is missing", "field Notes is missing"],
        id="two fields removed",
    ),
    pytest.param(
        lambda root: (root / PTO_TEMPLATE).unlink(),
        ["PTO request.md: missing"],
        id="pto template missing",
    ),
    pytest.param(
        lambda root: edit(root, PLAYBOOK_TEMPLATE, "/label ~playbook", "/label ~playbooks"),
        ["Account playbook.md: no `/label ~playbook` line"],
        id="playbook label misspelt",
    ),
    pytest.param(
        lambda root: edit(root, PLAYBOOK_TEMPLATE, '~"coverage::global-support"', "global"),
        ['Account playbook.md: does not mention the label ~"coverage::global-support"'],
        id="a coverage label not explained",
    ),
    pytest.param(
        lambda root: (root / PLAYBOOK_TEMPLATE).unlink(),
        ["Account playbook.md: missing"],
        id="playbook template missing",
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), BROKEN)
def test_a_broken_template_is_reported_by_file_and_expectation(
    repo: Path, breakage: Breakage, expected: list[str]
) -> None:
    breakage(repo)
    problems = check_templates(repo, team_policy())
    assert len(problems) == len(expected), problems
    for problem, phrase in zip(problems, expected, strict=True):
        assert phrase in problem
        assert problem.startswith(".gitlab/issue_templates/")


@pytest.mark.parametrize(
    "label_line",
    ['/label ~"pto"', "/label ~pto ~vacation", "/label ~vacation ~pto"],
)
def test_label_line_forms_that_apply_the_request_label(repo: Path, label_line: str) -> None:
    edit(repo, PTO_TEMPLATE, "/label ~pto\n", label_line + "\n")
    assert check_templates(repo, team_policy()) == []


def test_unquoted_scoped_labels_count_as_mentioned(repo: Path) -> None:
    edit(repo, PLAYBOOK_TEMPLATE, '~"priority::high"', "~priority::high")
    assert check_templates(repo, team_policy()) == []


def test_label_names_come_from_the_policy() -> None:
    policy = team_policy(request="time-off", playbook="account playbook")
    assert check_templates(ROOT, policy) == [
        ".gitlab/issue_templates/PTO request.md: no `/label ~time-off` line; add it on a line "
        "of its own so new issues get the label",
        '.gitlab/issue_templates/Account playbook.md: no `/label ~"account playbook"` line; add '
        "it on a line of its own so new issues get the label",
    ]
