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
    SetLabels,
    SetState,
    resolve_refs,
    target,
)
from ..plan.urgency import urgent_first, writes


@dataclass(frozen=True)
class Done:
    action: Action
    status: str  # "done" | "planned" | "failed" | "skipped" | "deferred"
    detail: str = ""


@dataclass
class Result:
    done: list[Done] = field(default_factory=list)
    failures: list[tuple[int | None, str]] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)
    stopped: AccessError | None = None  # the tracker refused the run: nothing more was tried

    @property
    def writes(self) -> int:
        return sum(1 for d in self.done if d.status == "done")

    @property
    def deferred(self) -> int:
        return sum(1 for d in self.done if d.status == "deferred")


def apply(
    tracker: Tracker,
    actions: Sequence[Action],
    *,
    dry_run: bool = False,
    notifier: Notifier | None = None,
) -> Result:
    result = Result()
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
            result.done.extend(Done(action, "deferred", why) for action in group)
            continue
        _apply_group(tracker, group, result, broken, unsent, dry_run, notifier)
    return result


def _apply_group(
    tracker: Tracker,
    group: Sequence[Action],
    result: Result,
    broken: set[int],
    unsent: set[str],
    dry_run: bool,
    notifier: Notifier | None,
) -> None:
    for action in group:
        iid = target(action)
        if result.stopped is not None:
            result.done.append(Done(action, "skipped", "the run stopped"))
            continue
        if (
            isinstance(action, PostNote | EditNote)
            and action.unsent
            and action.unsent.key in unsent
        ):
            action = replace(action, body=action.unsent.body)  # the note must not claim it
        if iid is not None and iid in broken:
            result.done.append(Done(action, "skipped", f"an earlier write to #{iid} failed"))
            continue
        if isinstance(action, Notify) and action.about in broken:  # what it tells is not there
            why = f"an earlier write to #{action.about} failed"
            result.done.append(Done(action, "skipped", why))
            continue
        if dry_run:
            result.done.append(Done(action, "planned"))
            continue
        try:
            detail = _execute(tracker, action, result.created, notifier)
        except TrackerError as exc:
            if isinstance(action, Notify):
                unsent.add(action.key)
            where = iid if iid is not None else exc.iid
            result.failures.append((where, exc.explained))
            result.done.append(Done(action, "failed", str(exc)))
            if isinstance(exc, AccessError):
                result.stopped = exc
            if where is not None:
                broken.add(where)
            continue
        if detail == "not sent" and isinstance(action, Notify):
            unsent.add(action.key)
        result.done.append(Done(action, "done" if detail != "not sent" else "skipped", detail))


def _execute(
    tracker: Tracker, action: Action, created: dict[str, int], notifier: Notifier | None
) -> str:
    if isinstance(action, SetLabels):
        tracker.set_labels(action.iid, action.add, action.remove)
    elif isinstance(action, PostNote):
        return f"note {tracker.post_note(action.iid, resolve_refs(action.body, created, False))}"
    elif isinstance(action, EditNote):
        tracker.edit_note(action.iid, action.note_id, resolve_refs(action.body, created, False))
    elif isinstance(action, CreateIssue):
        iid = tracker.create_issue(
            action.title, resolve_refs(action.description, created, False), action.labels
        )
        created[action.key] = iid
        if action.link_to is not None:
            try:
                tracker.link_issues(action.link_to, iid)
            except TrackerError as exc:
                raise TrackerError(f"opened #{iid} but could not link it: {exc}", iid) from exc
        if action.closed:
            tracker.set_state(iid, "close")
        return f"#{iid}"
    elif isinstance(action, EditIssue):
        tracker.edit_description(action.iid, resolve_refs(action.description, created, False))
    elif isinstance(action, SetState):
        tracker.set_state(action.iid, action.state)
    elif isinstance(action, Reply):
        return f"note {tracker.reply(action.place, action.iid, action.thread, action.body)}"
    elif isinstance(action, Notify):
        if notifier is None:
            return "not sent"
        notifier(resolve_refs(action.text, created, False))
    return ""
