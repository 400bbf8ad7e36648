"""What the reminders say: stale playbooks, the week-before checklist, the note to the backups
before the return, the return checklist, the notes left on playbooks, and cancellation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.accounts import Account
from ..domain.policy import Policy
from ..rules.evaluation import Cover, Evaluated
from ..rules.reminders import checklist
from .engine import Trusted, days_text, render
from .wording import markdown, stretches


def playbooks_note(ev: Evaluated, policy: Policy, stale: list[Account]) -> str:
    return render(
        "playbooks.md.j2",
        engineer=ev.request.engineer,
        start=ev.request.start,
        stale_days=policy.reminders.playbook_stale_days,
        accounts=[
            {"name": a.name, "iid": a.iid, "updated": a.edited_at.astimezone(policy.tz).date()}
            for a in stale
        ],
    )


def checklist_note(ev: Evaluated, policy: Policy) -> str:
    r = ev.request
    whole = days_text(((r.start, r.end),))  # as a time-off tool takes them
    rows = [
        {"name": c.account.name, "backup": c.backup, "dates": days_text(ev.spans(c))}
        for c in ev.covers
    ]
    rows += [{"name": a.name, "backup": None, "dates": whole} for a in ev.global_support]
    return render(
        "checklist.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        items=checklist(policy.checklists.before, ev),
        rows=rows,
    )


def backup_return_note(ev: Evaluated, policy: Policy) -> str:
    items = checklist(policy.checklists.backup, ev) or [
        "Tell them what happened: requests, decisions, open items."
    ]
    return render(
        "backup_return.md.j2",
        backups=ev.backups,
        engineer=ev.request.engineer,
        return_day=ev.return_day,
        items=items,
    )


def returned_note(ev: Evaluated, policy: Policy, away: dict[str, Any] | None = None) -> str:
    """The return checklist; ``away``: its "While you were out" (:func:`.away_wording.handback`)."""
    items = checklist(policy.checklists.returning, ev)
    return render("returned.md.j2", engineer=ev.request.engineer, items=items, away=away)


def released_note(ev: Evaluated, backups: list[str]) -> str:
    r = ev.request
    return render("released.md.j2", backups=backups, engineer=r.engineer, start=r.start, end=r.end)


def playbook_cover_note(
    ev: Evaluated, covers: Sequence[Cover], fallback_ref: str | None, ended: bool = False
) -> str:
    """The note on an account's playbook: who covers it (``covers``: its covers, each for all
    or part of the request), or that the coverage ended."""
    r = ev.request
    backups = [c for c in covers if c.backup]
    whole = len(backups) == 1 and ev.whole(backups[0])
    return render(
        "playbook_cover.md.j2",
        status="ended" if ended else "active",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        backup=backups[0].backup if whole else None,
        parts=[{"backup": c.backup, "when": stretches(ev, c)} for c in backups if not whole],
        open=Trusted(", ".join(str(stretches(ev, c)) for c in covers if not c.backup)),
        model=covers[0].account.model if covers else "",
        fallback=Trusted(fallback_ref or "the fallback request"),
    )


def playbook_labels_note(account: Account) -> str:
    return render("playbook_labels.md.j2", problems=[markdown(p) for p in account.problems])
