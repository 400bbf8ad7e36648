"""Out of office, the notes of an absence on its coverage issue: the "while you were out" record
of the threads that mentioned the engineer, the customers' issues and comments that tagged
nobody, and the notes the backups left on the playbooks (``away-log``, edited in place); each
backup's daily digest of what is new to them; and the handback in the return checklist. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from ..domain.away import Absence, Mention
from ..domain.ledger import LedgerEntry
from ..domain.world import World
from ..render import away_wording
from ..rules import away as rules
from ..rules.evaluation import Evaluated
from .actions import Action
from .away import DIGEST, LOG, Away, homes, recorded
from .notes import announce, ensure_note
from .place import Place


def log_actions(
    world: World, away: Away, now: datetime, opening: Mapping[int, str]
) -> list[Action]:
    """The away-log note of each absence that has something to record (edited in place), on
    its coverage issue (``opening``: request -> the key of the one this plan opens)."""
    actions: list[Action] = []
    today = now.astimezone(world.policy.tz).date()
    for absence in away.absences:
        place = _place(world, absence.request, opening)
        if absence.start > today or not place.exists:
            continue
        threads = away.threads.get(absence.request, ())
        notes = away.notes.get(absence.request, ())
        untagged = away.untagged.get(absence.request, ())
        if not threads and not notes and not untagged:
            continue
        body = away_wording.log_note(absence, threads, notes, untagged)
        actions += place.on(
            ensure_note(
                place.notes,
                0,
                LOG,
                body,
                "mentions while out",
                th=[m.to_json() for m in threads],
                pb=[n.to_json() for n in notes],
                un=[m.to_json() for m in untagged],
            )
        )
    return actions


def _place(world: World, request: int, opening: Mapping[int, str]) -> Place:
    """The coverage issue of ``request``, as it is or as this plan opens it."""
    ci = world.coverage_issues.get(request)
    if ci is not None:
        return Place(ci.iid, notes=world.bot_notes(ci.iid))
    return Place(new=opening[request]) if request in opening else Place()


UNTAGGED = "untagged:"  # how a digest records the untagged issues and comments it told of


def _relevant(absence: Absence, mention: Mention, backup: str) -> bool:
    """A thread about an account the backup covers, or about none of the named ones."""
    holders = absence.covering(mention.account or "")
    return not holders or backup in holders


def digest_actions(
    world: World, away: Away, now: datetime, opening: Mapping[int, str]
) -> list[Action]:
    """On a working day of coverage, from ``digest_hour``: one note per backup on the coverage
    issue listing the threads that mentioned the engineer, and the customers' issues and
    comments that tagged nobody, not in an earlier digest to them; none when nothing is new."""
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
        place = _place(world, absence.request, opening)
        if not absence.away_on(today) or not place.exists:
            continue
        existing = [n for home in homes(world, absence.request) for n in world.bot_notes(home)]
        for backup in absence.backups:
            told = {
                key
                for n in existing
                if n.topic == DIGEST and n.data.get("b") == backup
                for key in n.data.get("th") or ()
            }
            new, asking = (
                [
                    m
                    for m in found.get(absence.request, ())
                    if prefix + m.key not in told
                    and m.at.astimezone(policy.tz).date() <= today
                    and _relevant(absence, m, backup)
                ]
                for found, prefix in ((away.threads, ""), (away.untagged, UNTAGGED))
            )
            if not new and not asking:
                continue
            body = away_wording.digest_note(absence, backup, new, asking)
            key = f"{today.isoformat()}/{backup}"
            why = f"{len(new)} new mention(s) of {absence.engineer}, {len(asking)} untagged"
            keys = [m.key for m in new] + [UNTAGGED + m.key for m in asking]
            actions += place.on(
                announce(existing, 0, DIGEST, body, why, key=key, b=backup, th=keys)
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
            elif entry.verb == "decline":
                chain.append(f"declined by `{entry.by}`")
    return [(account, " → ".join(chain)) for account, chain in sorted(chains.items()) if chain]


def handback(world: World, away: Away | None, ev: Evaluated) -> dict[str, object] | None:
    """The "While you were out" of the return checklist, from what the bot already read."""
    if away is None or not world.policy.out_of_office.handback:
        return None
    threads = away.threads.get(ev.iid)
    notes = away.notes.get(ev.iid, ())
    untagged = away.untagged.get(ev.iid, ())
    if threads is None:
        old = recorded(world, ev.iid)
        threads, notes, untagged = old.threads, old.notes, old.untagged
    return away_wording.handback(threads, notes, hands(world.ledger, ev.iid), untagged)
