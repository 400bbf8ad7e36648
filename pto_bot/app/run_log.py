"""The readable account of a run printed by every job: what the bot found, what it wrote (or, on
a dry run, would write, with the text), and why."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from ..domain.markers import strip_marker
from ..domain.policy import Policy
from ..domain.snapshot import Snapshot
from ..plan.actions import Action, CreateIssue, PostNote, Reply, resolve_refs, target
from ..plan.planner import Plan
from ..render.engine import days_text, local_time
from ..rules import approval, fallback, going_live
from ..rules.evaluation import Cover, Evaluated, Status
from .apply import Applied, WriteStatus


def _problems(ev: Evaluated) -> str:
    """The request's problems; of a confidential one, only how many (they quote its text, and
    a job's log is read more widely than the issue)."""
    if ev.filed.secret:
        return f"{len(ev.problems)} (see the confidential request)"
    return "; ".join(p.message for p in ev.problems)


def _request_line(ev: Evaluated) -> str:
    issue = ev.filed.issue
    if ev.filed.form is None:
        return f"#{issue.iid:<4} {issue.author:<12} needs info: {_problems(ev)}"
    r = ev.request
    kind = "confidential" if ev.filed.secret else r.kind
    head = f"#{ev.iid:<4} {r.engineer:<12} {r.start} – {r.end}  {kind:<9}"
    state = ev.state.replace("-", " ") if ev.status is Status.ACTIVE else ev.status.value
    parts = [f"{head} {state}" + (f", {ev.count} out" if ev.counted else "")]
    if not issue.is_open:
        parts.append("closed")
    by_backup: dict[str, list[str]] = {}
    for cover in ev.covers:
        if cover.backup:
            when = _when(ev, cover)
            by_backup.setdefault(f"{cover.backup} ({cover.how})", []).append(
                cover.account.name + when
            )
    if by_backup:
        parts.append(
            "backups: " + "; ".join(f"{b}: {', '.join(a)}" for b, a in sorted(by_backup.items()))
        )
    if ev.uncovered:
        parts.append("open: " + ", ".join(c.account.name + _when(ev, c) for c in ev.uncovered))
    if ev.problems and ev.status is Status.NEEDS_INFO:
        parts.append("problems: " + _problems(ev))
    return " · ".join(parts)


def _when(ev: Evaluated, cover: Cover) -> str:
    """`` (the days)`` of the request ``cover`` is for; "" when it is for the whole of it."""
    days = days_text(ev.part(cover))
    return f" ({days})" if days else ""


def _body_preview(action: Action, limit: int = 40) -> list[str]:
    """The text a dry run would write, indented, without the hidden marker."""
    body = getattr(action, "body", None) or getattr(action, "description", None)
    if not body:
        return []
    text = strip_marker(resolve_refs(body, {}, dry_run=True)).splitlines()
    shown = [f"        | {line}" for line in text[:limit]]
    if len(text) > limit:
        shown.append(f"        | … {len(text) - limit} more lines")
    return shown


def _waiting(plan: Plan) -> list[str]:
    """What people are waiting for: each open fallback request's deadline (in working time),
    and who decides each request held for approval (the manager, or the deputy)."""
    world, policy = plan.world, plan.world.policy
    tz, manager, deputy = policy.tz, policy.team.manager, policy.approval.deputy
    lines = []
    for req, fb in sorted(world.fallbacks.items()):
        ev = plan.evaluation.get(req)
        if ev is None or ev.filed.form is None or not fb.issue.is_open or not ev.uncovered:
            continue
        hours = fallback.window_hours(ev.request.kind, policy)
        due = fallback.deadline(ev.request.kind, fb.window_start, policy)
        window = "volunteers until" if plan.now < due else "the manager assigns since"
        lines.append(
            f"#{fb.issue.iid:<4} fallback for #{req} {ev.request.engineer}: {window} "
            f"{local_time(due, tz)} ({hours:g} h of working time from "
            f"{local_time(fb.window_start, tz)})"
        )
    for ev in plan.evaluation.requests:
        if ev.status is not Status.NEEDS_APPROVAL:
            continue
        turn = approval.deputy_turn(world, ev.iid, ev.request, plan.now)
        who = f"{manager} decides"
        if deputy and turn.away is not None:
            who = f"{deputy} decides, deputy of {manager}, who is out until {turn.away.end:%a %F}"
        elif deputy and turn.allowed(plan.now):
            who = f"{manager} or {deputy}, the deputy (no answer from {manager}), decides"
        lines.append(f"#{ev.iid:<4} {ev.request.engineer}: waiting for approval; {who}")
    return lines


def problems_of(the_plan: Plan, result: Applied | None = None) -> list[str]:
    """Everything that went wrong in a run, one line each, naming the issue where one is known."""
    failures = [*the_plan.failures, *(result.failures if result else [])]
    return [*the_plan.world.problems] + [f"#{iid}: {msg}" if iid else msg for iid, msg in failures]


