"""Out of office in the shell: what a scheduled run reads for mentions (the issues changed in the
team project and the collaboration projects while someone is away), and the webhook job's answer
to one mention, decided from what the tracker kept of the project."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from ..adapters.tracker import Tracker
from ..domain.away import TEAM, Absence, Places, Scan, away_on
from ..domain.policy import Policy
from ..domain.topics import Topic
from ..domain.usernames import BotIdentity, user_key
from ..domain.world import World
from ..errors import TrackerError
from ..plan import away as plan_away
from ..plan.actions import EditNote, PostNote, Reply
from ..plan.coverage_issue import coverage_key
from ..plan.planner import Plan, plan
from ..rules import away as rules
from .apply import Applied, apply
from .read import query

if TYPE_CHECKING:  # a reconcile reads no webhook payload
    from ..adapters.webhook import Event

#: The scan looks back to the first day of the absences going on, at most this far.
LOOK_BACK = timedelta(days=31)


def wanted(policy: Policy) -> bool:
    o = policy.out_of_office
    return o.answer or o.digest or o.handback


def scan_for(policy: Policy, tracker: Tracker, world: World, now: datetime) -> Scan | None:
    """The issues to read for mentions in a scheduled run: none unless someone is away (or has
    just come back and not had the handback yet); then those of each watched project changed
    since the tracker last read it, or since the first day of an absence it has not read for
    (every one, after a lost memory). What was answered and recorded is read from GitLab itself
    (the threads, the "while you were out" notes), so a mention made before the absence was
    known (an emergency request opened in the afternoon) is answered, and none twice."""
    if not wanted(policy):
        return None
    today = now.astimezone(policy.tz).date()
    absences = rules.watched(world, today, plan_away.KEPT_DAYS)
    if not absences:
        return None
    floors = {
        f"#{iid}": max(datetime.combine(first, time(0), tzinfo=policy.tz), now - LOOK_BACK)
        for iid, first in sorted(absences.items())
    }
    places = [TEAM, *rules.places(policy, world.accounts).projects]
    return tracker.scan(places, floors)


@dataclass(frozen=True)
class Known:
    """Who is away and where accounts are discussed, as the webhook job knows it."""

    absences: tuple[Absence, ...]
    places: Places
    source: str  # "memory" or "read"
    me: BotIdentity  # whose answers are the bot's (its earlier users too)


def known(
    policy: Policy, tracker: Tracker, now: datetime, bot: str, *, strict: bool = True
) -> Known:
    """Who is away and where accounts are discussed, from what the tracker kept of the project
    (one request at most); without it, from a read of the project (what a scheduled run
    reads). ``strict``: a planning failure stops the job (tests); otherwise it is left out."""
    wanted_now = query(policy, now)
    snapshot = tracker.recall(wanted_now)
    source = "memory"
    if snapshot is None:
        snapshot, source = tracker.read(wanted_now), "read"
    the_plan = plan(policy, snapshot, now, bot, strict=strict)
    assert the_plan.away is not None
    return Known(the_plan.away.absences, the_plan.away.places, source, the_plan.world.me)


def out_now(
    event: Event, absences: tuple[Absence, ...], policy: Policy, now: datetime
) -> list[Absence]:
    day = (event.updated_at or now).astimezone(policy.tz).date()
    found = [away_on(absences, user, day) for user in sorted(event.mentioned)]
    return [a for a in found if a is not None]


def answer_event(
    event: Event,
    policy: Policy,
    tracker: Tracker,
    now: datetime,
    bot: str,
    what: Known,
    dry_run: bool,
) -> tuple[str, Applied | None]:
    """Answer the mentions of one comment or description of someone away, in its thread."""
    place = event.place or TEAM
    out = out_now(event, what.absences, policy, now)
    if not out:
        who = ", ".join(sorted(event.mentioned))
        return f"ignored: nobody it mentions is out ({who}; from the bot's {what.source})", None
    if not what.places.watched(place):
        return f"ignored: {place} is no account's collaboration project", None
    thread = event.discussion_id or "" if event.kind == "note" else ""
    try:  # the event says only which issue or note: what is answered is what GitLab has
        item = tracker.discussed(place, event.iid, thread)
    except TrackerError as exc:
        return f"ignored: {exc}", None
    if event.kind == "note":
        item = replace(item, description="")  # a comment's mentions, not the description's
    me = replace(what.me, username=bot)
    found = rules.found_mentions(
        item, what.absences, what.places, me, policy.tz, plan_away.skip_labels(policy)
    )
    found = [(a, m) for a, m in found if user_key(a.engineer) in event.mentioned]
    only = event.note_id if event.kind == "note" else 0
    actions = plan_away.answers(policy, found, now.astimezone(policy.tz).date(), only=only)
    where = f"{place}#{event.iid}" if place else f"#{event.iid}"
    if not actions:
        return f"{event.kind} on {where}: answered already in that thread", None
    names = ", ".join(a.engineer for a in out)
    answering = f"{event.kind} on {where} mentions {names}, who is out: answering"
    return answering, apply(tracker, actions, dry_run=dry_run)


def unanswered(tracker: Tracker, the_plan: Plan, result: Applied) -> None:
    """The issues whose answer (or whose record on the PTO request: the away-log, a digest) was
    not written are read again at the next scan, which answers, or records, then."""
    away = the_plan.away
    undone = result.undone()
    failed = {(a.place, a.iid) for a in undone if isinstance(a, Reply) and a.topic == Topic.AWAY}
    # the record is on the request's coverage issue (on the request, before there were any)
    world = the_plan.world
    request_of: dict[int | str, int] = {ci.iid: r for r, ci in world.coverage_issues.items()}
    request_of |= {coverage_key(r.iid): r.iid for r in world.requests}
    unrecorded = {
        request_of.get(a.new or a.iid if isinstance(a, PostNote) else a.iid, a.iid)
        for a in undone
        if isinstance(a, PostNote | EditNote) and a.topic in (plan_away.LOG, plan_away.DIGEST)
    }
    if away is not None:
        failed |= {(m.place, m.iid) for a, m in away.found if a.request in unrecorded}
    for place, iid in sorted(failed):
        tracker.unread(place, iid)
