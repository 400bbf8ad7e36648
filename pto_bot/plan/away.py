"""Planning out of office: the answer in each thread that mentioned someone away, the "while
you were out" note on their PTO request (the record of those threads and of the notes the
backups left on their playbooks), each backup's digest, and the handback in the return
checklist. Pure.

The record lives in the hidden marker of the "while you were out" note (``away-log``), which the
bot edits in place as it learns more (a thread answered, a new one); a digest note lists the
threads it told about in its own marker, so that the next one tells only what is new.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..domain.away import TEAM, Absence, Mention, Places, PlaybookNote, Scan
from ..domain.ledger import LedgerEntry
from ..domain.markers import with_marker
from ..domain.policy import Policy
from ..domain.topics import Topic
from ..domain.usernames import among
from ..domain.world import World
from ..render import away_wording
from ..rules import away as rules
from ..rules.evaluation import Evaluated, Evaluation
from .actions import Action, Reply
from .notes import announce, ensure_note

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


def skip_labels(policy: Policy) -> frozenset[str]:
    labels = policy.labels
    return frozenset({labels.request, labels.fallback, labels.dashboard})


def prepare(world: World, evaluation: Evaluation, scan: Scan | None) -> Away:
    """What the run knows of each absence: recorded before (the away-log notes), and read now."""
    policy = world.policy
    today = evaluation.today
    absences = rules.absences(world, evaluation, today - timedelta(days=KEPT_DAYS))
    where = rules.places(world)
    found: list[tuple[Absence, Mention]] = []
    for item in scan.issues if scan else ():
        found += rules.found_mentions(
            item, absences, where, world.bot, policy.tz, skip_labels(policy)
        )
    threads: dict[int, tuple[Mention, ...]] = {}
    notes: dict[int, tuple[PlaybookNote, ...]] = {}
    for absence in absences:
        old_threads, old_notes = recorded(world, absence.request)
        merged = {m.key: m for m in old_threads}
        for a, mention in found:
            if a.request == absence.request:
                merged[mention.key] = mention
        threads[absence.request] = tuple(sorted(merged.values(), key=lambda m: (m.at, m.key)))
        kept = {(n.iid, n.note): n for n in old_notes}
        kept.update({(n.iid, n.note): n for n in _playbook_notes(world, absence)})
        notes[absence.request] = tuple(sorted(kept.values(), key=lambda n: (n.at, n.note)))
    return Away(absences, where, tuple(found), threads, notes)


def recorded(world: World, request: int) -> tuple[list[Mention], list[PlaybookNote]]:
    """The threads and playbook notes the request's away-log note records."""
    note = world.bot_note(request, LOG)
    if note is None:
        return [], []
    threads = [m for raw in note.data.get("th") or () if (m := _mention(raw)) is not None]
    notes = [n for raw in note.data.get("pb") or () if (n := _pnote(raw)) is not None]
    return threads, notes


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
    about). A mention read after the engineer came back is recorded, never answered."""
    if not policy.out_of_office.answer:
        return []
    grouped: dict[tuple[str, int, str], list[tuple[Absence, Mention]]] = {}
    for absence, mention in found:
        if mention.replied or (only is not None and mention.note != only):
            continue
        if not absence.away_on(today):
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


# -- the record, the digest, the handback -----------------------------------------------------


def log_actions(world: World, away: Away, now: datetime) -> list[Action]:
    """The away-log note of each absence that has something to record (edited in place)."""
    actions: list[Action] = []
    today = now.astimezone(world.policy.tz).date()
    for absence in away.absences:
        if absence.start > today:
            continue
        threads = away.threads.get(absence.request, ())
        notes = away.notes.get(absence.request, ())
        if not threads and not notes:
            continue
        body = away_wording.log_note(absence, threads, notes)
        actions += ensure_note(
            world.bot_notes(absence.request),
            absence.request,
            LOG,
            body,
            "mentions while out",
            th=[m.to_json() for m in threads],
            pb=[n.to_json() for n in notes],
        )
    return actions


def _relevant(absence: Absence, mention: Mention, backup: str) -> bool:
    """A thread about an account the backup covers, or about none of the named ones."""
    holders = absence.covering(mention.account or "")
    return not holders or backup in holders


def digest_actions(world: World, away: Away, now: datetime) -> list[Action]:
    """On a working day of coverage, from ``digest_hour``: one note per backup listing the
    threads not in an earlier digest to them; none when nothing is new."""
    policy = world.policy
    if not policy.out_of_office.digest:
        return []
    local = now.astimezone(policy.tz)
    today = local.date()
    if local.hour < policy.out_of_office.digest_hour or not rules.working_day(
        today, policy.working_weekdays
    ):
        return []
    actions: list[Action] = []
    for absence in away.absences:
        if not absence.away_on(today):
            continue
        existing = world.bot_notes(absence.request)
        for backup in absence.backups:
            told = {
                key
                for n in existing
                if n.topic == DIGEST and n.data.get("b") == backup
                for key in n.data.get("th") or ()
            }
            new = [
                m
                for m in away.threads.get(absence.request, ())
                if m.key not in told
                and m.at.astimezone(policy.tz).date() <= today
                and _relevant(absence, m, backup)
            ]
            if not new:
                continue
            body = away_wording.digest_note(absence, backup, new)
            key = f"{today.isoformat()}/{backup}"
            why = f"{len(new)} new mention(s) of {absence.engineer}"
            actions += announce(
                existing,
                absence.request,
                DIGEST,
                body,
                why,
                key=key,
                b=backup,
                th=[m.key for m in new],
            )
    return actions


def hands(ledger: Sequence[LedgerEntry], request: int) -> list[tuple[str, str]]:
    """Each fallback account of ``request`` and who held it in turn (volunteer, assignment,
    withdrawal), as the command ledger recorded it."""
    chains: dict[str, list[str]] = {}
    for entry in ledger:
        if not entry.ok or entry.request != request:
            continue
        for account in entry.accounts:
            chain = chains.setdefault(account, [])
            if entry.verb == "volunteer":
                chain.append(f"`{entry.by}` (volunteered)")
            elif entry.verb == "assign" and entry.user:
                chain.append(f"`{entry.user}` (assigned by `{entry.by}`)")
            elif entry.verb == "withdraw":
                chain.append(f"withdrawn by `{entry.by}`")
    return [(account, " → ".join(chain)) for account, chain in sorted(chains.items()) if chain]


def handback(world: World, away: Away | None, ev: Evaluated) -> dict[str, object] | None:
    """The "While you were out" of the return checklist, from what the bot already read."""
    if away is None or not world.policy.out_of_office.handback:
        return None
    threads = away.threads.get(ev.iid)
    notes = away.notes.get(ev.iid)
    if threads is None:
        old, old_notes = recorded(world, ev.iid)
        threads, notes = tuple(old), tuple(old_notes)
    return away_wording.handback(threads, notes or (), hands(world.ledger, ev.iid))
