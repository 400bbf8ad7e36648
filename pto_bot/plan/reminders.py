"""Planning a request's reminders (rules 6 and 7), each on its day and in its place: the stale
playbooks and the week-before checklist on the request; the playbook notes naming the backups,
on the working day before the start (never once the engineer is out: the playbooks are theirs);
the reminder to the backups the day before the return, on the coverage issue; the return
checklist with the handback on the request, on the first working day back."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from ..domain.topics import Topic, cover_topic
from ..render import reminder_wording
from ..rules import going_live, reminders
from ..rules.evaluation import Cover, Evaluated
from .actions import Action
from .away_notes import handback
from .context import Context
from .notes import announce, ensure_note, has_note
from .place import Place


def plan_reminders(
    ctx: Context, ev: Evaluated, fallback_ref: str | None, place: Place
) -> list[Action]:
    policy, today, iid = ctx.policy, ctx.today, ev.iid
    existing = ctx.notes(iid)
    actions: list[Action] = []
    r = ev.request
    passed = partial(going_live.before, policy=policy)  # a reminder's day before going live
    week_before = reminders.is_week_before(ev, today, policy) and not passed(
        r.start - timedelta(days=policy.reminders.days_before_start)
    )
    # posted the week before; once posted, kept true to the dates (and the playbooks list to
    # what is still stale) until the first day off
    if week_before or (has_note(existing, Topic.PLAYBOOKS) and today < ev.request.start):
        covered = [c.account for c in ev.covers]  # the accounts someone covers for them
        stale = reminders.stale_playbooks(covered, ctx.now, policy)
        if stale or has_note(existing, Topic.PLAYBOOKS):
            body = reminder_wording.playbooks_note(ev, policy, stale)
            actions += ensure_note(
                existing, iid, Topic.PLAYBOOKS, body, "playbooks not updated lately"
            )
    if week_before or has_note(existing, Topic.CHECKLIST):
        body = reminder_wording.checklist_note(ev, policy)
        actions += ensure_note(existing, iid, Topic.CHECKLIST, body, "week before PTO")
    if policy.reminders.playbook_note_on_start:
        due = reminders.is_playbook_note_due(ev, today, policy)
        kept = reminders.is_out_today(ev, today) and not passed(r.start)
        if (due and not passed(reminders.playbook_cue(ev, policy))) or kept:
            actions += _playbook_notes(ctx, ev, fallback_ref, only_edits=not due)
    if reminders.is_backup_reminder_due(ev, today, policy) and not passed(
        reminders.backup_cue(ev, policy)
    ):
        body = reminder_wording.backup_return_note(ev, policy)
        told = (*existing, *place.notes)
        why = "the day before return"
        if place.exists:  # for the backups, on the coverage issue
            actions += place.on(announce(told, 0, Topic.BACKUP_RETURN, body, why))
    if reminders.is_return_due(ev, today, policy) and not passed(ev.return_day or today):
        actions += returned(ctx, ev)
    return actions


def returned(ctx: Context, ev: Evaluated) -> list[Action]:
    away = handback(ctx.world, ctx.away, ev)
    body = reminder_wording.returned_note(ev, ctx.policy, away)
    return announce(ctx.notes(ev.iid), ev.iid, Topic.RETURNED, body, "first working day back")


def _playbook_notes(
    ctx: Context, ev: Evaluated, fallback_ref: str | None, only_edits: bool
) -> list[Action]:
    """A note on each covered account's playbook naming its backups and dates; ``only_edits``:
    the engineer is out, the playbooks are theirs: notes already there are kept true, none is
    posted."""
    actions: list[Action] = []
    by_account: dict[int, list[Cover]] = {}
    for cover in ev.covers:
        by_account.setdefault(cover.account.iid, []).append(cover)
    topic = cover_topic(ev.iid)
    for iid, covers in by_account.items():
        playbook = ctx.world.playbooks.get(iid)
        existing = ctx.notes(iid)
        if playbook is None or (only_edits and not has_note(existing, topic)):
            continue
        actions += ensure_note(
            existing,
            iid,
            topic,
            reminder_wording.playbook_cover_note(ev, covers, fallback_ref),
            f"coverage for #{ev.iid} starts",
        )
    return actions
