"""The static coverage report: ``index.html`` (an SVG timeline), ``pto.ics`` and ``report.json``.

Everything is rendered from a :class:`~pto_bot.coverage_view.CoverageView`. The page is
self-contained (inline CSS, inline SVG, no script, no external asset), so it can be published as
GitLab Pages or opened from disk. Geometry is computed here; the Jinja2 templates in
``reports/templates/`` hold the wording and markup, with autoescape on: every value people typed
(account names, problems) is HTML-escaped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from icalendar import Calendar, Event
from jinja2 import Environment, PackageLoader, StrictUndefined

from ..domain.policy import Policy
from .coverage_view import CoverageView, Holiday, RequestRow, calendar_window, view_to_json

# -- timeline geometry (pixels) --------------------------------------------------------------------
LABEL_W = 195
HEAD_H = 38  # week labels and day numbers
HOLIDAY_H = 16
GROUP_H = 20
LANE_H = 22
BAR_H = 14
COUNT_H = 24
TIMELINE_W = 1010  # target width of the day columns; a day is 12 to 24 px wide

# Requests the calendar carries: the ones that will (or may) happen.
ICS_STATUSES = frozenset({"active", "needs-approval"})


@dataclass(frozen=True)
class Column:
    day: date
    x: int
    weekend: bool
    is_today: bool
    week_start: bool


@dataclass(frozen=True)
class Bar:
    request: RequestRow
    x: int
    y: int
    width: int
    clipped_start: bool
    clipped_end: bool


@dataclass(frozen=True)
class Row:
    username: str
    name: str | None
    y: int
    height: int
    bars: tuple[Bar, ...]
    holidays: tuple[tuple[int, Holiday], ...]  # (x, holiday) of this engineer's region


@dataclass(frozen=True)
class Group:
    name: str | None  # pod name; None for engineers in no pod
    lead: str | None
    y: int
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class CountCell:
    x: int
    day: date
    count: int
    band: str
    level: str
    engineers: tuple[str, ...]
    is_today: bool


@dataclass(frozen=True)
class HolidayMark:
    x: int
    day: date
    holidays: tuple[Holiday, ...]


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    day_w: int
    label_w: int
    bar_h: int
    columns: tuple[Column, ...]
    groups: tuple[Group, ...]
    counts: tuple[CountCell, ...]
    counts_y: int
    holiday_y: int
    holiday_marks: tuple[HolidayMark, ...]
    today_x: int | None
    bars: int


def _lanes(requests: list[RequestRow]) -> list[tuple[int, RequestRow]]:
    """Stack overlapping requests of one engineer in lanes (first free lane, in start order)."""
    ends: list[date] = []
    placed = []
    for r in sorted(requests, key=lambda r: (r.start, r.end, r.iid)):
        lane = next((i for i, end in enumerate(ends) if end < r.start), len(ends))
        if lane == len(ends):
            ends.append(r.end)
        else:
            ends[lane] = r.end
        placed.append((lane, r))
    return placed


def timeline(view: CoverageView) -> Timeline:
    days = calendar_window(view)
    day_w = max(12, min(24, TIMELINE_W // len(days)))
    start, end = view.window_start, view.window_end

    def x_of(day: date) -> int:
        return LABEL_W + (day - start).days * day_w

    working = {d.day for d in view.days}
    columns = tuple(
        Column(d, x_of(d), d not in working, d == view.today, d.weekday() == 0) for d in days
    )
    shown = [r for r in view.requests if r.start <= end and r.end >= start]

    roster = {e.username: e for e in view.engineers}
    lineup: list[tuple[str | None, str | None, list[str]]] = [
        (p.name, p.lead, list(p.members)) for p in view.pods
    ]
    in_pods = {m for _, _, members in lineup for m in members}
    loose = [e.username for e in view.engineers if e.username not in in_pods]
    loose += sorted({r.engineer for r in shown} - in_pods - set(loose))
    if loose:
        lineup.append((None, None, loose))

    holidays_of: dict[str, list[Holiday]] = {}
    for h in view.holidays:
        for username in h.engineers:
            holidays_of.setdefault(username, []).append(h)

    y = HEAD_H + HOLIDAY_H
    groups = []
    bars = 0
    for name, lead, members in lineup:
        group_y = y
        y += GROUP_H
        rows = []
        for username in members:
            placed = _lanes([r for r in shown if r.engineer == username])
            lanes = max((lane for lane, _ in placed), default=0) + 1
            row_bars = []
            for lane, r in placed:
                first, last = max(r.start, start), min(r.end, end)
                row_bars.append(
                    Bar(
                        request=r,
                        x=x_of(first) + 1,
                        y=y + lane * LANE_H + (LANE_H - BAR_H) // 2,
                        width=(last - first).days * day_w + day_w - 2,
                        clipped_start=r.start < start,
                        clipped_end=r.end > end,
                    )
                )
            bars += len(row_bars)
            person = roster.get(username)
            rows.append(
                Row(
                    username=username,
                    name=person.name if person else None,
                    y=y,
                    height=lanes * LANE_H,
                    bars=tuple(row_bars),
                    holidays=tuple((x_of(h.day), h) for h in holidays_of.get(username, [])),
                )
            )
            y += lanes * LANE_H
        groups.append(Group(name, lead, group_y, tuple(rows)))

    counts_y = y + 6
    counts = tuple(
        CountCell(x_of(d.day), d.day, d.count, d.band, d.level, d.engineers, d.is_today)
        for d in view.days
    )
    by_day: dict[date, list[Holiday]] = {}
    for h in view.holidays:
        by_day.setdefault(h.day, []).append(h)
    marks = tuple(HolidayMark(x_of(d), d, tuple(hs)) for d, hs in sorted(by_day.items()))
    return Timeline(
        width=LABEL_W + len(days) * day_w + 2,
        height=counts_y + COUNT_H + 2,
        day_w=day_w,
        label_w=LABEL_W,
        bar_h=BAR_H,
        columns=columns,
        groups=tuple(groups),
        counts=counts,
        counts_y=counts_y,
        holiday_y=HEAD_H,
        holiday_marks=marks,
        today_x=x_of(view.today) if start <= view.today <= end else None,
        bars=bars,
    )


# -- HTML ------------------------------------------------------------------------------------------
def _href(url: object) -> str | None:
    """Only plain web links become links (an issue URL comes from the tracker, but still)."""
    if isinstance(url, str) and re.match(r"^https?://[^\s\"'<>]+$", url):
        return url
    return None


def _day(value: date) -> str:
    return value.strftime("%a %Y-%m-%d")


def _short(value: date) -> str:
    return value.strftime("%b %d")


def _weeks(value: float) -> str:
    return f"{value:g}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pto_bot.reports", "templates"),
        autoescape=True,  # these templates are all HTML: every value is escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = _href
    env.filters["day"] = _day
    env.filters["short"] = _short
    env.filters["weeks"] = _weeks
    return env


def render_html(view: CoverageView, policy: Policy) -> str:
    tz = policy.tz

    def local(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")

    env = environment()
    template = env.get_template("index.html.j2")
    return template.render(
        view=view,
        timeline=timeline(view),
        local=local,
        command=policy.bot.command,
        channel=policy.team.channel,
    )


# -- iCalendar -------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "project"


def _description(r: RequestRow) -> str:
    state = r.state.replace("-", " ")
    lines = [f"{r.engineer} is out {r.start} – {r.end} ({r.kind}).", f"Status: {state}."]
    if r.covers:
        lines.append("Backups:")
        for c in r.covers:
            who = f"{c.backup} ({c.how})" if c.backup else "nobody yet (fallback request)"
            lines.append(f"- {c.account}: {who}")
    if r.global_support:
        lines.append("Global Support handles: " + ", ".join(r.global_support))
    if r.web_url:
        lines.append(r.web_url)
    return "\n".join(lines)


def render_ics(view: CoverageView) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//pto-bot//coverage report//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{view.team} PTO")
    stamp = view.now.astimezone(UTC)
    project = _slug(view.project)
    for r in view.requests:
        if r.status not in ICS_STATUSES:
            continue
        event = Event()
        event.add("uid", f"pto-{project}-{r.iid}@pto-bot")
        event.add("dtstamp", stamp)
        event.add("dtstart", r.start)
        event.add("dtend", r.end + timedelta(days=1))  # exclusive: the day after the last day off
        event.add("summary", f"PTO: {r.engineer}")
        event.add("description", _description(r))
        event.add("transp", "TRANSPARENT")  # someone else's PTO does not make you busy
        event.add("status", "TENTATIVE" if r.status == "needs-approval" else "CONFIRMED")
        if _href(r.web_url):
            event.add("url", r.web_url)
        cal.add_component(event)
    return bytes(cal.to_ical())


# -- writing ---------------------------------------------------------------------------------------
def render_json(view: CoverageView) -> str:
    return json.dumps(view_to_json(view), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_report(view: CoverageView, policy: Policy, out_dir: Path) -> dict[str, int]:
    """Write ``index.html``, ``pto.ics`` and ``report.json`` into ``out_dir``; name -> bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "index.html": render_html(view, policy).encode("utf-8"),
        "pto.ics": render_ics(view),
        "report.json": render_json(view).encode("utf-8"),
    }
    sizes = {}
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes
