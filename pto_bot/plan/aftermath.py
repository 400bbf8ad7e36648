"""The state a run's writes produced, without reading it back: the snapshot the run read, with
each write that was done applied to it as GitLab applies it. The dashboard shows it and the
bot's memory is made from it; an issue written to is marked so that its notes are read again
next time (GitLab, not this copy, is the source of truth). Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from ..domain.snapshot import Issue, Note, Snapshot
from .actions import (
    Action,
    CreateIssue,
    EditIssue,
    EditNote,
    PostNote,
    Reply,
    SetLabels,
    SetState,
    resolve_refs,
)


def after_writes(
    snapshot: Snapshot,
    done: Iterable[tuple[Action, str]],
    created: dict[str, int],
    bot: str,
    now: datetime,
) -> tuple[Snapshot, set[int]]:
    """``snapshot`` with the writes ``done`` (each with the applier's detail: ``note N`` for a
    posted note, ``#N`` for an opened issue) applied, and the issues they touched."""
    issues = {issue.iid: issue for issue in snapshot.issues}
    touched: set[int] = set()
    for action, detail in done:
        iid = _apply(issues, action, detail, created, bot, now, snapshot.web_url)
        if iid is not None:
            touched.add(iid)
    ordered = tuple(issues[iid] for iid in sorted(issues))
    return replace(snapshot, issues=ordered), touched


def _apply(
    issues: dict[int, Issue],
    action: Action,
    detail: str,
    created: dict[str, int],
    bot: str,
    now: datetime,
    web_url: str,
) -> int | None:
    if isinstance(action, CreateIssue):
        iid = int(detail.removeprefix("#"))
        issues[iid] = Issue(
            iid=iid,
            title=action.title,
            description=resolve_refs(action.description, created, False),
            labels=action.labels,
            state="closed" if action.closed else "opened",
            author=bot,
            created_at=now,
            updated_at=now,
            closed_at=now if action.closed else None,
            web_url=f"{web_url}/-/issues/{iid}" if web_url else "",
            notes_count=0,
        )
        return iid
    if isinstance(action, Reply):
        if action.place:  # another project: nothing the bot remembers changes
            return None
        action = PostNote(action.iid, action.topic, action.body, action.why)
    if isinstance(action, SetLabels | PostNote | EditNote | EditIssue | SetState):
        issue = issues.get(action.iid)
        if issue is None:
            return None
        issues[action.iid] = _changed(issue, action, detail, created, bot, now)
        return action.iid
    return None  # a team-channel message: nothing changes in GitLab


def _changed(
    issue: Issue,
    action: SetLabels | PostNote | EditNote | EditIssue | SetState,
    detail: str,
    created: dict[str, int],
    bot: str,
    now: datetime,
) -> Issue:
    if isinstance(action, SetLabels):
        kept = [label for label in issue.labels if label not in action.remove]
        added = [label for label in action.add if label not in kept]
        return replace(issue, labels=tuple(kept + added), updated_at=now)
    if isinstance(action, PostNote):
        body = resolve_refs(action.body, created, False)
        note = Note(int(detail.split()[-1]), bot, body, now, now)
        count = None if issue.notes_count is None else issue.notes_count + 1
        return replace(issue, notes=(*issue.notes, note), notes_count=count, updated_at=now)
    if isinstance(action, EditNote):
        body = resolve_refs(action.body, created, False)
        notes = tuple(
            replace(n, body=body, updated_at=now, digest=None) if n.id == action.note_id else n
            for n in issue.notes
        )
        return replace(issue, notes=notes, updated_at=now)
    if isinstance(action, EditIssue):
        description = resolve_refs(action.description, created, False)
        return replace(issue, description=description, digest=None, updated_at=now)
    closed = action.state == "close"
    return replace(
        issue,
        state="closed" if closed else "opened",
        closed_at=now if closed else None,
        updated_at=now,
    )
