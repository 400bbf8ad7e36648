"""GitLab's REST JSON in, the project's own snapshot types out, through pydantic models of the
fields pto_bot reads (every other field is ignored, so GitLab can add fields freely).

The offline project file holds the same shapes, so it is read through these models too. A note
that does not fit is left out and named; an issue that does not fit is left out by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ...domain.snapshot import Issue, Note
from .times import parse_time


def _username(value: Any) -> Any:
    """``{"username": "x", ...}`` (GitLab) or plain ``"x"`` (hand-made offline files)."""
    return value.get("username") if isinstance(value, dict) else value


def _text(value: Any) -> Any:
    return "" if value is None else value


def _flag(value: Any) -> Any:
    return False if value is None else value


Time = Annotated[datetime, BeforeValidator(parse_time)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Username = Annotated[str, BeforeValidator(_username)]
Text = Annotated[str, BeforeValidator(_text)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ApiNote(_Shape):
    id: int
    author: Username
    body: Text = ""
    created_at: Time
    updated_at: Time | None = None
    system: Flag = False
    internal: Flag = False

    def to_note(self) -> Note:
        return Note(
            id=self.id,
            author=self.author,
            body=self.body,
            created_at=self.created_at,
            updated_at=self.updated_at or self.created_at,
            system=self.system,
            internal=self.internal,
        )


class ApiIssue(_Shape):
    iid: int
    title: Text = ""
    description: Text = ""
    labels: list[str] = Field(default_factory=list)
    state: str = "opened"
    author: Username
    created_at: Time
    updated_at: Time | None = None
    closed_at: Time | None = None
    assignees: list[Username] = Field(default_factory=list)
    web_url: Text = ""
    confidential: Flag = False
    closed_by: Username | None = None

    def to_issue(self, notes: tuple[Note, ...]) -> Issue:
        return Issue(
            iid=self.iid,
            title=self.title,
            description=self.description,
            labels=tuple(self.labels),
            state=self.state,
            author=self.author,
            created_at=self.created_at,
            updated_at=self.updated_at or self.created_at,
            assignees=tuple(self.assignees),
            closed_at=self.closed_at,
            web_url=self.web_url,
            notes=notes,
            confidential=self.confidential,
            closed_by=self.closed_by,
        )


def problem(exc: ValidationError) -> str:
    """A validation error in one line: the first field that does not fit, and why."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "value"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def notes_from_api(raw: Iterable[Any]) -> tuple[tuple[Note, ...], list[str]]:
    """The notes that fit, oldest first, and one line per note left out."""
    notes: list[Note] = []
    skipped: list[str] = []
    for item in raw:
        try:
            notes.append(ApiNote.model_validate(item).to_note())
        except ValidationError as exc:
            ident = item.get("id", "?") if isinstance(item, Mapping) else "?"
            skipped.append(f"note {ident} left out: {problem(exc)}")
    notes.sort(key=lambda n: (n.created_at, n.id))
    return tuple(notes), skipped


def issue_from_api(raw: Any, notes: tuple[Note, ...]) -> Issue:
    """The issue; raises ``ValueError`` naming the field when ``raw`` does not fit."""
    try:
        return ApiIssue.model_validate(raw).to_issue(notes)
    except ValidationError as exc:
        raise ValueError(problem(exc)) from None
