"""Planning out of office: the answer in each thread that mentioned someone away, the "while
you were out" note on their PTO request (the record of those threads and of the notes the
backups left on their playbooks), each backup's digest, and the handback in the return
checklist. Pure.

The record lives in the hidden marker of the "while you were out" note (``away-log``), which the
bot edits in place as it learns more (a thread answered, a new one); a digest note lists the
threads it told about in its own marker, so that the next one tells only what is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..domain.away import TEAM, Absence, Mention, Places, PlaybookNote, Scan
from ..domain.markers import with_marker
from ..domain.policy import Policy
from ..domain.topics import Topic
from ..domain.usernames import among, user_key
from ..domain.world import World
from ..render import away_wording
from ..rules import away as rules
from ..rules.evaluation import Evaluation
from .actions import Action, Reply

LOG, DIGEST = Topic.AWAY_LOG, Topic.AWAY_DIGEST
KEPT_DAYS = 31  # absences that ended this long ago still matter (the handback on return)


@dataclass(frozen=True)
class Away:
    """Who is away, where accounts are discussed, and per PTO request the threads that
    mentioned the engineer and the notes their backups left, as known after this run's reads."""

    absences: tuple[Absence, ...]
    places: Places
    found: tuple[tuple[Absence, Mention], ...] = ()  # mentions this run read
    threads: dict[int, tuple[Mention, ...]] = field(default_factory=dict)  # request -> threads
    notes: dict[int, tuple[PlaybookNote, ...]] = field(default_factory=dict)
    # request -> the customers' issues and comments that tagged nobody
    untagged: dict[int, tuple[Mention, ...]] = field(default_factory=dict)


def skip_labels(policy: Policy) -> frozenset[str]:
    labels = policy.labels
    return frozenset({labels.request, labels.fallback, labels.coverage_issue, labels.dashboard})


def prepare(world: World, evaluation: Evaluation, scan: Scan | None) -> Away:
    """What the run knows of each absence: recorded before (the away-log notes), and read now."""
    policy = world.policy
    today = evaluation.today
    absences = rules.absences(world, evaluation, today - timedelta(days=KEPT_DAYS))
    where = rules.places(policy, world.accounts)
    found: list[tuple[Absence, Mention]] = []
    asking: list[tuple[Absence, Mention]] = []
    team = frozenset(user_key(u) for u in (*policy.engineers, policy.team.manager, world.bot))
    for item in scan.issues if scan else ():
        found += rules.found_mentions(
            item, absences, where, world.me, policy.tz, skip_labels(policy)
        )
        asking += rules.found_untagged(item, absences, where, team, world.me, policy.tz)
    threads: dict[int, tuple[Mention, ...]] = {}
    notes: dict[int, tuple[PlaybookNote, ...]] = {}
    untagged: dict[int, tuple[Mention, ...]] = {}
    for absence in absences:
        old = recorded(world, absence.request)
        threads[absence.request] = _merged(old.threads, found, absence)
        untagged[absence.request] = _merged(old.untagged, asking, absence)
        kept = {(n.iid, n.note): n for n in old.notes}
        kept.update({(n.iid, n.note): n for n in _playbook_notes(world, absence)})
        notes[absence.request] = tuple(sorted(kept.values(), key=lambda n: (n.at, n.note)))
    return Away(absences, where, tuple(found), threads, notes, untagged)


def _merged(
    old: Iterable[Mention], found: Iterable[tuple[Absence, Mention]], absence: Absence
) -> tuple[Mention, ...]:
    """What was recorded of ``absence``, updated with what this run read, oldest first."""
    merged = {m.key: m for m in old}
    merged.update({m.key: m for a, m in found if a.request == absence.request})
    return tuple(sorted(merged.values(), key=lambda m: (m.at, m.key)))


def homes(world: World, request: int) -> list[int]:
    """Where a request's away notes are: its coverage issue, and the request itself (where the
    bot kept them before coverage issues)."""
    ci = world.coverage_issues.get(request)
    return ([ci.iid] if ci is not None else []) + [request]


@dataclass(frozen=True)
class Record:
    """What a request's away-log notes record."""

    threads: tuple[Mention, ...] = ()
    notes: tuple[PlaybookNote, ...] = ()
    untagged: tuple[Mention, ...] = ()


def recorded(world: World, request: int) -> Record:
    """The threads, the playbook notes and the customers' untagged issues and comments the
    request's away-log notes record."""
    threads: dict[str, Mention] = {}
    untagged: dict[str, Mention] = {}
    notes: dict[tuple[int, int], PlaybookNote] = {}
    for home in reversed(homes(world, request)):  # the coverage issue's, newer, last
        note = world.bot_note(home, LOG)
        data = note.data if note else {}
        for key, into in (("th", threads), ("un", untagged)):
            for raw in data.get(key) or ():
                if (m := _mention(raw)) is not None:
                    into[m.key] = m
        for raw in data.get("pb") or ():
            if (n := _pnote(raw)) is not None:
                notes[(n.iid, n.note)] = n
    return Record(tuple(threads.values()), tuple(notes.values()), tuple(untagged.values()))


def _mention(raw: object) -> Mention | None:
    return Mention.from_json(raw) if isinstance(raw, dict) else None


def _pnote(raw: object) -> PlaybookNote | None:
    return PlaybookNote.from_json(raw) if isinstance(raw, dict) else None


def _playbook_notes(world: World, absence: Absence) -> list[PlaybookNote]:
    """Notes the backups left on the engineer's playbooks while they were out (as read now)."""
    backups = absence.backups
    tz = world.policy.tz
    found = []
    for account in world.accounts_of(absence.engineer):
        playbook = world.playbooks.get(account.iid)
        for note in playbook.notes if playbook else ():
            day = note.created_at.astimezone(tz).date()
            if note.system or not among(note.author, backups) or not absence.away_on(day):
                continue
            url = f"{playbook.web_url}#note_{note.id}" if playbook and playbook.web_url else ""
            found.append(
                PlaybookNote(account.iid, account.name, note.id, note.author, note.created_at, url)
            )
    return found


# -- answers --------------------------------------------------------------------------------


def answers(
    policy: Policy,
    found: Iterable[tuple[Absence, Mention]],
    today: date,
    only: int | None = None,
) -> list[Action]:
    """One answer per thread for the absences mentioned there, still going on ``today``, and
    not answered yet (``only``: the mentions of that note alone, the one a webhook event is
    about). A mention read after the engineer came back is recorded, never answered; so is one,
    in a customer's project, of someone who owns no account of that customer."""
    if not policy.out_of_office.answer:
        return []
    grouped: dict[tuple[str, int, str], list[tuple[Absence, Mention]]] = {}
    for absence, mention in found:
        if mention.replied or (only is not None and mention.note != only):
            continue
        if not absence.away_on(today) or (mention.place != TEAM and mention.account is None):
            continue
        grouped.setdefault((mention.place, mention.iid, mention.thread), []).append(
            (absence, mention)
        )
    actions: list[Action] = []
    for (place, iid, thread), items in grouped.items():
        parts = [
            away_wording.answer_lines(policy, a, m.account, elsewhere=place != TEAM, today=today)
            for a, m in items
        ]
        pairs = [[a.engineer, a.request] for a, _ in items]
        body = with_marker(
            away_wording.answer(policy, parts), Topic.AWAY, d=thread, **{"for": pairs}
        )
        who = ", ".join(a.engineer for a, _ in items)
        actions.append(Reply(place, iid, thread, body, f"{who} mentioned while out"))
    return actions
