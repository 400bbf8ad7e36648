"""The answer ``pto-bot check`` prints: the count on each working day, approval, coverage (or
the fallback request that would open), holidays, lead time and the requests it would change."""

from __future__ import annotations

from datetime import date

from ..domain.calendar import holidays_in
from ..domain.policy import Policy
from ..render.engine import days_text
from ..render.fallback_wording import fallback_reason
from ..rules import counting
from ..rules.evaluation import Evaluated, Status
from ..rules.fallback import suggestions, window_hours
from .whatif import WhatIf


def _holidays(policy: Policy, user: str, start: date, end: date) -> list[str]:
    person = policy.engineers.get(user)
    if person is None:
        return []
    found = holidays_in(person.country, person.subdivision, start, end, policy.working_weekdays)
    return [f"{day:%a %Y-%m-%d} {name}" for day, name in found]


def _coverage_lines(w: WhatIf, ev: Evaluated) -> list[str]:
    policy = w.policy
    r = ev.request
    lines = []
    if ev.pod is not None:
        lines.append(f"  pod {ev.pod}")
    if not ev.covers and not ev.global_support:
        lines.append(f"  {r.engineer} owns no account playbook: nothing to cover.")
    for c in ev.covers:
        a = c.account
        kind = f"{a.priority}, {a.model}"
        days = days_text(ev.part(c))
        when = f", {days}" if days else ""
        if c.backup:
            holiday = "; ".join(f"{d:%a %Y-%m-%d} {n}" for d, n in c.holidays)
            extra = f" — holiday {holiday}" if holiday else ""
            lines.append(f"  {a.name} ({kind}): @{c.backup} ({c.how}{when}){extra}")
        else:
            lines.append(f"  {a.name} ({kind}): no backup in the pod{when} → fallback request")
    if ev.global_support:
        names = ", ".join(a.name for a in ev.global_support)
        lines.append(f"  Global Support handles tickets for: {names}")
    uncovered = ev.uncovered
    if uncovered and ev.status is not Status.NEEDS_INFO:
        window = window_hours(r.kind, policy)
        accounts = ", ".join(c.account.name for c in uncovered)
        lines.append(
            f"  A fallback request would open for: {accounts} "
            f"({fallback_reason(ev, policy)}; {window:g} h for volunteers)."
        )
        if w.evaluation is not None:
            picks = suggestions(ev, w.evaluation, policy)
            if picks:
                shown = ", ".join(f"@{s.user} ({s.weeks:g} wk)" for s in picks)
                lines.append(f"  Suggested volunteers (fewest fallback weeks first): {shown}")
    return lines


def render_what_if(w: WhatIf) -> str:
    policy, ev = w.policy, w.ev
    r = ev.request
    thresholds = policy.thresholds
    lines = [
        f"What if {r.engineer} is off {r.start} – {r.end} ({r.kind}), "
        f"asked on {w.now.astimezone(policy.tz):%Y-%m-%d %H:%M} ({policy.team.timezone})?",
        "",
        "People out on each working day (this request included):",
    ]
    lines += [f"  {day:%a %Y-%m-%d}  {len(who)}  {', '.join(who)}" for day, who in w.names.items()]
    if not w.names:
        lines.append("  no working day in the period")
    lines.append("")
    peak = ", ".join(f"{d:%a %Y-%m-%d}" for d in ev.peak_days[:5])
    label = counting.out_label(ev.count, policy)
    lines.append(f"Peak: {ev.count} out ({peak or 'no working day'}): label {label}.")
    if counting.posts_for_visibility(ev.count, policy) and ev.status is not Status.NEEDS_APPROVAL:
        if w.chat:
            lines.append(f"Visibility: pto_bot posts it in {policy.team.channel}.")
        else:
            lines.append(f"Visibility: post it in {policy.team.channel} yourself.")
    if ev.status is Status.NEEDS_APPROVAL:
        lines.append(
            f"Approval needed: {ev.count} out reaches the threshold of {thresholds.approval}; "
            f"nothing is booked until {policy.team.manager} comments "
            f"`{policy.bot.command} approve`."
        )
    elif counting.informs_manager(ev.count, r.kind, policy):
        lines.append(
            f"Approval: not held (emergency PTO); {policy.team.manager} is informed "
            f"({ev.count} out)."
        )
    else:
        needed = (
            f"it takes {thresholds.approval} out"
            if thresholds.approval
            else "the policy holds nothing for approval"
        )
        lines.append(f"Approval: not needed ({needed}).")
    for other in w.already:
        lines.append(
            f"Already booked: #{other.iid} has {r.engineer} out "
            f"{other.request.start} – {other.request.end}."
        )
    lines.append("")
    if ev.status is Status.NEEDS_INFO:
        lines.append("The request would need fixing:")
        lines += [f"  {p}" for p in ev.problems]
        lines.append("")
    shown = w.if_approved if ev.status is Status.NEEDS_APPROVAL else ev
    if shown is not None and shown.status is not Status.NEEDS_INFO:
        heading = "Coverage once approved:" if shown is w.if_approved else "Coverage:"
        lines += [heading, *_coverage_lines(w, shown), ""]
    own = _holidays(policy, r.engineer, r.start, r.end)
    if own:
        lines.append(f"Public holidays in the period for {r.engineer}: {'; '.join(own)}.")
    days = w.lead_days
    lead = policy.requests.lead_time_days
    if days < 0:
        lines.append(f"Lead time: the start is {-days} day(s) in the past.")
    elif r.kind == "emergency":
        lines.append("Lead time: no warning for emergency PTO.")
    elif days < lead:
        lines.append(
            f"Lead time: warning — opened today it is {days} day(s) before the start; "
            f"the policy asks for {lead}."
        )
    else:
        lines.append(f"Lead time: fine ({days} day(s) ahead).")
    if w.changes:
        lines += ["", "Other requests this would change:"]
        lines += [f"  #{c.iid} {c.engineer}: {c.what}" for c in w.changes]
    return "\n".join(lines) + "\n"
