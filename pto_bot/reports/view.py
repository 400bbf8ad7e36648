"""The coverage view's types: plain, frozen data about who is out and who covers, the one thing
every report (dashboard issue, Pages site, JSON, calendar) renders. Built by
:func:`pto_bot.reports.coverage_view.build_view`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from ..rules import counting, fairness

State = Literal["covered", "needs-coverage", "needs-approval", "needs-info", "denied", "cancelled"]
Level = counting.Level
Standing = fairness.Standing


@dataclass(frozen=True)
class Thresholds:
    visibility: int
    approval: int | None  # None: nothing is held for approval


@dataclass(frozen=True)
class Engineer:
    username: str
    name: str | None
    country: str
    subdivision: str | None
    pod: str | None  # the pod in force today


@dataclass(frozen=True)
class DayCount:
    day: date
    count: int  # distinct engineers out (requests that count: valid, not cancelled or denied)
    band: str  # "0", "1", "2", "3+" (the approval threshold and up share one band)
    level: Level  # none, pod (coordinate with the pod), visibility, approval
    engineers: tuple[str, ...]
    is_today: bool


@dataclass(frozen=True)
class CoverRow:
    account: str
    priority: str
    model: str
    backup: str | None
    how: str | None  # pod, hand-picked, volunteer, assigned; None while uncovered
    fallback: bool  # on the fallback request (the pod could not take it)
    backup_holidays: tuple[tuple[date, str], ...]
    stretches: tuple[tuple[date, date], ...] = ()  # the part of the request it is for; () all
    confirmed: bool = False  # the backup confirmed it (`/pto accept`)


@dataclass(frozen=True)
class RequestRow:
    iid: int
    engineer: str
    start: date
    end: date
    kind: str  # planned | emergency; "" for a confidential request (its type stays in it)
    status: str  # the evaluation's status: active, needs-approval, needs-info, denied, cancelled
    state: State  # what the report shows: active splits into covered / needs-coverage
    count: int  # the request's count (requests opened before it plus itself)
    pod: str | None
    covers: tuple[CoverRow, ...]
    global_support: tuple[str, ...]
    uncovered: tuple[str, ...]
    web_url: str
    opened_at: datetime  # the creation, to the millisecond as GitLab gives it
    is_open: bool
    out_today: bool
    return_day: date | None
    problems: tuple[str, ...]  # none shown for a confidential request (they quote its text)
    confidential: bool = False


@dataclass(frozen=True)
class FallbackRow:
    iid: int | None  # None: the bot will open it on its next run
    web_url: str
    request: int
    engineer: str
    start: date
    end: date
    kind: str  # "" for a confidential request
    accounts_open: tuple[str, ...]
    volunteers: tuple[tuple[str, str], ...]  # (account, engineer) taken from the fallback list
    opened_at: datetime
    deadline: datetime
    escalated: bool  # the deadline passed with accounts open (the manager is, or will be, told)


@dataclass(frozen=True)
class WaitingRow:
    iid: int
    engineer: str  # the request's engineer, or its author when it cannot be read
    waiting_for: Literal["info", "approval"]
    start: date | None
    end: date | None
    count: int
    problems: tuple[str, ...]
    opened_at: datetime
    web_url: str


@dataclass(frozen=True)
class FallbackWeeks:
    engineer: str
    weeks: float
    standing: Standing  # against policy.fallback.weeks_per_year


@dataclass(frozen=True)
class PodRow:
    name: str
    lead: str | None
    members: tuple[str, ...]


@dataclass(frozen=True)
class StalePlaybook:
    account: str
    iid: int
    owner: str | None
    updated: date
    days: int  # days since the last update
    web_url: str


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    country: str
    subdivision: str | None
    engineers: tuple[str, ...]


@dataclass(frozen=True)
class CoverageView:
    team: str
    project: str
    manager: str
    now: datetime
    today: date
    timezone: str
    weeks: int
    window_start: date  # Monday of the current week
    window_end: date  # last calendar day of the window
    thresholds: Thresholds
    engineers: tuple[Engineer, ...]
    out_today: tuple[str, ...]
    days: tuple[DayCount, ...]  # working days of the window
    requests: tuple[RequestRow, ...]  # current and upcoming, in start order
    fallbacks: tuple[FallbackRow, ...]  # open fallback requests
    waiting: tuple[WaitingRow, ...]  # open requests waiting for info or approval
    year: int
    fallback_target: tuple[float, float]  # min, max weeks per year
    fallback_weeks: tuple[FallbackWeeks, ...]
    pods: tuple[PodRow, ...]  # in force today
    next_rotation: date | None
    next_pods: tuple[PodRow, ...]  # in force from next_rotation
    stale_days: int
    stale_playbooks: tuple[StalePlaybook, ...]
    holidays: tuple[Holiday, ...]  # on working days of the window, for the roster's countries
