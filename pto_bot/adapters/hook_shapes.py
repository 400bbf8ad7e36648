"""The webhook bodies pto_bot reads, as GitLab documents them (Issue Hook, its work item form,
Note Hook): pydantic models of the keys it uses. Extra keys are ignored, since GitLab adds fields
over time; timestamps come in both of GitLab's forms."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field

from .gitlab.times import parse_time


def _hook_time(value: Any) -> Any:
    """GitLab's timestamps (:func:`~.gitlab.times.parse_time`: ``2015-05-17 17:06:40 UTC`` in
    older hooks besides ISO 8601; naive means UTC), or a message saying what is expected."""
    if not isinstance(value, str):
        return value
    try:
        return parse_time(value)
    except ValueError:
        raise ValueError(
            "expected a time like 2013-12-03T17:15:43Z or 2015-05-17 17:06:40 UTC"
        ) from None


def _label_title(value: Any) -> Any:
    return value.get("title") if isinstance(value, dict) else value


HookTime = Annotated[datetime, BeforeValidator(_hook_time)]
LabelTitle = Annotated[str, BeforeValidator(_label_title)]


class _User(BaseModel):
    username: str


class HookProject(BaseModel):
    id: int | None = None
    path_with_namespace: str | None = None


class _IssueAttributes(BaseModel):
    iid: int
    action: str | None = None
    updated_at: HookTime | None = None
    created_at: HookTime | None = None
    labels: list[LabelTitle] = Field(default_factory=list)
    description: str | None = None
    url: str | None = None
    author_id: int | None = None
    type: str | None = None  # the work item type (GitLab 17.2 and later)


class _Change(BaseModel):
    previous: str | None = None
    current: str | None = None


class _Changes(BaseModel):
    description: _Change | None = None


class IssueHook(BaseModel):
    event_type: Literal["issue", "confidential_issue"] | None = None
    user: _User
    project: HookProject | None  # null for a group's work item
    object_attributes: _IssueAttributes
    labels: list[LabelTitle] | None = None
    changes: _Changes | None = None


class _NoteAttributes(BaseModel):
    id: int
    note: str
    noteable_type: str
    system: bool = False
    action: Literal["create", "update"] | None = None
    updated_at: HookTime | None = None
    discussion_id: str | None = None
    url: str | None = None


_WorkItemType = Literal["work_item", "confidential_work_item", "issue", "confidential_issue"]


class WorkItemHook(IssueHook):
    """A work item's Issue Hook; ``event_type`` is ``work_item`` (or ``issue``: either is read)."""

    event_type: _WorkItemType | None = None  # type: ignore[assignment]


class _NotedIssue(BaseModel):
    iid: int
    labels: list[LabelTitle] = Field(default_factory=list)


class NoteHook(BaseModel):
    event_type: Literal["note", "confidential_note"] | None = None
    user: _User
    project: HookProject | None  # null for a comment on a group's work item
    object_attributes: _NoteAttributes
    issue: _NotedIssue | None = None
