"""The timeline's geometry: a row per engineer grouped by pod, a bar per request (stacked in lanes
when one engineer's requests overlap), daily counts and holiday marks, in pixels. The SVG
template only draws what is computed here.

The SVG holds the days only, drawn at their natural size (never scaled down to fit: on a phone
its text would shrink to a few pixels); the names of the rows are HTML beside it, in bands of
the same heights, so that the page can keep them in view while the days scroll sideways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .coverage_view import calendar_window
from .view import CoverageView, Holiday, RequestRow

# pixels
HEAD_H = 38  # week labels and day numbers
HOLIDAY_H = 16
GROUP_H = 20
LANE_H = 22
BAR_H = 14
COUNT_H = 24
COUNT_GAP = 6  # between the last row and the count row
TIMELINE_W = 1010  # target width of the day columns; a day is 16 to 24 px wide
MIN_DAY_W = 16  # two digits of the day number fit


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
    bar_h: int
    head_h: int  # the bands of the names beside the SVG: the header,
    holiday_h: int  # the holiday row,
    group_h: int  # a pod's name, (rows are as high as their lanes)
    count_gap: int  # the space above the count row,
    count_h: int  # and the count row
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
    day_w = max(MIN_DAY_W, min(24, TIMELINE_W // len(days)))
    start, end = view.window_start, view.window_end

    def x_of(day: date) -> int:
        return (day - start).days * day_w

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

    counts_y = y + COUNT_GAP
    counts = tuple(
        CountCell(x_of(d.day), d.day, d.count, d.band, d.level, d.engineers, d.is_today)
        for d in view.days
    )
    by_day: dict[date, list[Holiday]] = {}
    for h in view.holidays:
        by_day.setdefault(h.day, []).append(h)
    marks = tuple(HolidayMark(x_of(d), d, tuple(hs)) for d, hs in sorted(by_day.items()))
    return Timeline(
        width=len(days) * day_w + 2,
        height=counts_y + COUNT_H + 2,
        day_w=day_w,
        bar_h=BAR_H,
        head_h=HEAD_H,
        holiday_h=HOLIDAY_H,
        group_h=GROUP_H,
        count_gap=COUNT_GAP,
        count_h=COUNT_H + 2,
        columns=columns,
        groups=tuple(groups),
        counts=counts,
        counts_y=counts_y,
        holiday_y=HEAD_H,
        holiday_marks=marks,
        today_x=x_of(view.today) if start <= view.today <= end else None,
        bars=bars,
    )
