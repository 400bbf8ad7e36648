"""Webhook payloads (GitLab's "Issue Hook" and "Note Hook") in, one small :class:`Event` out.

Pure: no GitLab client, no environment, no clock. Anything the bot should not act on becomes an
:class:`Ignored` with a reason a person can read in the job log; a payload never raises.

A work item other than an issue (a task, an incident, ...) comes as an Issue Hook with
``object_kind: work_item``: one of a project is read like an issue (the Issues API serves it at
the same iid), one of a group (an epic) has no project and is ignored.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..domain.markers import looks_like_the_bots
from ..domain.usernames import same_user
from .hook_shapes import HookProject, IssueHook, NoteHook, WorkItemHook


class Event(BaseModel):
    """An issue or comment event of the bot's project, caused by someone other than the bot."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["issue", "note"]
    iid: int
    actor: str
    action: str
    labels: tuple[str, ...] = ()
    note_id: int | None = None
    note_body: str | None = None
    updated_at: datetime | None = None
    place: str = ""  # another project's path (a collaboration project); "" for the bot's own
    discussion_id: str | None = None  # the thread a comment belongs to
    text: str | None = None  # what may mention people: the comment, or the issue's description
    previous: str | None = None  # an edited description: the text before the edit
    web_url: str = ""
    mentioned: frozenset[str] = frozenset()  # roster engineers the event newly mentions
    relevant: bool = True  # the event can change the bot's issues: reconcile them


class Ignored(BaseModel):
    """A payload the bot does nothing with, and why."""

    model_config = ConfigDict(frozen=True)

    reason: str


EventResult = Event | Ignored


# --- parsing -------------------------------------------------------------------------------------


def parse_event(
    raw: bytes | str,
    *,
    project_id: int | None,
    project_path: str | None,
    bot_username: str | None,
    other_projects: bool = False,
) -> EventResult:
    """The event in a webhook body (or a pipeline trigger's payload file: webhook body plus
    ``id`` and ``ref``), or why it is ignored.

    The bot's own events are ignored: by its username when it is known; otherwise only its
    comments can be told from the payload (they end with its hidden marker), and the caller
    checks the event's actor once it has asked GitLab who the bot is. An event of another
    project is ignored, or with ``other_projects`` kept with its ``place`` (a collaboration
    project, for the out-of-office answer)."""
    try:
        return _parse(raw, project_id, project_path, bot_username, other_projects)
    except RecursionError:  # the JSON parser and pydantic recurse once per level of nesting
        return Ignored(reason="payload nested too deeply to read")


def _parse(
    raw: bytes | str,
    project_id: int | None,
    project_path: str | None,
    bot_username: str | None,
    other_projects: bool,
) -> EventResult:
    data = _load(raw)
    if isinstance(data, Ignored):
        return data
    kind = data.get("object_kind")
    if kind not in ("issue", "work_item", "note"):
        return _unhandled_kind(kind)
    try:
        shapes: dict[str, type[IssueHook] | type[NoteHook]] = {
            "issue": IssueHook,
            "work_item": WorkItemHook,
            "note": NoteHook,
        }
        hook = shapes[kind].model_validate(data)
    except ValidationError as exc:
        return Ignored(reason=f"{kind} event not understood: {_problems(exc)}")
    if hook.project is None:
        return Ignored(reason=f"{_what(hook)} belongs to a group, not to a project")
    elsewhere = _foreign_project(hook.project, project_id, project_path)
    if elsewhere and not (other_projects and hook.project.path_with_namespace):
        return Ignored(reason=elsewhere)
    if same_user(hook.user.username, bot_username):
        return Ignored(reason=f"{kind} event caused by the bot itself (@{hook.user.username})")
    if (
        bot_username is None
        and isinstance(hook, NoteHook)
        and looks_like_the_bots(hook.object_attributes.note)
    ):
        return Ignored(reason=f"comment by the bot itself (@{hook.user.username}: its marker)")
    event = _issue_event(hook) if isinstance(hook, IssueHook) else _note_event(hook)
    if elsewhere and isinstance(event, Event):
        return event.model_copy(update={"place": hook.project.path_with_namespace})
    return event


