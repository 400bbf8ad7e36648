"""Carrying out a plan through a tracker: the thin shell around the pure planner.

One issue's failure is recorded and the remaining actions on that issue are skipped (so a note
never claims a state its labels did not reach); every other issue still gets its writes. When the
tracker refuses the run as a whole (an :class:`~pto_bot.errors.AccessError`: the token, the role,
the project, GitLab unreachable), every remaining action is skipped and the run is ``stopped``.

On a tracker that paces its writes (GitLab: ``limits`` in the policy), the writes go issue by
issue, most urgent first (:mod:`..plan.urgency`); an issue whose writes no longer fit in the
run's writing time is left, with every one after it, to the next run ("deferred").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import assert_never

from ..adapters.tracker import Notifier, Tracker
from ..errors import AccessError, TrackerError
from ..plan.actions import (
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
    resolve_refs,
    target,
)
from ..plan.urgency import urgent_first, writes


class WriteStatus(StrEnum):
    DONE = "done"
    PLANNED = "planned"  # a dry run: what would be written
    FAILED = "failed"
    SKIPPED = "skipped"  # not tried: an earlier write to its issue failed, or the run stopped
    DEFERRED = "deferred"  # left to the next run: no writing time left
    NOT_SENT = "not sent"  # a team-channel message with no channel set up


UNDONE = frozenset({WriteStatus.FAILED, WriteStatus.SKIPPED, WriteStatus.DEFERRED})


@dataclass(frozen=True)
class WriteResult:
    action: Action
    status: WriteStatus
    detail: str = ""  # why it was not done, in a few words
    made: int | None = None  # the id of the note it posted, or the iid of the issue it opened


@dataclass
class Applied:
    """What carrying out a plan did."""

    results: list[WriteResult] = field(default_factory=list)
    failures: list[tuple[int | None, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)  # CreateIssue key -> the new iid
    stopped: AccessError | None = None  # the tracker refused the run: nothing more was tried

    @property
    def writes(self) -> int:
        return sum(1 for r in self.results if r.status is WriteStatus.DONE)

    @property
    def deferred(self) -> int:
        return sum(1 for r in self.results if r.status is WriteStatus.DEFERRED)

    def undone(self) -> list[Action]:
        """The actions that were meant to be written and were not."""
        return [r.action for r in self.results if r.status in UNDONE]

    def extend(self, other: Applied) -> None:
        self.results.extend(other.results)
        self.failures.extend(other.failures)
        self.created.update(other.created)
        self.stopped = self.stopped or other.stopped


def apply(
    tracker: Tracker,
    actions: Sequence[Action],
    *,
    dry_run: bool = False,
    notifier: Notifier | None = None,
) -> Applied:
    result = Applied()
    broken: set[int] = set()
    unsent: set[str] = set()  # team-channel messages that were not sent
    pacer = None if dry_run else tracker.pacer
    groups = urgent_first(actions) if pacer is not None else [list(actions)]
    out_of_time = False
    for group in groups:
        if pacer is not None and not out_of_time:
            out_of_time = not pacer.fits([w for a in group for w in writes(a)])
        if out_of_time:
            why = "no time left in this run (limits.write_minutes): the next run makes it"
            result.results.extend(WriteResult(a, WriteStatus.DEFERRED, why) for a in group)
            continue
        _apply_group(tracker, group, result, broken, unsent, dry_run, notifier)
    return result


def _apply_group(
    tracker: Tracker,
    group: Sequence[Action],
    result: Applied,
    broken: set[int],
    unsent: set[str],
    dry_run: bool,
    notifier: Notifier | None,
) -> None:
    for action in group:
        iid = target(action)
        if result.stopped is not None:
            result.results.append(WriteResult(action, WriteStatus.SKIPPED, "the run stopped"))
            continue
        if (
            isinstance(action, PostNote | EditNote)
            and action.unsent
            and action.unsent.key in unsent
        ):
            action = replace(action, body=action.unsent.body)  # the note must not claim it
        if iid is not None and iid in broken:
            why = f"an earlier write to #{iid} failed"
            result.results.append(WriteResult(action, WriteStatus.SKIPPED, why))
            continue
        if isinstance(action, Notify) and action.about in broken:  # what it tells is not there
            why = f"an earlier write to #{action.about} failed"
            result.results.append(WriteResult(action, WriteStatus.SKIPPED, why))
            continue
        if dry_run:
            result.results.append(WriteResult(action, WriteStatus.PLANNED))
            continue
        try:
            written = _execute(tracker, action, result.created, notifier)
        except TrackerError as exc:
            if isinstance(action, Notify):
                unsent.add(action.key)
            where = iid if iid is not None else exc.iid
            result.failures.append((where, exc.explained))
            result.results.append(WriteResult(action, WriteStatus.FAILED, str(exc)))
            if isinstance(exc, AccessError):
                result.stopped = exc
            if where is not None:
                broken.add(where)
            continue
        if written.status is WriteStatus.NOT_SENT and isinstance(action, Notify):
            unsent.add(action.key)
        result.results.append(written)


def _execute(
    tracker: Tracker, action: Action, created: dict[str, int], notifier: Notifier | None
) -> WriteResult:
    def done(made: int | None = None) -> WriteResult:
        return WriteResult(action, WriteStatus.DONE, made=made)

    match action:
        case SetLabels():
            tracker.set_labels(action.iid, action.add, action.remove)
            return done()
        case PostNote():
            iid = action.iid if action.new is None else created.get(action.new)
            if iid is None:
                raise TrackerError(f"its issue ({action.new}) was not opened in this run")
            body = resolve_refs(action.body, created, False)
            return done(tracker.post_note(iid, body, internal=action.internal))
        case EditNote():
            body = resolve_refs(action.body, created, False)
            tracker.edit_note(action.iid, action.note_id, body)
            return done()
        case CreateIssue():
            description = resolve_refs(action.description, created, False)
            iid = tracker.create_issue(
                action.title,
                description,
                action.labels,
                assignees=action.assignees,
                confidential=action.confidential,
            )
            created[action.key] = iid
            if action.link_to is not None:
                try:
                    tracker.link_issues(action.link_to, iid)
                except TrackerError as exc:
                    raise TrackerError(f"opened #{iid} but could not link it: {exc}", iid) from exc
            return done(iid)
        case EditIssue():
            description = resolve_refs(action.description, created, False)
            tracker.edit_description(
                action.iid, description, title=action.title, confidential=action.confidential
            )
            return done()
        case SetAssignees():
            tracker.set_assignees(action.iid, action.assignees)
            return done()
        case SetState():
            tracker.set_state(action.iid, action.state)
            return done()
        case Reply():
            thread = action.thread or _thread_of(tracker, action.iid, action.note)
            return done(tracker.reply(action.place, action.iid, thread, action.body))
        case Notify():
            if notifier is None:
                return WriteResult(action, WriteStatus.NOT_SENT, "no chat webhook configured")
            notifier(resolve_refs(action.text, created, False))
            return done()
        case _:
            assert_never(action)


def _thread_of(tracker: Tracker, iid: int, note: int | None) -> str:
    """The thread of team-project ``note`` on issue ``iid`` ("" when there is none: a new
    comment)."""
    if note is None:
        return ""
    for thread in tracker.discussed("", iid).threads or ():
        if any(n.id == note for n in thread.notes):
            return thread.id
    return ""
