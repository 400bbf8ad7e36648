"""``pto-bot check``: what would happen if an engineer asked for these days off, before anyone
opens an issue.

The question becomes a PTO request issue that exists only in this plan: opened at ``now`` by the
engineer (so it is judged after every request already open, as a real one would be), with an
iid far above the project's, and a description in the template's field format, read by the same
parser (so a bad date or an unknown engineer gets the parser's own message). The planner runs on
the snapshot with it; nothing is ever written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from ..domain.policy import Policy
from ..domain.request_form import parse_request
from ..domain.snapshot import Issue, Snapshot
from ..errors import ConfigError
from ..plan.planner import Plan, plan
from ..render.engine import days_text
from ..render.request_form import request_form
from ..rules.evaluate import if_approved
from ..rules.evaluation import Evaluated, Evaluation, Status

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
    chat: bool  # a team-channel webhook is set up: the bot posts for visibility
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
    kind = "emergency" if emergency else "planned"
    return request_form(
        engineer, start, end, kind, backups=backups, notes="what-if check (pto-bot check)"
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
    chat: bool = False,
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
    extended = replace(snapshot, issues=(*snapshot.issues, issue))
    with_it = plan(policy, extended, now, bot)
    ev = with_it.evaluation.get(issue.iid)
    assert ev is not None and ev.filed.form is not None
    names = _names(with_it.evaluation, ev)
    result = WhatIf(policy, now, ev, chat, names, evaluation=with_it.evaluation)
    if ev.status is Status.NEEDS_APPROVAL:
        result.if_approved = if_approved(
            with_it.world, with_it.world.ledger, with_it.evaluation.today, ev
        )
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
    """Account -> who covers it: a backup, several with their dates, or None (nobody)."""
    found: dict[str, list[str]] = {}
    for c in ev.covers:
        days = days_text(ev.part(c))
        when = f" {days}" if days else ""
        found.setdefault(c.account.name, []).append(f"@{c.backup}{when}" if c.backup else "")
    return {
        account: ", ".join(w or "nobody" for w in who) if any(who) else None
        for account, who in found.items()
    }


def _changes(base: Evaluation, with_it: Evaluation, skip: int) -> list[Change]:
    changes = []
    for after in with_it.requests:
        before = base.get(after.iid)
        if after.iid == skip or before is None or after.filed.form is None:
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
    return user if user else "nobody (fallback)"
