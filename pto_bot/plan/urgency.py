"""Which writes come first when a run cannot make them all (GitLab's limits, paced by the shell).

Writes are kept together by issue, in the order the plan made them (labels before the note that
tells about them); an issue the plan opens goes with the request it is for. Issues are then
taken most urgent first: someone waiting for an answer or a decision (replies to commands,
answers to a mention of someone out, escalations, approval requests), then coverage (labels,
coverage notes, fallback requests, releases), then reminders and checklists. An issue that
mentions one the plan opens comes after it, so the reference is to its ``#iid``. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.topics import Topic
from .actions import (
    REF_RE,
    Action,
    CreateIssue,
    EditIssue,
    EditNote,
    Notify,
    PostNote,
    Reply,
    SetAssignees,
    SetLabels,
    SetState,
)

URGENT, COVERAGE, ROUTINE = 0, 1, 2
_URGENT_TOPICS = (Topic.ESCALATED, Topic.APPROVAL)
_COVERAGE_TOPICS = (
    Topic.COVERAGE,
    Topic.NEEDS_INFO,
    Topic.BACKUPS,
    Topic.RELEASED,
    Topic.COVERED,
    Topic.CLOSED,
)

Group = list[Action]


def rank(action: Action) -> int:
    topic = action.topic if isinstance(action, PostNote | EditNote) else ""
    if isinstance(action, Notify | Reply) or topic.startswith("reply:") or topic in _URGENT_TOPICS:
        return URGENT
    if topic in _COVERAGE_TOPICS or isinstance(
        action, SetLabels | SetState | CreateIssue | EditIssue | SetAssignees
    ):
        return COVERAGE
    return ROUTINE


def writes(action: Action) -> list[bool]:
    """The GitLab writes ``action`` makes, each True when it is a comment (a note)."""
    if isinstance(action, PostNote | EditNote | Reply):
        return [True]
    if isinstance(action, CreateIssue):
        return [False] * (1 + (action.link_to is not None))
    if isinstance(action, SetLabels):
        return [False] if action.add or action.remove else []
    if isinstance(action, EditIssue | SetState | SetAssignees):
        return [False]
    return []  # a team-channel message is not a GitLab write


def _group_key(action: Action, opened: dict[str, int | None]) -> tuple[str, object]:
    if isinstance(action, PostNote) and action.new is not None:  # with the issue it goes on
        link = opened.get(action.new)
        return ("issue", link) if link is not None else ("new", action.new)
    if isinstance(action, CreateIssue):
        return ("issue", action.link_to) if action.link_to is not None else ("new", action.key)
    if isinstance(action, Notify):
        return ("issue", action.about) if action.about is not None else ("chat", action.key)
    if isinstance(action, Reply) and action.place:
        return ("elsewhere", (action.place, action.iid))
    return ("issue", action.iid)


def _text(action: Action) -> str:
    if isinstance(action, PostNote | EditNote | Reply):
        return action.body
    if isinstance(action, CreateIssue | EditIssue):
        return action.description
    return action.text if isinstance(action, Notify) else ""


def urgent_first(actions: Sequence[Action]) -> list[Group]:
    """``actions`` in groups by issue, most urgent first (see the module)."""
    groups: dict[tuple[str, object], Group] = {}
    opened = {a.key: a.link_to for a in actions if isinstance(a, CreateIssue)}
    for action in actions:
        groups.setdefault(_group_key(action, opened), []).append(action)
    creator = {
        action.key: key
        for key, group in groups.items()
        for action in group
        if isinstance(action, CreateIssue)
    }
    order = {key: n for n, key in enumerate(groups)}
    ranked = sorted(groups, key=lambda k: (min(rank(a) for a in groups[k]), order[k]))
    placed: list[tuple[str, object]] = []

    def place(key: tuple[str, object], visiting: set[tuple[str, object]]) -> None:
        if key in placed or key in visiting:
            return
        visiting.add(key)
        texts = " ".join(_text(a) for a in groups[key])
        needs = {creator[m] for m in REF_RE.findall(texts) if m in creator} - {key}
        for need in sorted(needs, key=lambda k: order[k]):  # what it mentions goes first
            place(need, visiting)
        placed.append(key)

    for key in ranked:
        place(key, set())
    return [groups[key] for key in placed]
