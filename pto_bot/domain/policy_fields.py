"""The kinds of value ``policy.yaml`` holds, each checked where it is read: usernames, labels,
country codes, time zones, weekdays, hours; and the words a command must not shadow (GitLab's own
quick actions). The sections built of them are :mod:`.policy_sections`."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

USERNAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,254}$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# GitLab's own quick actions: a command word must not shadow one of them.
GITLAB_QUICK_ACTIONS = frozenset(
    [
        "approve",
        "assign",
        "assign_reviewer",
        "award",
        "blocked_by",
        "blocks",
        "clone",
        "close",
        "confidential",
        "copy_metadata",
        "create_merge_request",
        "done",
        "draft",
        "due",
        "duplicate",
        "epic",
        "estimate",
        "health_status",
        "iteration",
        "label",
        "lock",
        "merge",
        "milestone",
        "move",
        "parent_epic",
        "promote",
        "publish",
        "react",
        "ready",
        "relabel",
        "relate",
        "remove_due_date",
        "remove_epic",
        "remove_estimate",
        "remove_milestone",
        "remove_parent_epic",
        "reopen",
        "request_review",
        "set_parent",
        "shrug",
        "spend",
        "subscribe",
        "tableflip",
        "target_branch",
        "title",
        "todo",
        "unassign",
        "unlabel",
        "unlock",
        "unsubscribe",
        "weight",
        "zoom",
    ]
)


def label_reference(label: str) -> str:
    """How a label is written in GitLab Markdown and quick actions: ``~name`` or ``~"a::b c"``."""
    return f"~{label}" if re.fullmatch(r"[\w.\-]+", label) else f'~"{label}"'


def _username(value: str) -> str:
    if not isinstance(value, str) or not USERNAME_RE.match(value) or value.endswith((".", "-")):
        raise ValueError(f"{value!r} is not a GitLab username")
    return value


def _country(value: str) -> str:
    from .calendar import supported_countries

    code = value.upper() if isinstance(value, str) else value
    if code not in supported_countries():
        raise ValueError(
            f"{value!r} is not a country code the holidays package knows (e.g. US, CA)"
        )
    return str(code)


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. America/New_York)") from None
    return value


def _label(value: str) -> str:
    if not isinstance(value, str) or not value.strip() or value != value.strip() or "," in value:
        raise ValueError(f"{value!r} is not a usable label name (no commas, no outer spaces)")
    return value


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PriorityName = Literal["high", "normal"]
ModelName = Literal["auto-assigned", "global-support"]
AccountKind = Literal["auto-assigned", "named"]
DEFAULT_HOURS: dict[AccountKind, float] = {"auto-assigned": 4.0, "named": 2.0}


def _weekdays() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


def _high() -> list[PriorityName]:
    return ["high"]


def _auto() -> list[ModelName]:
    return ["auto-assigned"]


Username = Annotated[str, AfterValidator(_username)]
Label = Annotated[str, AfterValidator(_label)]
Country = Annotated[str, AfterValidator(_country)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
PositiveHours = Annotated[float, Field(gt=0, le=168)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