def _first_run(plan: Plan) -> list[str]:
    """On the first run (the bot has written nothing yet): what it found, in one paragraph."""
    world = plan.world
    if world.dashboard is not None or any(world.notes.values()) or world.fallbacks:
        return []
    policy = world.policy
    history = sum(1 for r in world.requests if going_live.is_history(r, policy))
    since = f" since going live on {policy.go_live}" if policy.go_live else ""
    past = f" ({history} over before going live: counted, never written to)" if history else ""
    problems = sum(1 for a in world.accounts if a.problems)
    lacking = f", {problems} of them lacking a label or an owner" if problems else ""
    return [
        f"First run{since}: found {len(world.requests)} PTO requests{past}, "
        f"{len(world.accounts)} account playbook(s){lacking}, {len(policy.engineers)} engineers "
        "on the roster.",
        "",
    ]


def describe(plan: Plan, result: Applied, *, dry_run: bool, snapshot: Snapshot) -> str:
    policy = plan.world.policy
    now = plan.now or datetime.now().astimezone()
    lines = [
        f"pto_bot {'dry run' if dry_run else 'run'} on {snapshot.project or 'the project'} "
        f"at {now:%Y-%m-%d %H:%M %Z} (team day {plan.evaluation.today:%a %Y-%m-%d}, "
        f"{policy.team.timezone})",
        "",
        *_first_run(plan),
        f"PTO requests ({len(plan.evaluation.requests)}):",
    ]
    today = plan.evaluation.today
    shown = [
        ev
        for ev in plan.evaluation.requests
        if ev.filed.issue.is_open or ev.filed.form is None or ev.request.end >= today
    ]
    lines += [f"  {_request_line(ev)}" for ev in shown] or ["  none"]
    waiting = _waiting(plan)
    if waiting:
        lines += ["", f"Waiting ({len(waiting)}):", *(f"  {line}" for line in waiting)]
    lines += describe_writes(result, dry_run=dry_run, policy=policy).splitlines()
    if plan.held:  # quiet while out: what waits for someone's return
        lines += ["", f"Held until the engineer is back ({len(plan.held)}):"]
        lines += [
            f"  {_label(h.action):<5} {h.action.describe()}  — {h.action.why}; {h.why}"
            for h in plan.held
        ]
    problems = [f"  {line}" for line in problems_of(plan, result)]
    if problems:
        lines += ["", f"Problems ({len(problems)}):", *problems]
    return "\n".join(lines) + "\n"


_VERB = {
    WriteStatus.DONE: "",
    WriteStatus.PLANNED: "(would write) ",
    WriteStatus.FAILED: "FAILED ",
    WriteStatus.SKIPPED: "(skipped) ",
    WriteStatus.DEFERRED: "(next run) ",
    WriteStatus.NOT_SENT: "(not sent) ",
}


def _label(action: Action) -> str:
    where = target(action)
    if where is not None:
        return f"#{where}"
    if isinstance(action, Reply):
        return "other"  # an answer in a collaboration project: describe() names it
    return "new" if isinstance(action, CreateIssue | PostNote) else "chat"


def describe_writes(
    result: Applied, *, dry_run: bool, policy: Policy | None = None, failures: bool = False
) -> str:
    """The writes of a run (or, on a dry run, the planned ones with their text), one a line;
    ``failures``: and what failed (a run says it among its problems)."""
    lines = ["", f"Writes ({result.writes if not dry_run else len(result.results)}):"]
    for written in result.results:
        action = written.action
        if written.status is WriteStatus.DONE:
            detail = f" -> {_made(action, written.made)}" if written.made is not None else ""
        else:
            detail = f" ({written.detail})" if written.detail else ""
        line = f"{_VERB[written.status]}{action.describe()}{detail}  — {action.why}"
        lines.append(f"  {_label(action):<5} {line}")
        if dry_run:
            lines += _body_preview(action)
    if not result.results:
        lines.append("  nothing to do: every issue is up to date")
    if result.deferred and policy is not None:
        limits = policy.limits
        lines.append(
            f"  {result.deferred} write(s) left for the next run: at most "
            f"{limits.writes_per_minute} a minute for {limits.write_minutes} minutes (limits in "
            "the policy), the most urgent first"
        )
    lines += [f"  {(iid and f'#{iid}: ') or ''}{msg}" for iid, msg in result.failures]
    return "\n".join(lines) + "\n"


def _made(action: Action, made: int) -> str:
    """What a write made, as people would name it: ``#12`` for an issue, ``note 345``."""
    return f"#{made}" if isinstance(action, CreateIssue) else f"note {made}"


def describe_warnings(warnings: Sequence[str]) -> str:
    """What a run has to say that is no failure (the time-off calendar could not be read)."""
    if not warnings:
        return ""
    return "\n".join(["", f"Warnings ({len(warnings)}):", *(f"  {w}" for w in warnings)]) + "\n"
