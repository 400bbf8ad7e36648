"""``pto-bot check``: what would happen if an engineer asked for these days off, before anyone
opens an issue.

The question becomes a PTO request issue that exists only in memory: opened at ``now`` by the
engineer (so it is judged after every request already open, as a real one would be), with an
iid far above the project's, and a description in the template's field format, read by the same
parser (so a bad date or an unknown engineer gets the parser's own message). The planner runs on
the snapshot with it; nothing is ever written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..domain.calendar import holidays_in
from ..domain.ledger import LedgerEntry
from ..domain.policy import Policy
from ..domain.request_form import parse_request
from ..domain.snapshot import Issue, Snapshot
from ..errors import ConfigError
from ..plan.planner import Plan, plan
from ..render.wording import fallback_reason
from ..rules import counting
from ..rules.evaluate import evaluate
from ..rules.evaluation import Evaluated, Evaluation, Status
from ..rules.fallback import suggestions, window_hours

OFFSET = 1_000_000  # the synthetic request's iid: this far above the project's highest


@dataclass(frozen=True)
class Change:
    """How the hypothetical request changes an existing request's coverage."""

    iid: int
    engineer: str
    what: str


@dataclass
class WhatIf:
    policy: Policy
    now: datetime
    ev: Evaluated  # the hypothetical request, as the planner judges it
    names: dict[date, list[str]]  # working day -> who is out (the hypothetical included)
    if_approved: Evaluated | None = None  # its coverage once the manager approves
    evaluation: Evaluation | None = None
    changes: list[Change] = field(default_factory=list)
    already: list[Evaluated] = field(default_factory=list)  # the engineer's overlapping requests

    @property
    def lead_days(self) -> int:
        return (self.ev.request.start - self.now.astimezone(self.policy.tz).date()).days


def description(engineer: str, start: str, end: str, emergency: bool, backups: str = "") -> str:
    """A PTO request body in the issue template's field format."""
    return (
        "## PTO request\n\n"
        f"- **Engineer:** @{engineer.removeprefix('@')}\n"
        f"- **Start:** {start}\n"
        f"- **End:** {end}\n"
        f"- **Type:** {'emergency' if emergency else 'planned'}\n"
        f"- **Backups:** {backups}\n"
        "- **Notes:** what-if check (pto-bot check)\n"
    )


def synthetic_issue(
    policy: Policy, snapshot: Snapshot, now: datetime, engineer: str, body: str
) -> Issue:
    iid = max((i.iid for i in snapshot.issues), default=0) + OFFSET
    return Issue(
        iid=iid,
        title=f"What if: PTO {engineer}",
        description=body,
        labels=(policy.labels.request,),
        state="opened",
        author=engineer.removeprefix("@"),
        created_at=now,
        updated_at=now,
    )


def what_if(
    policy: Policy,
    snapshot: Snapshot,
    now: datetime,
    engineer: str,
    start: str,
    end: str,
    emergency: bool = False,
    backups: str = "",
    bot: str | None = None,
) -> tuple[WhatIf, Plan]:
    """Plan the project with the hypothetical request added; ConfigError when it cannot be read.
    ``bot`` is the bot's username (default: the policy's)."""
    body = description(engineer, start, end, emergency, backups)
    parsed = parse_request(
        body,
        author=engineer.removeprefix("@"),
        roster=list(policy.engineers),
        max_days=policy.requests.max_days,
    )
    if parsed.request is None:
        raise ConfigError([f"check: {p.message}" for p in parsed.problems])
    issue = synthetic_issue(policy, snapshot, now, parsed.request.engineer, body)
    extended = Snapshot(
        (*snapshot.issues, issue), snapshot.project, snapshot.web_url, snapshot.errors
    )
    with_it = plan(policy, extended, now, bot)
    ev = with_it.evaluation.get(issue.iid)
    assert ev is not None and ev.req.request is not None
    result = WhatIf(policy, now, ev, _names(with_it.evaluation, ev), evaluation=with_it.evaluation)
    if ev.status is Status.NEEDS_APPROVAL:
        r = ev.request
        approval = LedgerEntry(
            note_id=0,
            index=0,
            key="what-if",
            verb="approve",
            ok=True,
            by=policy.team.manager,
            request=issue.iid,
            start=r.start.isoformat(),
            end=r.end.isoformat(),
        )
        ledger = (*with_it.world.ledger, approval)
        approved = evaluate(with_it.world, ledger, with_it.evaluation.today)
        result.if_approved = approved.get(issue.iid)
    result.changes = _changes(
        plan(policy, snapshot, now, bot).evaluation, with_it.evaluation, ev.iid
    )
    result.already = [
        o
        for o in with_it.evaluation.requests
        if o.iid != ev.iid
        and o.counted
        and o.request.engineer == ev.request.engineer
        and o.request.start <= ev.request.end
        and ev.request.start <= o.request.end
    ]
    return result, with_it


def _names(evaluation: Evaluation, ev: Evaluated) -> dict[date, list[str]]:
    """Who is out on each working day of ``ev``: it and the requests judged before it."""
    before = evaluation.requests[: evaluation.requests.index(ev)]
    r = ev.request
    names = {}
    for day in ev.daily:
        out = {r.engineer} | {
            o.request.engineer
            for o in before
            if o.counted and o.request.start <= day <= o.request.end
        }
        names[day] = sorted(out)
    return names


def _cover_map(ev: Evaluated) -> dict[str, str | None]:
    return {c.account.name: c.backup for c in ev.covers}


def _changes(base: Evaluation, with_it: Evaluation, skip: int) -> list[Change]:
    changes = []
    for after in with_it.requests:
        before = base.get(after.iid)
        if after.iid == skip or before is None or after.req.request is None:
            continue
        engineer = after.request.engineer
        if before.status is not after.status:
            what = f"status {before.status.value} → {after.status.value}"
            changes.append(Change(after.iid, engineer, what))
        old, new = _cover_map(before), _cover_map(after)
        for account in sorted(set(old) | set(new)):
            if old.get(account) != new.get(account):
                was = _who(old.get(account))
                changes.append(
                    Change(after.iid, engineer, f"{account}: {was} → {_who(new.get(account))}")
                )
    return changes


def _who(user: str | None) -> str:
    return f"@{user}" if user else "nobody (fallback)"


# -- the answer ---------------------------------------------------------------------------------
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
        if c.backup:
            holiday = "; ".join(f"{d:%a %Y-%m-%d} {n}" for d, n in c.holidays)
            extra = f" — holiday {holiday}" if holiday else ""
            lines.append(f"  {a.name} ({kind}): @{c.backup} ({c.how}){extra}")
        else:
            lines.append(f"  {a.name} ({kind}): no backup in the pod → fallback request")
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
        lines.append(f"Visibility: posted in {policy.team.channel}.")
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
        lines.append(f"Approval: not needed (it takes {thresholds.approval} out).")
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
