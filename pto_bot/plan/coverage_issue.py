"""Planning a request's coverage issue (rule 9): the backups' place while the engineer is out, as
GitLab's own team keeps one per absence.

It is opened when the request is first covered by someone, at the latest on the working day
before the start (and at once for a request first read during its absence), titled
``Coverage: <engineer> out <start> – <end>``, labelled ``labels.coverage_issue``, assigned to the
backups (someone away is assigned once back), linked to the request, confidential when the
request is. Its description says who covers each account, when; it is rewritten, retitled and
reassigned when coverage changes. On the first day off its backups are told (once), and the
notes of the absence go there: the digest, the reminder the day before the return, the record
of mentions, the changes of cover. It is closed after the handback, or when the request no
longer goes ahead.
"""

from __future__ import annotations

from ..domain.calendar import last_working_day_before
from ..domain.coverage_issue import CoverageIssue
from ..domain.markers import with_marker
from ..domain.topics import Topic
from ..domain.usernames import user_key
from ..render import coverage_wording as wording
from ..rules import going_live, history
from ..rules.evaluation import Evaluated, Status
from .actions import (
    Action,
    CreateIssue,
    EditIssue,
    SetAssignees,
    SetState,
)
from .context import Context
from .notes import announce, ensure_description
from .place import NOWHERE, Place
from .quiet import away_today


def coverage_key(request_iid: int) -> str:
    """How a plan names the coverage issue it opens for ``request_iid``."""
    return f"coverage:{request_iid}"


def wanted(ctx: Context, ev: Evaluated) -> bool:
    """The request goes ahead (covered or not), its engineer is not back yet, and it is
    covered by someone or starts on the next working day."""
    r = ev.filed.form
    if r is None or not ev.filed.issue.is_open or not ev.counted:
        return False
    if ev.status not in (Status.ACTIVE, Status.NEEDS_INFO):
        return False
    if going_live.is_history(ev.filed, ctx.policy) or history.is_archived(ev.filed, ctx.today):
        return False
    back = ev.return_day or r.end
    if ctx.today >= back or (ctx.today > r.end and ev.return_day is None):
        return False
    due = last_working_day_before(r.start, ctx.policy.working_weekdays)
    covered = ev.status is Status.ACTIVE and not ev.uncovered and bool(ev.backups)
    return covered or ctx.today >= due


def _assignees(ctx: Context, ev: Evaluated) -> tuple[str, ...]:
    away = away_today(ctx)
    return tuple(b for b in ev.backups if user_key(b) not in away)


def plan_coverage_issue(
    ctx: Context, ev: Evaluated, fallback_ref: str | None
) -> tuple[list[Action], Place]:
    """The writes to ``ev``'s coverage issue (opening, rewriting, reassigning, reopening,
    closing), and where its notes for the backups go this run."""
    found = ctx.world.coverage_issues.get(ev.iid)
    if not wanted(ctx, ev):
        if found is None or not found.issue.is_open:
            return [], NOWHERE
        return [SetState(found.iid, "close", _why(ctx, ev))], NOWHERE
    body = wording.description(ev, ctx.policy, fallback_ref)
    if found is None:
        key = coverage_key(ev.iid)
        state = {"request": ev.iid, "opened_at": ctx.now.isoformat()}
        opened = CreateIssue(
            key=key,
            title=wording.title(ev),
            description=with_marker(body, Topic.COVERAGE_ISSUE, **state),
            labels=(ctx.policy.labels.coverage_issue,),
            link_to=ev.iid,
            why="the backups' place while the engineer is out",
            assignees=_assignees(ctx, ev),
            confidential=ev.filed.issue.confidential,
        )
        return [opened], Place(new=key)
    return _keep(ctx, ev, found, body), Place(found.iid, notes=ctx.notes(found.iid))


def _keep(ctx: Context, ev: Evaluated, found: CoverageIssue, body: str) -> list[Action]:
    issue = found.issue
    state = {"request": ev.iid, "opened_at": found.opened_at.isoformat()}
    full = with_marker(body, Topic.COVERAGE_ISSUE, **state)
    actions = ensure_description(issue, full, "coverage changed")
    title = wording.title(ev)
    if title != issue.title:  # the dates changed: one write for both
        description = next(
            (a.description for a in actions if isinstance(a, EditIssue)), issue.description
        )
        actions = [EditIssue(issue.iid, description, "the dates changed", title=title)]
    if not issue.is_open:
        actions.append(SetState(issue.iid, "reopen", "the engineer is not back yet"))
    assignees = _assignees(ctx, ev)
    if {user_key(a) for a in assignees} != {user_key(a) for a in issue.assignees}:
        actions.append(SetAssignees(issue.iid, assignees, "the backups changed"))
    return actions


def _why(ctx: Context, ev: Evaluated) -> str:
    if not ev.filed.issue.is_open:
        return "the PTO request is closed"
    if ev.status not in (Status.ACTIVE, Status.NEEDS_INFO):
        return f"the PTO request is {ev.status.value}"
    return "the engineer is back"


def starts(ctx: Context, ev: Evaluated, place: Place) -> list[Action]:
    """On the first day off, once: the backups are told what they cover. An issue opened that
    day (an emergency) told them as it was assigned to them."""
    found = ctx.world.coverage_issues.get(ev.iid)
    r = ev.request
    if found is None or not ev.backups or not r.start <= ctx.today <= r.end:
        return []
    if found.opened_at.astimezone(ctx.policy.tz).date() >= r.start:
        return []
    body = wording.starts_note(ev)
    key = r.start.isoformat()
    return place.on(announce(place.notes, 0, Topic.STARTS, body, "the first day off", key=key))
