"""The labels the bot keeps on an issue: the wanted ones added, the managed ones not wanted removed.

Scoped labels are exclusive only on paid tiers, so the bot removes a scope's old value itself.
"""

from __future__ import annotations

from collections.abc import Set

from ..domain.snapshot import Issue
from .actions import Action, SetLabels


def ensure_labels(issue: Issue, want: Set[str], managed: Set[str], why: str) -> list[Action]:
    add = sorted(set(want) - set(issue.labels))
    remove = sorted((set(issue.labels) & set(managed)) - set(want))
    if add or remove:
        return [SetLabels(issue.iid, tuple(add), tuple(remove), why)]
    return []
