"""Pilot metrics as Markdown and as JSON."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from .metrics import STATES, Metrics


def _share(m: Metrics) -> str:
    share = m.lead_time_share
    return "—" if share is None else f"{share:.0%}"


def _hours(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} h"


def _period(m: Metrics) -> str:
    return f"{m.since} – {m.until}" if m.until else f"{m.since} onwards"


def _weeks_mark(weeks: float, target: tuple[float, float]) -> str:
    low, high = target
    if weeks > high:
        return f"{weeks:g} (above)"
    if weeks < low:
        return f"{weeks:g} (below)"
    return f"{weeks:g}"


def render_markdown(m: Metrics) -> str:
    lines = [
        f"# PTO coverage metrics: {m.team}",
        "",
        f"Requests starting {_period(m)}, as at team day {m.today}.",
        "",
        "## Requests",
        "",
        "| status | requests | working days off |",
        "|---|---:|---:|",
    ]
    for state in STATES:
        days = str(m.days_off[state]) if state in m.days_off else "—"
        lines.append(f"| {state} | {m.requests[state]} | {days} |")
    lines.append(f"| **total** | **{m.total_requests}** | **{m.total_days_off}** |")
    lines.append("")
    if m.undated:
        lines.append(f"- {m.undated} more request(s) opened in the range have no readable dates.")
    lines += [
        f"- Lead time: {m.planned_on_time} of {m.planned} planned request(s) ({_share(m)}) opened "
        f"at least {m.lead_time_days} days before the first day off.",
        "- Overlap: " + ", ".join(f"{n} request(s) at {k} out" for k, n in m.overlap.items()) + ".",
        f"- Manager decisions: {m.approvals} approval(s), {m.denials} denial(s).",
        "",
        "## Fallback requests",
        "",
        f"- Opened: {len(m.fallbacks)} ({m.fallbacks_in('covered')} covered, "
        f"{m.fallbacks_in('uncovered')} uncovered, {m.fallbacks_in('not needed')} not needed).",
        f"- Median time to full coverage: {_hours(m.median_hours_to_cover)}"
        f" (over {sum(1 for f in m.fallbacks if f.hours_to_cover is not None)}).",
        f"- Escalated past the deadline: {m.escalations}.",
    ]
    if m.fallbacks:
        lines += [
            "",
            "| fallback | PTO request | engineer | opened | accounts | state | to full coverage |",
            "|---|---|---|---|---:|---|---:|",
        ]
        for f in m.fallbacks:
            where = f"#{f.issue}" if f.issue is not None else "(this run)"
            state = f.state + (", escalated" if f.escalated else "")
            opened = f.opened_at.astimezone(ZoneInfo(m.timezone))
            lines.append(
                f"| {where} | #{f.request} | {f.engineer} | {opened:%Y-%m-%d %H:%M %Z} | "
                f"{f.accounts} | {state} | {_hours(f.hours_to_cover)} |"
            )
    low, high = m.weeks_target
    years = sorted(m.fallback_weeks)
    lines += [
        "",
        f"## Fallback weeks per engineer (target {low:g}–{high:g} a year)",
        "",
        "| engineer | " + " | ".join(str(y) for y in years) + " |",
        "|---|" + "---:|" * len(years),
    ]
    engineers = sorted({u for by in m.fallback_weeks.values() for u in by})
    for user in engineers:
        cells = [_weeks_mark(m.fallback_weeks[y].get(user, 0.0), m.weeks_target) for y in years]
        lines.append(f"| {user} | " + " | ".join(cells) + " |")
    if m.pending_fallbacks or m.pending_commands:
        lines += [
            "",
            f"Counted as this run would leave them: {m.pending_fallbacks} fallback request(s) "
            f"to open, {m.pending_commands} command(s) to answer.",
        ]
    return "\n".join(lines) + "\n"


def to_json(m: Metrics) -> dict[str, Any]:
    return {
        "team": m.team,
        "since": m.since.isoformat(),
        "until": m.until.isoformat() if m.until else None,
        "today": m.today.isoformat(),
        "requests": {
            "total": m.total_requests,
            "by_status": dict(m.requests),
            "working_days_off": {"total": m.total_days_off, **m.days_off},
            "undated": m.undated,
        },
        "lead_time": {
            "days": m.lead_time_days,
            "planned": m.planned,
            "on_time": m.planned_on_time,
            "share": m.lead_time_share,
        },
        "overlap": dict(m.overlap),
        "fallbacks": {
            "opened": len(m.fallbacks),
            "covered": m.fallbacks_in("covered"),
            "uncovered": m.fallbacks_in("uncovered"),
            "not_needed": m.fallbacks_in("not needed"),
            "median_hours_to_cover": m.median_hours_to_cover,
            "escalated": m.escalations,
            "items": [
                {
                    "issue": f.issue,
                    "request": f.request,
                    "engineer": f.engineer,
                    "opened_at": f.opened_at.isoformat(),
                    "accounts": f.accounts,
                    "state": f.state,
                    "hours_to_cover": f.hours_to_cover,
                    "escalated": f.escalated,
                }
                for f in m.fallbacks
            ],
        },
        "decisions": {"approvals": m.approvals, "denials": m.denials},
        "fallback_weeks": {
            "target": {"min": m.weeks_target[0], "max": m.weeks_target[1]},
            "by_year": {
                str(y): {u: round(w, 2) for u, w in by.items()}
                for y, by in sorted(m.fallback_weeks.items())
            },
        },
        "pending": {"fallbacks": m.pending_fallbacks, "commands": m.pending_commands},
    }