def _what(hook: IssueHook | NoteHook) -> str:
    """The item an event is about, as a person names it: "Epic #7", "a comment on an Epic"."""
    if isinstance(hook, NoteHook):
        return f"a comment on a {hook.object_attributes.noteable_type}"
    attributes = hook.object_attributes
    return f"{attributes.type or 'work item'} #{attributes.iid}"


def _load(raw: bytes | str) -> dict[str, Any] | Ignored:
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        return Ignored(reason=f"payload is not UTF-8 text (byte {exc.start})")
    if not text.strip():
        return Ignored(reason="payload is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Ignored(
            reason=f"payload is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        )
    if not isinstance(data, dict):
        return Ignored(reason=f"payload is a JSON {_json_type(data)}, not an object")
    return data


def _json_type(value: Any) -> str:
    names = {list: "array", str: "string", bool: "boolean", int: "number", float: "number"}
    return names.get(type(value), "null")


def _unhandled_kind(kind: Any) -> Ignored:
    if kind is None:
        return Ignored(reason="missing key object_kind: not a GitLab webhook payload")
    return Ignored(
        reason=f"object_kind {kind!r} is not handled (only issue, work item and note events)"
    )


def _problems(exc: ValidationError) -> str:
    described = []
    for error in exc.errors()[:3]:
        path = ".".join(str(part) for part in error["loc"])
        if error["type"] == "missing":
            described.append(f"missing key {path}")
        else:
            described.append(f"{path}: {error['msg']} (got {error['input']!r:.60})")
    return "; ".join(described)


def _foreign_project(project: HookProject, project_id: int | None, project_path: str | None) -> str:
    """Why the event is from another project than the bot's, or "" when it is not."""
    other_id = project_id is not None and project.id is not None and project.id != project_id
    other_path = (
        project_path is not None
        and project.path_with_namespace is not None
        and project.path_with_namespace.casefold() != project_path.casefold()
    )
    if not (other_id or other_path):
        return ""
    theirs = project.path_with_namespace or f"id {project.id}"
    ours = project_path or f"id {project_id}"
    return f"event from project {theirs}, not from this bot's project {ours}"


def _issue_event(hook: IssueHook) -> Event:
    attributes = hook.object_attributes
    labels = hook.labels if hook.labels is not None else attributes.labels
    action = attributes.action or "update"  # test payloads of older GitLab have no action
    edited = hook.changes.description if hook.changes is not None else None
    text, previous = attributes.description, None
    if action != "open":  # an edit mentions only whom it adds; other changes mention nobody
        text = edited.current if edited is not None else None
        previous = edited.previous if edited is not None else None
    return Event(
        kind="issue",
        iid=attributes.iid,
        actor=hook.user.username,
        action=action,
        labels=tuple(labels),
        updated_at=attributes.updated_at or attributes.created_at,
        text=text,
        previous=previous,
        web_url=attributes.url or "",
    )


def _note_event(hook: NoteHook) -> EventResult:
    note = hook.object_attributes
    if note.noteable_type != "Issue":
        return Ignored(reason=f"comment on a {note.noteable_type}, not on an issue")
    if note.system:
        return Ignored(reason="system note (GitLab's own record of a change)")
    if hook.issue is None:
        return Ignored(reason="note event not understood: missing key issue")
    return Event(
        kind="note",
        iid=hook.issue.iid,
        actor=hook.user.username,
        action=note.action or "create",  # before GitLab 16.11 only new comments fired events
        labels=tuple(hook.issue.labels),
        note_id=note.id,
        note_body=note.note,
        updated_at=note.updated_at,
        discussion_id=note.discussion_id,
        text=note.note if (note.action or "create") == "create" else None,  # edits notify nobody
        web_url=(note.url or "").split("#")[0],
    )
