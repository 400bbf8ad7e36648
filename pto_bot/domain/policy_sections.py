"""One pydantic model per section of ``policy.yaml``, in the file's order, so the schema reads top
to bottom here: who is on the team and in which pod, how the bot is addressed, the thresholds,
coverage, fallback, requests, reminders, reports, limits, checklists and labels. Each refuses
unknown keys and wrong values with a message naming them; how the sections fit together is
checked by :class:`~.policy.Policy`."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from .policy_fields import (
    DEFAULT_HOURS,
    GITLAB_QUICK_ACTIONS,
    AccountKind,
    Country,
    Label,
    ModelName,
    PositiveHours,
    PriorityName,
    TimeZone,
    Username,
    Weekday,
    _auto,
    _high,
    _Strict,
    _weekdays,
)
from .server_url import url_problem


class Engineer(_Strict):
    """One person on the roster."""

    name: str | None = Field(default=None, description="Display name (optional).")
    country: Country = Field(
        description="ISO 3166 country code whose public holidays apply, e.g. US or CA."
    )
    subdivision: str | None = Field(
        default=None, description="State or province code for regional holidays, e.g. ON."
    )

    @model_validator(mode="after")
    def _known_subdivision(self) -> Engineer:
        from .calendar import unknown_subdivision

        wrong = unknown_subdivision(self.country, self.subdivision)
        if wrong:
            raise ValueError(f"subdivision {wrong}")
        return self


class Pod(_Strict):
    lead: Username | None = Field(default=None, description="Pod lead (optional).")
    members: list[Username] = Field(min_length=2, description="Usernames, the lead included.")

    @model_validator(mode="after")
    def _lead_is_member(self) -> Pod:
        problems = []
        if self.lead is not None and self.lead not in self.members:
            problems.append(f"lead {self.lead!r} is not one of the members {self.members}")
        twice = sorted({m for m in self.members if self.members.count(m) > 1})
        if twice:
            problems.append(f"{', '.join(map(repr, twice))} is listed twice in members")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class Rotation(_Strict):
    effective: date = Field(description="First day these pods are in force (YYYY-MM-DD).")
    pods: dict[str, Pod]


class Team(_Strict):
    name: str
    manager: Username
    channel: str = Field(description="Team chat channel named in visibility notes.")
    timezone: TimeZone = "America/New_York"
    working_days: list[Weekday] = Field(default_factory=_weekdays, min_length=1)
    country: Country | None = Field(
        default=None,
        description="ISO 3166 country code whose public holidays are the team's days off: "
        "the fallback and emergency windows count only working days. Default: the country "
        "most engineers have (the first listed of those tied).",
    )
    subdivision: str | None = Field(
        default=None,
        description="State or province code for the team's regional holidays, e.g. ON.",
    )


#: The bot's name where no GitLab says who it is: the offline file, the demo.
OFFLINE_BOT = "pto-bot"


class Bot(_Strict):
    username: Username | None = Field(
        default=None,
        description="Optional: the GitLab user of the bot's token. Every reconcile and webhook "
        "run asks GitLab who the token belongs to (GET /user) and stops before writing anything "
        "when this differs. Set it so the webhook job can ignore the bot's own events without "
        "asking, and so reports can run with a reader's token.",
    )
    command: str = Field(default="/pto", description="Command word people type in comments.")
    former_usernames: list[Username] = Field(
        default_factory=list,
        description="Users the bot's token belonged to before (a new personal access token of "
        "another user): their notes, fallback requests and dashboard stay the bot's own. A "
        "project access token's earlier bot users of this project count without being listed.",
    )

    @field_validator("command")
    @classmethod
    def _command(cls, value: str) -> str:
        if not re.fullmatch(r"/[a-z][a-z0-9_-]{1,30}", value):
            raise ValueError(f"{value!r} is not a command word like /pto")
        if value[1:] in GITLAB_QUICK_ACTIONS:
            raise ValueError(f"{value!r} is a GitLab quick action; pick another word")
        return value


class Server(_Strict):
    url: str | None = Field(
        default=None,
        description="Optional: GitLab's address, e.g. https://gitlab.example.com. In a CI job the "
        "bot talks only to CI_SERVER_URL or to this address: a GITLAB_URL pipeline variable "
        "naming any other host stops the run before the token is sent.",
    )

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        problem = None if value is None else url_problem(value, "the address")
        if problem is not None:
            raise ValueError(problem)
        return value


class Thresholds(_Strict):
    visibility: int = Field(default=2, ge=2, description="This many out: post for visibility.")
    approval: int | None = Field(
        default=3,
        ge=2,
        description="This many out: planned PTO waits for the manager's approval. null: never "
        "held (the classic workflow, the buddy program).",
    )

    @model_validator(mode="after")
    def _order(self) -> Thresholds:
        if self.approval is not None and self.approval < self.visibility:
            raise ValueError(
                f"approval ({self.approval}) must be at least visibility ({self.visibility})"
            )
        return self


class NamedBackup(_Strict):
    all_accounts: bool = Field(default=False, description="Every account gets a named backup.")
    priorities: list[PriorityName] = Field(default_factory=_high)
    coverage_models: list[ModelName] = Field(default_factory=_auto)


class Coverage(_Strict):
    mode: Literal["pods", "hand-picked"] = "pods"
    named_backup: NamedBackup = Field(default_factory=NamedBackup)
    hours_per_week: dict[AccountKind, PositiveHours] = Field(
        default_factory=lambda: dict(DEFAULT_HOURS),
        description="Expected weekly hours a backup spends on one account of each kind.",
    )
    capacity_hours_per_week: PositiveHours | None = Field(
        default=8.0,
        description="Hours a week one backup takes on; beyond it accounts go to a fallback "
        "request. null: no cap (a buddy covers the whole book, lightly).",
    )
    pod_out_limit: int = Field(
        default=2, ge=2, description="This many of a pod out together: the pod cannot cover."
    )

    @field_validator("hours_per_week")
    @classmethod
    def _fill_hours(cls, value: dict[AccountKind, float]) -> dict[AccountKind, float]:
        return {**DEFAULT_HOURS, **value}

    mention_manager: bool = Field(
        default=False, description="Mention the manager in the coverage note (classic workflow)."
    )


class Windows(_Strict):
    planned: PositiveHours = 48
    emergency: PositiveHours = 4


class FallbackWeeks(_Strict):
    min: float = Field(default=2, ge=0)
    max: float = Field(default=4, ge=0)


class Fallback(_Strict):
    window_hours: Windows = Field(default_factory=Windows)
    max_accounts_per_volunteer: int = Field(default=2, ge=1)
    weeks_per_year: FallbackWeeks = Field(default_factory=FallbackWeeks)
    suggestions: int = Field(default=4, ge=0, description="How many volunteers to suggest.")


class Requests(_Strict):
    lead_time_days: int = Field(default=14, ge=0)
    max_days: int = Field(default=60, ge=1, description="Longest request, in calendar days.")


class Reminders(_Strict):
    playbook_stale_days: int = Field(default=14, ge=1)
    days_before_start: int = Field(default=7, ge=0)
    playbook_note_on_start: bool = True
    backup_before_return: bool = True
    return_checklist: bool = True


class Reports(_Strict):
    dashboard: bool = Field(
        default=True,
        description="Keep the coverage dashboard issue (when false, an open one is closed).",
    )
    weeks: int = Field(default=8, ge=1, le=52, description="Weeks ahead the reports show.")
    calendar_accounts: bool = Field(
        default=False,
        description="Name each customer account and its backup in pto.ics. Off: the calendar "
        "says who is out, when, and who the backups are, and names no customer (an event "
        "copied into a personal or shared calendar leaves Pages access control behind).",
    )


class Limits(_Strict):
    writes_per_minute: int = Field(
        default=20,
        ge=1,
        le=600,
        description="All writes to GitLab together, in any rolling minute. Each write comes back "
        "as a webhook event, a pipeline: GitLab.com creates at most 25 pipelines a minute per "
        "project. Comments stay under 50 a minute whatever this says.",
    )
    write_minutes: int = Field(
        default=10,
        ge=1,
        le=50,
        description="How long a run may spend writing; what does not fit waits for the next run, "
        "the most urgent writes first (escalations, replies, new coverage).",
    )


class ChecklistItem(_Strict):
    text: str = Field(min_length=1, description="The item, one line of Markdown.")
    only_with_backups: bool = Field(
        default=False, description="Only for a request that had backups (e.g. meet them)."
    )


Item = str | ChecklistItem


class Checklists(_Strict):
    before: list[Item] = Field(min_length=1)
    backup: list[Item] = Field(default_factory=list)
    returning: list[Item] = Field(min_length=1, alias="return")

    model_config = ConfigDict(extra="forbid", frozen=True)


class Labels(_Strict):
    request: Label = "pto"
    playbook: Label = "playbook"
    fallback: Label = "pto-fallback"
    coverage_issue: Label = Field(
        default="pto-coverage",
        description="The bot's coverage issue per absence: assigned to the backups, it carries "
        "what they need while the engineer is out (nothing reaches the engineer then).",
    )
    dashboard: Label = "pto-dashboard"
    needs_info: Label = "pto::needs-info"
    needs_approval: Label = "pto::needs-approval"
    denied: Label = "pto::denied"
    cancelled: Label = "pto::cancelled"
    covered: Label = "pto::covered"
    needs_coverage: Label = "pto::needs-coverage"
    out_prefix: Label = "out::"
    priority_high: Label = "priority::high"
    priority_normal: Label = "priority::normal"
    coverage_auto: Label = "coverage::auto-assigned"
    coverage_global: Label = "coverage::global-support"
    escalated: Label = "fallback::escalated"
    checkin: Label = "pto-checkin"
