"""Planning a fallback request (rules 4 and 5): open it, keep its description, close it when every
account is covered or it is no longer needed, reopen it when an account is given back, and
escalate to the manager once when the window closes with accounts open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.markers import with_marker
from ..domain.snapshot import Issue
from ..domain.topics import Topic
from ..render import fallback_wording as wording
from ..render.engine import local_time
from ..render.text import unmention
from ..rules import fallback as rule
from ..rules.evaluation import Evaluated, Status
from .actions import Action, CreateIssue, EditIssue, Notify, SetState, ref
from .context import Context
from .labels import ensure_labels
from .notes import announce, ensure_description


def reference(ctx: Context, ev: Evaluated) -> str | None:
    """How notes refer to the request's fallback request: its ``#iid``, the placeholder of the
    one this plan opens, or None when there is none."""
    fb = ctx.world.fallbacks.get(ev.iid)
    if fb is not None:
        return f"#{fb.issue.iid}"
    if rule.is_wanted(ev, ctx.today) and ev.uncovered:
        return ref(_key(ev))
    return None


def fallback_key(request_iid: int) -> str:
    """How a plan names the fallback request it opens for ``request_iid``
    (:class:`~.actions.CreateIssue`'s ``key``)."""
    return f"fallback:{request_iid}"


def _key(ev: Evaluated) -> str:
    return fallback_key(ev.iid)


def plan_fallback(ctx: Context, ev: Evaluated) -> list[Action]:
    """The writes to the fallback request of ``ev`` (opening it included)."""
    fb = ctx.world.fallbacks.get(ev.iid)
    wanted = rule.is_wanted(ev, ctx.today)
    if fb is None:
        return _open(ctx, ev) if wanted and ev.uncovered else []
    issue = fb.issue
    if not wanted:
        return _close(ctx, issue, _closing_reason(ctx, ev)) if issue.is_open else []
    # an account given back after the request was closed: reopen it with a fresh window; one
    # that was not open before (declined, given back) gets a fresh window too
    reopening = bool(ev.uncovered) and not issue.is_open
    newly_open = {c.account.name for c in ev.uncovered} - {
        name for name, volunteer in fb.accounts.items() if volunteer is None
    }
    fresh = reopening or bool(newly_open)
    window = Window(fb.opened_at, ctx.now if fresh else fb.window_from)
    text = body(ctx, ev, window)
    actions = ensure_description(issue, text, "fallback accounts changed")
    if ev.filed.secret and not issue.confidential:  # the request was made confidential later
        why = "the PTO request is confidential"
        actions = [EditIssue(issue.iid, unmention(text), why, confidential=True)]
    if reopening:
        actions.append(SetState(issue.iid, "reopen", "an account needs a backup again"))
    if fresh:
        actions += ensure_labels(issue, set(), {ctx.policy.labels.escalated}, "a fresh window")
    if not ev.uncovered and issue.is_open:
        volunteers = sorted({c.backup for c in ev.fallback_covers if c.backup})
        actions += announce(
            ctx.notes(issue.iid),
            issue.iid,
            Topic.COVERED,
            wording.fallback_closed_note(volunteers, True, ""),
            "all accounts covered",
            key=",".join(volunteers),
        )
        actions.append(SetState(issue.iid, "close", "all accounts covered"))
    if issue.is_open or reopening:  # the state this run leaves it in
        actions += _escalation(ctx, ev, issue, window.start)
    return actions


@dataclass(frozen=True)
class Window:
    """A fallback request's volunteer window: from its opening, or from its last reopening."""

    opened_at: datetime
    reopened_at: datetime | None = None

    @property
    def start(self) -> datetime:
        return self.reopened_at or self.opened_at


def _open(ctx: Context, ev: Evaluated) -> list[Action]:
    request = ev.request
    key = _key(ev)
    due = rule.deadline(request.kind, ctx.now, ctx.policy)
    opened: list[Action] = [
        CreateIssue(
            key=key,
            title=f"Fallback coverage: {request.engineer} out {request.start} – {request.end}",
            description=body(ctx, ev, Window(ctx.now)),
            labels=(ctx.policy.labels.fallback,),
            link_to=ev.iid,
            why=f"{len(ev.uncovered)} account(s) nobody covers",
            confidential=ev.filed.secret,
        )
    ]
    if ctx.chat:
        opened.append(
            Notify(
                f"fallback:{ev.iid}",
                f"{request.engineer}'s pod cannot cover {len(ev.uncovered)} account(s) for "
                f"{request.start} – {request.end}: volunteers wanted in fallback request "
                f"{ref(key)} before {local_time(due, ctx.policy.tz)}. "
                f"{ev.filed.issue.web_url}".rstrip(),
                "fallback request opened",
                about=ev.iid,
            )
        )
    return opened


def body(ctx: Context, ev: Evaluated, window: Window) -> str:
    """The fallback request's description, with its hidden state."""
    r = ev.request
    text = wording.fallback_description(
        ev, ctx.evaluation, ctx.policy, window.start, reopened=window.reopened_at is not None
    )
    accounts: dict[str, str | None] = {}
    for c in ev.fallback_covers:  # an account in parts: the volunteer is who is released
        accounts[c.account.name] = accounts.get(c.account.name) or c.backup
    state: dict[str, object] = {
        "request": ev.iid,
        "opened_at": window.opened_at.isoformat(),
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "eng": r.engineer,
        "accounts": accounts,
    }
    if window.reopened_at is not None:
        state["window_from"] = window.reopened_at.isoformat()
    return with_marker(text, Topic.FALLBACK, **state)


def _closing_reason(ctx: Context, ev: Evaluated) -> str:
    if not ev.filed.issue.is_open:
        return "the PTO request is closed"
    if ev.status is not Status.ACTIVE:
        return f"the PTO request is {ev.status.value}"
    if ev.filed.form is not None and ctx.today > ev.request.end:
        return "the PTO period is over"
    return "the pod can cover every account now"


def _close(ctx: Context, issue: Issue, reason: str) -> list[Action]:
    note = wording.fallback_closed_note([], False, reason)
    return [
        *announce(ctx.notes(issue.iid), issue.iid, Topic.CLOSED, note, reason),
        SetState(issue.iid, "close", reason),
    ]


def _escalation(ctx: Context, ev: Evaluated, issue: Issue, window: datetime) -> list[Action]:
    """Once per volunteer window: the manager is mentioned when it closes with accounts open."""
    if not rule.is_escalation_due(ev, window, ctx.now, ctx.policy):
        return []
    due = rule.deadline(ev.request.kind, window, ctx.policy)
    key = window.isoformat()
    existing = [n for n in ctx.notes(issue.iid) if n.data.get("k") == key]
    note = wording.escalated_note(ev, ctx.policy, due)
    actions = announce(existing, issue.iid, Topic.ESCALATED, note, "deadline passed", key=key)
    actions += ensure_labels(issue, {ctx.policy.labels.escalated}, set(), "deadline passed")
    if ctx.chat and not any(n.topic == Topic.ESCALATED for n in existing):
        # after the note, which records that it was sent: with it, or not at all
        actions.append(
            Notify(
                f"escalated:{ev.iid}",
                f"Fallback for {ev.request.engineer} ({ev.request.start} – {ev.request.end}) "
                f"passed its deadline with {len(ev.uncovered)} account(s) open. "
                f"{issue.web_url or '#' + str(issue.iid)}",
                "deadline passed",
                about=issue.iid,
            )
        )
    return actions


def plan_orphan(ctx: Context, issue: Issue, request_iid: int) -> list[Action]:
    """A fallback request whose PTO request is gone (deleted or no longer labelled)."""
    if not issue.is_open:
        return []
    return _close(ctx, issue, f"#{request_iid} is no longer a PTO request the bot can see")
