"""What a coverage issue says: its description (who covers each account, when, with the
commands the backups use) and the note on the first day off."""

from __future__ import annotations

from ..domain.policy import Policy
from ..rules.evaluation import Evaluated
from .engine import Trusted, render
from .wording import cover_row


def title(ev: Evaluated) -> str:
    r = ev.request
    return f"Coverage: {r.engineer} out {r.start} – {r.end}"


def description(ev: Evaluated, policy: Policy, fallback_ref: str | None) -> str:
    r = ev.request
    return render(
        "coverage_issue.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        back=ev.return_day,
        request=Trusted(str(ev.iid)),
        fallback=Trusted(fallback_ref) if fallback_ref else None,
        covers=[cover_row(ev, c) for c in ev.covers],
        global_support=[a.name for a in ev.global_support],
        command=Trusted(policy.bot.command),
    )


def starts_note(ev: Evaluated) -> str:
    """The first day off: each backup is told what they cover, when."""
    r = ev.request
    return render(
        "starts.md.j2",
        backups=ev.backups,
        engineer=r.engineer,
        end=r.end,
        back=ev.return_day,
        covers=[cover_row(ev, c) for c in ev.covers if c.backup],
    )
