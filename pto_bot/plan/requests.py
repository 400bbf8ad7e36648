"""Planning one PTO request: its labels, its notes (coverage, approval, reminders), the notes it
leaves on its engineer's playbooks, its fallback request and its coverage issue. While the
engineer is out, what others must hear goes to the coverage issue instead of the request
(:mod:`.quiet`). Returns the actions; writes nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..domain.markers import CoverageState, Shifts
from ..domain.topics import Topic, cover_topic
from ..render import approval_wording, reminder_wording, wording
from ..rules import approval, counting, going_live, history, reminders
from ..rules.coverage import announced as shifts
from ..rules.evaluation import Evaluated, Status
from .actions import Action, Notify, PostNote
from .approval import follow_ups
from .context import Context
from .coverage_issue import plan_coverage_issue, starts
from .coverage_news import holding, news
from .fallbacks import plan_fallback, reference
from .labels import ensure_labels
from .notes import announce, ensure_note, has_note
from .place import Place
from .quiet import is_away, told_there
from .reminders import plan_reminders, returned
from .reopening import reopen


def plan_request(ctx: Context, ev: Evaluated) -> list[Action]:
    """Every write ``ev`` calls for, in the order they are applied."""
    reopening, ev = reopen(ctx, ev)
    if reopening:
        return reopening + plan_request(ctx, ev)
    issue = ev.filed.issue
    if not issue.is_open and ev.status is not Status.CANCELLED:
        # a closed request writes nothing itself, but its fallback request and coverage issue
        # are closed
        if ev.filed.form is None:
            return []
        return plan_fallback(ctx, ev) + plan_coverage_issue(ctx, ev, None)[0]
    if going_live.is_history(ev.filed, ctx.policy):
        return []  # over before the bot went live: counted and shown, never written to
    if history.is_archived(ev.filed, ctx.today):
        return plan_fallback(ctx, ev)  # long over: nothing changes on it; a stray fallback closes
    actions = _labels(ctx, ev) + _needs_info(ctx, ev)
    if ev.filed.form is None:
        return actions
    if ctx.world.coverage_note(issue.iid) is None and ctx.today > ev.request.end:
        # over before the bot announced anything: no coverage to announce now; at most a
        # welcome back on the first working day back
        if ev.status is Status.ACTIVE and ctx.today == ev.return_day:
            actions += returned(ctx, ev)
        return actions + plan_coverage_issue(ctx, ev, None)[0]
    fallback_ref = reference(ctx, ev)
    actions += plan_fallback(ctx, ev)
    opening, place = plan_coverage_issue(ctx, ev, fallback_ref)
    actions += opening + _coverage(ctx, ev, fallback_ref, place)
    if ev.status is Status.CANCELLED:
        return actions + _release(ctx, ev)
    if not issue.is_open:
        return actions
    actions += _quietly(ctx, ev, place, _approval(ctx, ev))
    if ctx.today < ev.request.start:  # told while it can still help
        actions += _lead_time(ctx, ev)
    if ev.status is Status.ACTIVE:
        actions += starts(ctx, ev, place) + plan_reminders(ctx, ev, fallback_ref, place)
    return actions


def _quietly(ctx: Context, ev: Evaluated, place: Place, actions: list[Action]) -> list[Action]:
    """While the engineer is out, a note on their request that others must hear (the manager,
    the backups) goes to the coverage issue instead, once."""
    if not is_away(ctx, ev.request.engineer) or not place.exists:
        return actions
    moved: list[Action] = []
    for action in actions:
        if isinstance(action, PostNote) and action.iid == ev.iid:
            if not told_there(place.notes, action):
                moved += place.on([action])
        else:
            moved.append(action)
    return moved


def _labels(ctx: Context, ev: Evaluated) -> list[Action]:
    labels = ctx.policy.labels
    status_labels = {
        Status.NEEDS_INFO: labels.needs_info,
        Status.NEEDS_APPROVAL: labels.needs_approval,
        Status.DENIED: labels.denied,
        Status.CANCELLED: labels.cancelled,
    }
    want = {status_labels.get(ev.status, labels.needs_coverage if ev.uncovered else labels.covered)}
    if ev.counted:
        want.add(counting.out_label(ev.count, ctx.policy))
    issue = ev.filed.issue
    managed = set(status_labels.values()) | {labels.covered, labels.needs_coverage}
    managed |= {lab for lab in issue.labels if lab.startswith(labels.out_prefix)}
    return ensure_labels(issue, want, managed, f"status {ev.status.value}, {ev.count} out")


def _needs_info(ctx: Context, ev: Evaluated) -> list[Action]:
    issue = ev.filed.issue
    existing = ctx.notes(issue.iid)
    if not issue.is_open:
        return []
    # its place in the queue, once its dates read well (see domain.world._queued_at)
    queue: dict[str, Any] = {}
    if ev.filed.form is not None:
        queue["q"] = ev.filed.queued_at.isoformat()
    if ev.status is Status.NEEDS_INFO:
        body = wording.needs_info_note(issue.author, ev.problems)
        why = "the request has problems"
        return ensure_note(existing, issue.iid, Topic.NEEDS_INFO, body, why, None, **queue)
    if has_note(existing, Topic.NEEDS_INFO):
        body = wording.needs_info_note(issue.author, [])
        why = "the problems are fixed"
        return ensure_note(existing, issue.iid, Topic.NEEDS_INFO, body, why, None, **queue)
    return []


def _coverage(ctx: Context, ev: Evaluated, fallback_ref: str | None, place: Place) -> list[Action]:
    issue = ev.filed.issue
    on_request = ctx.world.bot_note(issue.iid, Topic.COVERAGE) is not None
    posted = ctx.world.coverage_note(issue.iid) is not None
    # first announced while the engineer was out: on the coverage issue, never on the request
    elsewhere = not on_request and (posted or is_away(ctx, ev.request.engineer))
    home = place if elsewhere else None
    if ev.status is Status.NEEDS_INFO and not posted:
        return []  # nothing was announced: the needs-info note says what to fix
    announced = ev.filed.coverage
    if ev.status is Status.CANCELLED and not posted:
        return []
    r = ev.request
    sent = _sent(ev)
    before = set(sent)
    notices: list[Action] = []
    chat = ctx.chat and not going_live.before(r.start, ctx.policy)  # nothing about the past
    if chat and ev.status is Status.ACTIVE and counting.posts_for_visibility(ev.count, ctx.policy):
        notices += _notify(ctx, ev, "visibility", sent)
    if chat and ev.status is Status.NEEDS_APPROVAL:
        notices += _notify(ctx, ev, "approval", sent)
    assign = holding(ev, (c for c in ev.covers if c.how == "pod"))
    if ev.status is Status.CANCELLED and announced is not None:
        assign = dict(announced.assign)
    told, tell = news(ctx, ev, fallback_ref, place)
    data = {
        "assign": assign,
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "told": told,
        "q": ev.filed.queued_at.isoformat(),
    }
    posting = "posted" if "visibility" in sent else ("ask" if not ctx.chat else None)
    unsent = None
    if notices:  # if the message fails, the note says so and the next run tries again
        failed = "failed" if "visibility" not in before else posting
        alternative = wording.coverage_note(ev, ctx.policy, fallback_ref, failed)
        unsent = (notices[0].key, alternative, {**data, "sent": sorted(before)})  # type: ignore[union-attr]
    note = ensure_note(
        home.notes if home is not None else ctx.notes(issue.iid),
        issue.iid,
        Topic.COVERAGE,
        wording.coverage_note(ev, ctx.policy, fallback_ref, posting),
        f"coverage: {ev.status.value}",
        unsent,
        sent=sorted(sent),
        **data,
    )
    if home is not None:
        note = home.on(note) if home.exists else []  # with no coverage issue yet: next run
    return notices + tell + note


def _dates_key(ev: Evaluated) -> str:
    return approval.approval_key(ev.request)


def _sent(ev: Evaluated) -> set[str]:
    """The team-channel messages already sent for the request (as its coverage note records);
    an approval request is sent once per dates (``approval:<start>/<end>``)."""
    announced = ev.filed.coverage
    return set(announced.sent) if announced is not None else set()


def _notify(ctx: Context, ev: Evaluated, kind: str, sent: set[str]) -> list[Action]:
    """A team-channel message, once per kind (recorded in the coverage note's ``sent``); an
    approval request once per dates."""
    record = f"approval:{_dates_key(ev)}" if kind == "approval" else kind
    if record in sent:
        return []
    sent.add(record)
    r = ev.request
    url = ev.filed.issue.web_url or f"#{ev.iid}"
    text = {
        "visibility": f"{ev.count} people out: {r.engineer} is off {r.start} – {r.end}. {url}",
        "approval": (
            f"{r.engineer}'s PTO {r.start} – {r.end} would leave {ev.count} out: "
            f"waiting for {ctx.policy.team.manager}'s approval. {url}"
        ),
    }[kind]
    return [Notify(f"{kind}:{ev.iid}", text, f"{kind} for #{ev.iid}", about=ev.iid)]


def _approval(ctx: Context, ev: Evaluated) -> list[Action]:
    r = ev.request
    held = ev.status is Status.NEEDS_APPROVAL
    informs = ev.status is Status.ACTIVE and counting.informs_manager(ev.count, r.kind, ctx.policy)
    if not (held or informs) or going_live.before(r.start, ctx.policy):
        return []
    key = _dates_key(ev)
    existing = ctx.notes(ev.iid)
    would = replace(ev, status=Status.ACTIVE, covers=ev.proposed) if held else None
    away = approval.manager_away(ctx.world, ctx.today) if held else None
    deputy = away is not None and ctx.policy.approval.deputy is not None
    body = approval_wording.approval_note(
        ev, ctx.policy, would, away.end if deputy and away else None
    )
    extra = {"deputy": True} if deputy else {}
    asked = announce(existing, ev.iid, Topic.APPROVAL, body, "too many people out", key, **extra)
    return asked + (follow_ups(ctx, ev) if held else [])


def _lead_time(ctx: Context, ev: Evaluated) -> list[Action]:
    days = reminders.lead_time_days(ev, ctx.policy)
    opened = ev.filed.issue.created_at.astimezone(ctx.policy.tz).date()
    if days is None or going_live.before(opened, ctx.policy):
        return []
    body = wording.lead_time_note(ev, ctx.policy, days)
    return announce(ctx.notes(ev.iid), ev.iid, Topic.LEAD_TIME, body, "opened late")


def _release(ctx: Context, ev: Evaluated) -> list[Action]:
    """A cancelled request: its backups are told they are free, its playbook notes ended.

    The backups are those who were told they cover (the coverage note's ``told``: pod, buddy,
    hand-picked, assigned and volunteers alike; one already told they no longer cover is not
    told again), and the fallback request's volunteers.
    """
    announced = ev.filed.coverage
    backups = {b for v in _told(announced).values() for b, _ in shifts(v)} if announced else set()
    fb = ctx.world.fallbacks.get(ev.iid)
    if fb is not None:
        backups |= {v for v in fb.accounts.values() if v}
    actions: list[Action] = []
    if backups:
        body = reminder_wording.released_note(ev, sorted(backups))
        actions += announce(ctx.notes(ev.iid), ev.iid, Topic.RELEASED, body, "cancelled")
    topic = cover_topic(ev.iid)
    for playbook in ctx.world.playbooks.values():
        existing = ctx.notes(playbook.iid)
        if has_note(existing, topic):
            body = reminder_wording.playbook_cover_note(ev, (), None, ended=True)
            actions += ensure_note(existing, playbook.iid, topic, body, "cancelled")
    return actions


def _told(announced: CoverageState) -> dict[str, Shifts]:
    """Account -> the backup who was told they cover it, as the coverage note records; a note
    from before ``told`` was recorded names its pod backups only."""
    return announced.told if announced.told is not None else dict(announced.assign)
