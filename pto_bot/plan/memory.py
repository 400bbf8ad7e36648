"""What the bot remembers after a run (:mod:`..domain.memory`), from the state its writes produced.

Kept: every open issue of the bot's labels (the dashboard aside); closed requests that can still
matter to open ones (their days are recent: :func:`..rules.history.keeps`) and changed within the
history the rules need (:func:`..rules.history.horizon`), with the fallback requests of kept
requests. Folded: the fallback days of every other closed request, for the fairness counts of
this year and later. Pure: the same state always gives the same memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from ..commands.parse import command_text
from ..domain.accounts import edited_at
from ..domain.away import TEAM
from ..domain.markers import marker, read_marker
from ..domain.memory import (
    SETTLE,
    Memory,
    RememberedAway,
    RememberedFields,
    RememberedIssue,
    RememberedNote,
)
from ..domain.snapshot import Issue, Snapshot
from ..rules import fairness, history
from .notes import digest
from .planner import Plan

Folded = dict[int, dict[str, dict[int, int]]]
#: People's notes on playbooks this recent are remembered (author and time only): the handback
#: lists those the backups left while the engineer was out (a PTO request is at most 60 days).
PLAYBOOK_NOTES_DAYS = 100


def remember(snapshot: Snapshot, plan: Plan, unsettled: Iterable[int], now: datetime) -> Memory:
    """The memory of ``snapshot`` (as the run's writes left it) and its ``plan``; the notes of
    the ``unsettled`` issues (written to) are read again next time: GitLab, not this copy, has
    the last word on them."""
    world = plan.world
    policy = world.policy
    labels = policy.labels
    today = plan.evaluation.today
    since = datetime.combine(history.horizon(today), time(0), tzinfo=policy.tz)
    kept: set[int] = set()
    folded: Folded = {}
    for req in world.requests:
        issue = req.issue
        r = req.request
        recent = r is not None and history.keeps(r.end, today) and issue.updated_at >= since
        whole = fairness.counted_whole(req.iid, world)
        if issue.is_open or recent:  # closed, its days recent: it may overlap open ones
            kept.add(issue.iid)
            if not whole:  # read again without its fallback request: its fold still counts
                folded[issue.iid] = world.folded[issue.iid]
        elif not whole:
            folded[issue.iid] = world.folded[issue.iid]
        else:
            ev = plan.evaluation.get(issue.iid)
            days = fairness.fallback_days([ev], policy) if ev is not None else {}
            if days:
                folded[issue.iid] = days
    for fb in world.fallbacks.values():
        if fb.request in kept and (fb.issue.is_open or fb.issue.updated_at >= since):
            kept.add(fb.issue.iid)
    known = {r.iid for r in world.requests}
    folded.update({iid: by for iid, by in snapshot.folded.items() if iid not in known})
    unsettled = set(unsettled)
    issues = {
        issue.iid: _entry(issue, plan)
        for issue in snapshot.issues
        if labels.dashboard not in issue.labels
        and (issue.is_open or issue.iid in kept)
        and _settled(issue, issue.iid in unsettled)
    }
    return Memory(
        synced=snapshot.synced or now,
        issues=issues,
        folded=_this_year_on(folded, today.year),
        away=_away(snapshot, plan, today),
    )


def _away(snapshot: Snapshot, plan: Plan, today: date) -> RememberedAway:
    """Who is away from today on, where accounts are discussed, and the note counts of the
    issues read for mentions (kept while they may still matter)."""
    away = plan.away
    old = snapshot.remembered.away if snapshot.remembered is not None else RememberedAway()
    if away is None:
        return old
    seen = away.seen if away.scanned else old.seen
    # where each watched place was last listed for mentions, when it lags behind ``synced``: a
    # place this run did not list (an event run; a list that failed) stays where it was
    synced = snapshot.remembered.synced if snapshot.remembered is not None else None
    scanned = {}
    for place in (TEAM, *away.places.projects):
        last = old.scanned.get(place, synced)
        if last is not None and not (away.scanned and place in away.listed):
            scanned[place] = last
    return RememberedAway(
        absences=tuple(a.to_json() for a in away.absences if a.end >= today),
        projects=dict(away.places.projects),
        playbooks=dict(away.places.playbooks),
        seen={place: dict(sorted(counts.items())) for place, counts in sorted(seen.items())},
        scanned=dict(sorted(scanned.items())),
    )


def _this_year_on(folded: Folded, year: int) -> Folded:
    """Only the years fairness still counts."""
    kept: Folded = {}
    for iid, by_user in sorted(folded.items()):
        users = {
            user: {y: days for y, days in sorted(years.items()) if y >= year}
            for user, years in sorted(by_user.items())
        }
        users = {user: years for user, years in users.items() if years}
        if users:
            kept[iid] = users
    return kept


def _settled(issue: Issue, written: bool) -> bool:
    """Its notes, as read, hold every change to it: it was not written to since, and they were
    read :data:`~..domain.memory.SETTLE` after its last change. Another issue is not remembered:
    the next run lists it as changed and reads it (an unchanged memory is not written again)."""
    read = issue.read_at
    return not written and read is not None and read >= issue.updated_at + SETTLE


def _entry(issue: Issue, plan: Plan) -> RememberedIssue:
    world = plan.world
    bot = world.bot
    playbook = world.policy.labels.playbook in issue.labels
    recent = datetime.combine(
        plan.evaluation.today - timedelta(days=PLAYBOOK_NOTES_DAYS), time(0), tzinfo=world.policy.tz
    )
    notes = []
    for n in issue.notes:
        if n.author == bot:
            data = read_marker(n.body)
            if data is not None:
                notes.append(
                    RememberedNote(
                        id=n.id,
                        created_at=n.created_at,
                        updated_at=n.updated_at,
                        data=data,
                        digest=n.digest or digest(n.body),
                    )
                )
        elif not n.system and (commands := command_text(n.body, world.policy, bot)):
            notes.append(  # its commands only: they read back the same, and stay small
                RememberedNote(
                    id=n.id,
                    created_at=n.created_at,
                    updated_at=n.updated_at,
                    author=n.author,
                    body=commands,
                )
            )
        elif not n.system and playbook and n.created_at >= recent:
            # who worked on an account while its engineer was out (the handback lists it):
            # who and when, never what
            notes.append(
                RememberedNote(
                    id=n.id, created_at=n.created_at, updated_at=n.updated_at, author=n.author
                )
            )
    return RememberedIssue(
        updated_at=issue.updated_at,
        notes_count=issue.notes_count,
        read_at=issue.read_at,
        activity=edited_at(issue, bot),
        notes=tuple(notes),
        fields=None if issue.is_open else _fields(issue, plan),
    )


def _fields(issue: Issue, plan: Plan) -> RememberedFields:
    """A closed issue kept as history; a fallback request's description is its marker only."""
    description, fingerprint = issue.description, issue.digest
    data = read_marker(issue.description) if issue.author == plan.world.bot else None
    if data is not None and plan.world.policy.labels.fallback in issue.labels:
        rest = {k: v for k, v in data.items() if k != "t"}
        description = marker(str(data["t"]), **rest)
        fingerprint = issue.digest or digest(issue.description)
    return RememberedFields(
        title=issue.title,
        description=description,
        digest=fingerprint,
        labels=issue.labels,
        state=issue.state,
        author=issue.author,
        assignees=issue.assignees,
        created_at=issue.created_at,
        closed_at=issue.closed_at,
        web_url=issue.web_url,
    )
