"""Customer accounts, read from their playbook issues (one issue per account).

The account's name is the title (a leading ``Playbook:`` is dropped), its owner the assignee on
the roster, its priority and coverage model the labels named in ``policy.yaml``. A playbook
missing a label is read with a safe default and says so in ``problems``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from .away_policy import project_path
from .policy import Policy, label_reference
from .problems import Code, Problem, problem
from .request_fields import visible_text
from .snapshot import Issue
from .usernames import BotIdentity

Priority = Literal["high", "normal"]
Model = Literal["auto-assigned", "global-support"]
_PLAYBOOK_PREFIX = re.compile(r"^\s*playbook\s*[:\-–]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Account:
    """A customer account, from its playbook issue."""

    name: str
    iid: int
    owner: str | None
    priority: Priority
    model: Model
    edited_at: datetime  # when a person last worked on the playbook (see edited_at())
    web_url: str
    problems: tuple[Problem, ...] = ()
    # the customer's projects its playbook names (``Collaboration project:``) that the policy
    # lets the bot into; the others are among the problems
    collaboration: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return account_key(self.name)


def account_key(name: str) -> str:
    """How account names are compared: case-insensitive, spaces collapsed."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def edited_at(issue: Issue, bot: BotIdentity) -> datetime:
    """When a person last worked on the playbook: a comment, or an edit of its description
    (GitLab records it as a system note "changed the description" by whoever edited). The
    issue's ``updated_at`` would not do: every note the bot leaves bumps it."""
    times = [issue.created_at]
    for note in issue.notes:
        if bot.is_me(note.author):
            continue
        if not note.system or note.body.strip().startswith("changed the description"):
            times.append(note.created_at)
    return max(times)


def account_of(policy: Policy, issue: Issue, bot: BotIdentity) -> Account:
    """The account a playbook issue describes."""
    labels = policy.labels
    name = _PLAYBOOK_PREFIX.sub("", issue.title).strip()
    problems: list[Problem] = []
    if labels.priority_high in issue.labels:
        priority: Priority = "high"
    elif labels.priority_normal in issue.labels:
        priority = "normal"
    else:
        priority = "high"
        problems.append(
            problem(
                "labels",
                "no {0} or {1} label: treated as high priority (it gets a named backup) "
                "until one is set",
                Code(label_reference(labels.priority_high)),
                Code(label_reference(labels.priority_normal)),
            )
        )
    if labels.coverage_auto in issue.labels:
        model: Model = "auto-assigned"
    elif labels.coverage_global in issue.labels:
        model = "global-support"
    else:
        model = "global-support"
        problems.append(
            problem(
                "labels",
                "no {0} or {1} label: treated as global-support",
                Code(label_reference(labels.coverage_auto)),
                Code(label_reference(labels.coverage_global)),
            )
        )
    owners = [found for a in issue.assignees if (found := policy.roster.find(a)) is not None]
    if not issue.assignees:
        problems.append(
            problem("assignee", "no assignee: assign the engineer who owns this account")
        )
    elif not owners:
        problems.append(
            problem(
                "assignee",
                "the assignee ({0}) is not on the roster in policy.yaml",
                ", ".join(issue.assignees),
            )
        )
    collaboration = []
    for path in collaboration_projects(issue.description):
        if policy.out_of_office.allows(path):
            collaboration.append(path)
        else:
            problems.append(
                problem(
                    "Collaboration project",
                    "the collaboration project {0} is not under out_of_office.projects or "
                    "out_of_office.groups in policy.yaml: ignored",
                    Code(path),
                )
            )
    return Account(
        name=name or f"#{issue.iid}",
        iid=issue.iid,
        owner=owners[0] if owners else None,
        priority=priority,
        model=model,
        edited_at=edited_at(issue, bot),
        web_url=issue.web_url,
        problems=tuple(problems),
        collaboration=tuple(collaboration),
    )


# possessive (*+, ++, ?+): adjacent runs of spaces are never tried against each other
_COLLABORATION = re.compile(
    r"^[^\S\n]*+(?:[-*+][^\S\n]++)?+(?:\*\*|__)?+[^\S\n]*+collaboration[^\S\n]++projects?"
    r"[^\S\n]*+(?:\*\*|__)?+[^\S\n]*+:[^\S\n]*+(?:\*\*|__)?+(?P<value>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATORS = re.compile(r"[\s,;]+")


def collaboration_projects(description: str) -> tuple[str, ...]:
    """The projects a playbook's ``Collaboration project:`` field names (paths or addresses)."""
    found: list[str] = []
    for match in _COLLABORATION.finditer(visible_text(description)):
        for part in _SEPARATORS.split(match["value"].replace("`", "").strip("*_ ")):
            try:
                path = project_path(part.strip("[]()"))
            except ValueError:
                continue
            if path not in found:
                found.append(path)
    return tuple(found)
