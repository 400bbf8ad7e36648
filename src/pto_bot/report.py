"""A readable account of a run: what the bot found, what it wrote, and why."""

from __future__ import annotations

from datetime import datetime

from .actions import Action, CreateIssue, Notify, target
from .apply import Result, resolve_refs
from .evaluate import Evaluated, Status
from .markers import strip_marker
from .model import Snapshot
from .plan import Plan


def _request_line(ev: Evaluated) -> str:
    issue = ev.req.issue
    if ev.req.request is None:
        return f"#{issue.iid:<4} {issue.author:<12} needs info: " + "; ".join(ev.problems)
    r = ev.request
    head = f"#{ev.iid:<4} {r.engineer:<12} {r.start} – {r.end}  {r.kind:<9}"
    if ev.status is Status.ACTIVE:
        state = "needs coverage" if ev.uncovered else "covered"
    else:
        state = ev.status.value
    parts = [f"{head} {state}" + (f", {ev.count} out" if ev.counted else "")]
    if not issue.is_open:
        parts.append("closed")
    by_backup: dict[str, list[str]] = {}
    for cover in ev.covers:
        if cover.backup:
            by_backup.setdefault(f"{cover.backup} ({cover.how})", []).append(cover.account.name)
    if by_backup:
        parts.append(
            "backups: " + "; ".join(f"{b}: {', '.join(a)}" for b, a in sorted(by_backup.items()))
        )
    if ev.uncovered:
        parts.append("open: " + ", ".join(c.account.name for c in ev.uncovered))
    if ev.problems and ev.status is Status.NEEDS_INFO:
        parts.append("problems: " + "; ".join(ev.problems))
    return " · ".join(parts)


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


def describe(plan: Plan, result: Result, *, dry_run: bool, snapshot: Snapshot) -> str:
    policy = plan.world.policy
    now = plan.now or datetime.now().astimezone()
    lines = [
        f"pto_bot {'dry run' if dry_run else 'run'} on {snapshot.project or 'the project'} "
        f"at {now:%Y-%m-%d %H:%M %Z} (team day {plan.evaluation.today:%a %Y-%m-%d}, "
        f"{policy.team.timezone})",
        "",
        f"PTO requests ({len(plan.evaluation.requests)}):",
    ]
    today = plan.evaluation.today
    shown = [
        ev
        for ev in plan.evaluation.requests
        if ev.req.issue.is_open or ev.req.request is None or ev.request.end >= today
    ]
    lines += [f"  {_request_line(ev)}" for ev in shown] or ["  none"]
    verb = {"done": "", "planned": "(planned) ", "failed": "FAILED ", "skipped": "(skipped) "}
    lines += ["", f"Writes ({result.writes if not dry_run else len(result.done)}):"]
    for done in result.done:
        action = done.action
        where = target(action)
        label = (
            f"#{where}"
            if where is not None
            else ("new" if isinstance(action, CreateIssue) else "chat")
        )
        detail = (
            f" -> {done.detail}"
            if done.detail and done.status == "done"
            else (f" ({done.detail})" if done.detail else "")
        )
        if isinstance(action, Notify) and done.status == "skipped":
            detail = " (no chat webhook configured)"
        lines.append(f"  {label:<5} {verb[done.status]}{action.describe()}{detail}  — {action.why}")
        if dry_run:
            lines += _body_preview(action)
    if not result.done:
        lines.append("  nothing to do: every issue is up to date")
    problems = (
        [f"  {e}" for e in snapshot.errors]
        + [f"  #{iid}: {msg}" if iid else f"  {msg}" for iid, msg in plan.failures]
        + [f"  #{iid}: {msg}" if iid else f"  {msg}" for iid, msg in result.failures]
    )
    if problems:
        lines += ["", f"Problems ({len(problems)}):", *problems]
    return "\n".join(lines) + "\n"


def transcript(snapshot: Snapshot, bot: str) -> str:
    """The issues as a person would read them in GitLab: labels, then the bot's notes."""
    out = [f"# {snapshot.project or 'Project'}: issues after the run", ""]
    for issue in sorted(snapshot.issues, key=lambda i: i.iid):
        bot_notes = [n for n in issue.notes if n.author == bot]
        if not bot_notes and issue.author != bot:
            continue
        labels = " ".join(f"~{label}" for label in issue.labels)
        out += [f"## #{issue.iid} {issue.title} ({issue.state})", "", f"Labels: {labels}", ""]
        if issue.author == bot:
            out += ["Description:", "", strip_marker(issue.description), ""]
        for note in issue.notes:
            who = "pto_bot" if note.author == bot else note.author
            out += [
                f"**{who}** ({note.created_at:%Y-%m-%d %H:%M}):",
                "",
                strip_marker(note.body),
                "",
            ]
        out.append("---")
        out.append("")
    return "\n".join(out)
