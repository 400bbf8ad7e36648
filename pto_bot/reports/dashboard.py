"""The coverage dashboard issue: one issue, created once, its description rewritten when it changed.

Pure: ``dashboard_actions(world, view, problems)`` returns the writes. The shell plans the
dashboard after the run's other writes, from the run's one plan and what its writes did, so it
shows the coverage the run decided and the run's problems (a run never fails silently).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from ..domain.markers import with_marker
from ..domain.topics import Topic
from ..domain.world import World
from ..plan.actions import Action, CreateIssue, EditIssue, SetState
from ..render.engine import Trusted, days_text, local_time, render
from ..render.text import safe
from .view import CoverageView, DayCount, RequestRow

TITLE = "PTO coverage dashboard"
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LEVEL_MARK = {"none": "·", "pod": "🟢", "visibility": "🟡", "approval": "🔴"}


@dataclass(frozen=True)
class _Week:
    monday: date
    cells: tuple[Trusted, ...]


def _cell(day: DayCount | None, holiday: bool) -> Trusted:
    if day is None:
        return Trusted("")
    mark = _LEVEL_MARK[day.level]
    text = mark if day.count == 0 else f"{mark} {day.count}"
    if holiday:
        text += " 🎉"
    return Trusted(f"**{text}**" if day.is_today else text)


def _weeks(view: CoverageView, weekdays: list[int]) -> list[_Week]:
    by_day = {d.day: d for d in view.days}
    holidays = {h.day for h in view.holidays}
    weeks = []
    monday = view.window_start
    while monday <= view.window_end:
        cells = []
        for weekday in weekdays:
            day = date.fromordinal(monday.toordinal() + weekday)
            cells.append(_cell(by_day.get(day), day in holidays))
        weeks.append(_Week(monday, tuple(cells)))
        monday = date.fromordinal(monday.toordinal() + 7)
    return weeks


def _summary(row: RequestRow) -> Trusted:
    parts = []
    for cover in row.covers:
        who = f"`{cover.backup}`" if cover.backup else "**open**"
        when = days_text(cover.stretches, weekday=True)
        confirmed = " ✓" if cover.confirmed else ""
        parts.append(f"{safe(cover.account)}: {who}{confirmed}" + (f" ({when})" if when else ""))
    if row.global_support:
        parts.append(f"Global Support: {', '.join(safe(a) for a in row.global_support)}")
    if row.problems:
        parts.append("; ".join(safe(p) for p in row.problems))
    return Trusted("; ".join(parts) or "no accounts")


def render_dashboard(view: CoverageView, weekdays: list[int], problems: list[str]) -> str:
    rows = [
        {
            "iid": r.iid,
            "engineer": r.engineer,
            "start": r.start,
            "end": r.end,
            "kind": r.kind,
            "count": r.count,
            "state": r.state,
            "summary": _summary(r),
        }
        for r in view.requests
    ]
    fallbacks = [
        {
            "ref": Trusted(f"#{f.iid}" if f.iid else "(opening)"),
            "request": f.request,
            "engineer": f.engineer,
            "open": ", ".join(f.accounts_open) or "none",
            "deadline": local_time(f.deadline, ZoneInfo(view.timezone)),
            "escalated": f.escalated,
        }
        for f in view.fallbacks
    ]
    data = view.__dict__ | {"requests": rows, "fallbacks": fallbacks}
    return render(
        "dashboard.md.j2",
        v=data,
        weekdays=[_WEEKDAY_NAMES[d] for d in weekdays],
        weeks=_weeks(view, weekdays),
        problems=problems,
    )


def dashboard_actions(world: World, view: CoverageView, problems: list[str]) -> list[Action]:
    """Open the dashboard, or rewrite it when it changed. With the dashboard turned off
    (``reports.dashboard: false``) an open dashboard is closed, and nothing else is written."""
    existing = world.dashboard
    if not world.policy.reports.dashboard:
        if existing is not None and existing.is_open:
            return [SetState(existing.iid, "close", "the dashboard is off")]
        return []
    weekdays = sorted(world.policy.working_weekdays)
    body = with_marker(render_dashboard(view, weekdays, problems), Topic.DASHBOARD)
    if existing is None:
        labels = (world.policy.labels.dashboard,)
        why = "the team's coverage at a glance"
        return [CreateIssue("dashboard", TITLE, body, labels, None, why)]
    actions: list[Action] = []
    if existing.description.rstrip() != body.rstrip():
        actions.append(EditIssue(existing.iid, body, "coverage changed"))
    if not existing.is_open:
        actions.append(SetState(existing.iid, "reopen", "the dashboard is on"))
    return actions
