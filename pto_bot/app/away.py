"""Out of office in the shell: what a scheduled run reads for mentions (the issues changed since
the last run, in the team project and the collaboration projects, while someone is away), and
the webhook job's answer to one mention, decided from the bot's memory alone."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from ..adapters.tracker import Tracker
from ..adapters.webhook import Event
from ..domain.away import TEAM, Absence, Discussed, Places, Scan, out_on
from ..domain.memory import SETTLE, Memory
from ..domain.policy import Policy
from ..domain.snapshot import Snapshot
from ..domain.world import World
from ..plan import away as plan_away
from ..plan.actions import EditNote, PostNote, Reply
from ..plan.planner import Plan, plan
from ..rules import away as rules
from .apply import Result, apply
from .read import labels_to_read, reading


def wanted(policy: Policy) -> bool:
    o = policy.out_of_office
    return o.answer or o.digest or o.handback


def scan_for(
    policy: Policy, tracker: Tracker, snapshot: Snapshot, world: World, now: datetime
) -> Scan | None:
    """The issues to read for mentions in a scheduled run: none unless someone was away since
    the last run (then those changed since it, in each watched project)."""
    if not wanted(policy):
        return None
    remembered = snapshot.remembered
    watched = [TEAM, *rules.places(world).projects]
    since: dict[str, datetime | None] = {}
    for place in watched:  # each from where its last list was read (a failed one: from before)
        last = remembered.away.scanned.get(place, remembered.synced) if remembered else None
        since[place] = last - SETTLE if last is not None else None
    seen = remembered.away.seen if remembered is not None else {}
    today = now.astimezone(policy.tz).date()
    first = min((s or now for s in since.values()), default=now).astimezone(policy.tz).date()
    if not any(
        r.request is not None and r.request.start <= today and r.request.end >= first
        for r in world.requests
    ):  # nobody was away since: nothing to catch, every place is read up to now
        everywhere = dict.fromkeys(watched, snapshot.synced or now)
        return Scan(seen={p: dict(c) for p, c in seen.items()}, listed=everywhere)
    return tracker.scan(since, seen)


@dataclass(frozen=True)
class Known:
    """Who is away and where accounts are discussed, as the webhook job knows it."""

    absences: tuple[Absence, ...]
    places: Places
    source: str  # "memory" or "read"


def from_memory(memory: Memory) -> Known:
    away = memory.away
    absences = []
    for raw in away.absences:
        try:
            absences.append(Absence.from_json(raw))
        except (KeyError, TypeError, ValueError):
            continue  # the seal says the bot wrote it: a newer shape, read next time
    places = Places(dict(away.projects), dict(away.playbooks))
    return Known(tuple(absences), places, "memory")


def known(policy: Policy, tracker: Tracker, now: datetime, bot: str) -> Known:
    """From the memory in the dashboard (one request); without one, from a read of the
    project (what a scheduled run reads)."""
    memory = tracker.recall(policy.labels.dashboard)
    if memory is not None:
        return from_memory(memory)
    snapshot = tracker.read(labels_to_read(policy), reading(policy, now, bot))
    the_plan = plan(policy, snapshot, now, bot)
    assert the_plan.away is not None
    return Known(the_plan.away.absences, the_plan.away.places, "read")


def out_now(
    event: Event, absences: tuple[Absence, ...], policy: Policy, now: datetime
) -> list[Absence]:
    day = (event.updated_at or now).astimezone(policy.tz).date()
    found = [out_on(absences, user, day) for user in sorted(event.mentioned)]
    return [a for a in found if a is not None]


def answer_event(
    event: Event,
    policy: Policy,
    tracker: Tracker,
    now: datetime,
    bot: str,
    what: Known,
    dry_run: bool,
) -> tuple[str, Result | None]:
    """Answer the mentions of one comment or description of someone away, in its thread."""
    place = event.place or TEAM
    out = out_now(event, what.absences, policy, now)
    if not out:
        who = ", ".join(sorted(event.mentioned))
        return f"ignored: nobody it mentions is out ({who}; from the bot's {what.source})", None
    if not what.places.watched(place):
        return f"ignored: {place} is no account's collaboration project", None
    thread = event.discussion_id or "" if event.kind == "note" else ""
    threads = tracker.threads(place, event.iid, thread)
    when = event.updated_at or now
    item = Discussed(
        place=place,
        iid=event.iid,
        author=event.actor,
        description=event.text or "" if event.kind == "issue" else "",
        created_at=when,
        web_url=event.web_url,
        labels=event.labels,
        threads=threads,
    )
    found = rules.found_mentions(
        item, what.absences, what.places, bot, policy.tz, plan_away.skip_labels(policy)
    )
    found = [(a, m) for a, m in found if a.engineer.casefold() in event.mentioned]
    only = event.note_id if event.kind == "note" else 0
    actions = plan_away.answers(policy, found, when.astimezone(policy.tz).date(), only=only)
    where = f"{place}#{event.iid}" if place else f"#{event.iid}"
    if not actions:
        return f"{event.kind} on {where}: answered already in that thread", None
    names = ", ".join(a.engineer for a in out)
    answering = f"{event.kind} on {where} mentions {names}, who is out: answering"
    return answering, apply(tracker, actions, dry_run=dry_run)


def merge(first: Result | None, second: Result | None) -> Result | None:
    if first is None or second is None:
        return first or second
    return replace(
        first,
        done=[*first.done, *second.done],
        failures=[*first.failures, *second.failures],
        stopped=first.stopped or second.stopped,
    )


def unanswered(the_plan: Plan, result: Result) -> Plan:
    """The plan, its issues whose answer (or whose record on the PTO request: the away-log, a
    digest) was not written forgotten as read, their places listed again from where they were:
    the next run reads their threads again and answers, or records, then."""
    away = the_plan.away
    undone = [d.action for d in result.done if d.status in ("failed", "skipped", "deferred")]
    failed = {(a.place, a.iid) for a in undone if isinstance(a, Reply)}
    # a request whose record of mentions (its away-log or a digest) was not written: the
    # mentions found for it are read again next time, or they would never be recorded
    unrecorded = {
        a.iid
        for a in undone
        if isinstance(a, PostNote | EditNote) and a.topic in (plan_away.LOG, plan_away.DIGEST)
    }
    if away is not None:
        failed |= {(m.place, m.iid) for a, m in away.found if a.request in unrecorded}
    if away is None or not failed:
        return the_plan
    seen = {
        place: {iid: n for iid, n in counts.items() if (place, iid) not in failed}
        for place, counts in away.seen.items()
    }
    # and their places are listed again from where they were, so those issues come back
    again = {place for place, _ in failed}
    listed = {place: at for place, at in away.listed.items() if place not in again}
    return replace(the_plan, away=replace(away, seen=seen, listed=listed))
