"""``pto-bot validate``: load each policy, and check the issue templates against the first one
(the fields the parser reads, the labels the quick actions apply)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..domain.policy import Policy, label_reference
from ..domain.policy_file import load_policy, policy_schema
from ..domain.request_fields import FIELDS, extract_fields, visible_text
from ..errors import ConfigError

__all__ = ["check_templates", "policy_schema", "validate"]

TEMPLATE_DIR = Path(".gitlab/issue_templates")
PTO_TEMPLATE = TEMPLATE_DIR / "PTO request.md"
PLAYBOOK_TEMPLATE = TEMPLATE_DIR / "Account playbook.md"


def check_templates(root: Path, policy: Policy) -> list[str]:
    """Problems with the two issue templates under ``root``; empty when both are fine."""
    labels = policy.labels
    problems = _check_pto_template(root, labels.request)
    problems += _check_playbook_template(
        root,
        labels.playbook,
        (
            labels.priority_high,
            labels.priority_normal,
            labels.coverage_auto,
            labels.coverage_global,
        ),
    )
    return problems


def _check_pto_template(root: Path, label: str) -> list[str]:
    text = _read(root / PTO_TEMPLATE)
    if text is None:
        return [f"{PTO_TEMPLATE}: missing; engineers open PTO requests from this template"]
    problems = _label_line_problems(PTO_TEMPLATE, text, label)
    found = extract_fields(text)
    problems += [
        f"{PTO_TEMPLATE}: field {name} is missing from the list; add the line `- **{name}:**`"
        for name in FIELDS
        if name not in found
    ]
    return problems


def _check_playbook_template(root: Path, label: str, choices: tuple[str, ...]) -> list[str]:
    text = _read(root / PLAYBOOK_TEMPLATE)
    if text is None:
        return [
            f"{PLAYBOOK_TEMPLATE}: missing; engineers open account playbooks from this template"
        ]
    problems = _label_line_problems(PLAYBOOK_TEMPLATE, text, label)
    problems += [
        f"{PLAYBOOK_TEMPLATE}: does not mention the label {label_reference(choice)}; explain "
        "when to choose each priority and coverage label"
        for choice in choices
        if not _mentions_label(text, choice)
    ]
    return problems


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _label_line_problems(template: Path, text: str, label: str) -> list[str]:
    """A ``/label`` quick action (column 0, outside comments) must apply ``label``."""
    quick_actions = [line for line in visible_text(text).split("\n") if line.startswith("/label")]
    if any(_mentions_label(line, label) for line in quick_actions):
        return []
    return [
        f"{template}: no `/label {label_reference(label)}` line; add it on a line of its own so "
        "new issues get the label"
    ]


def _mentions_label(text: str, label: str) -> bool:
    """``~"label"``, or ``~label`` when the name has no spaces."""
    quoted = re.escape(f'~"{label}"')
    bare = re.escape(f"~{label}") + r"(?![\w.:\-])"
    return re.search(f"{quoted}|{bare}", text) is not None


def validate(
    paths: Sequence[str | Path], root: Path, templates: bool
) -> tuple[list[str], list[str]]:
    """What is fine (a line each) and every problem found."""
    problems: list[str] = []
    policies: list[Policy] = []
    fine: list[str] = []
    for path in paths:
        try:
            policies.append(load_policy(path))
            fine.append(f"{path}: OK")
        except ConfigError as exc:
            problems.extend(exc.messages)
    if policies and templates:
        template_problems = check_templates(root, policies[0])
        problems.extend(template_problems)
        if not template_problems:
            fine.append(f"{root / TEMPLATE_DIR}: OK")
    return fine, problems
