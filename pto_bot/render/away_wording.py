"""What the out-of-office notes say: the answer in a thread (the policy's wording, filled in),
the "while you were out" log on the PTO request, a backup's daily digest, and the handback in
the return checklist. Privacy is decided by the caller (which account, which backups); nothing
here names more than it is given."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..domain.away import TEAM, Absence, Mention, PlaybookNote
from ..domain.policy import Policy
from .engine import Trusted, mention, plain, render
from .text import policy_markdown, safe

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_URL = re.compile(r"^https?://[^\s()<>\[\]\"']+$")


def day(value: date) -> str:
    return value.strftime("%a %Y-%m-%d")


def fill(template: str, **values: str) -> Trusted:
    """A line of the policy's wording (its Markdown kept, made inert) with its placeholders
    filled in by text the bot composed."""
    text = policy_markdown(template)
    return Trusted(_PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text))


def _people(names: Sequence[str]) -> str:
    shown = [str(mention(n)) for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def answer_lines(
    policy: Policy, absence: Absence, account: str | None, elsewhere: bool, today: date
) -> list[Trusted]:
    """The answer about one absence, on ``today``. In another project (a customer's) only that
    project's account and the backup who covers it today are named; with no account of theirs
    there, nobody else."""
    w = policy.out_of_office.wording
    lines = [
        fill(
            w.out,
            engineer=str(plain(absence.engineer)),
            end=day(absence.end),
            back=day(absence.back) if absence.back else "after " + day(absence.end),
        )
    ]
    if account is not None:
        name = safe(account)
        backup = absence.backup_on(account, today)
        if backup:
            lines.append(fill(w.covers, backup=str(mention(backup)), account=name))
        elif account in absence.global_support:
            lines.append(fill(w.global_support, account=name))
        else:
            manager = str(mention(policy.team.manager))
            lines.append(fill(w.uncovered, manager=manager, account=name))
    elif not elsewhere and absence.backups:
        lines.append(fill(w.backups, backups=_people(absence.backups)))
    return lines


def answer(policy: Policy, parts: Sequence[list[Trusted]]) -> str:
    footer = fill(policy.out_of_office.wording.footer)
    return render("away_answer.md.j2", parts=parts, footer=footer)


def _where(m: Mention) -> Trusted:
    ref = f"#{m.iid}" if m.place == TEAM else f"{safe(m.place)}#{m.iid}"
    url = m.url if _URL.match(m.url or "") else ""
    return Trusted(f"[{ref}]({url})" if url else ref)


def _row(m: Mention, backup: str | None = None) -> dict[str, Any]:
    by = [a for a in m.answered]
    if backup is not None and backup in by:
        answered = Trusted("answered by you" + (f", {_plainly(by, backup)}" if len(by) > 1 else ""))
    elif by:
        answered = Trusted("answered by " + _plainly(by))
    else:
        answered = Trusted("**not answered yet**")
    return {
        "day": Trusted(day(m.at.date())),
        "where": _where(m),
        "account": m.account,
        "by": plain(m.by),
        "answered": answered,
        "bot": m.replied,
    }


def _plainly(names: Sequence[str], without: str | None = None) -> str:
    return ", ".join(str(plain(n)) for n in names if n != without)


def log_note(
    absence: Absence,
    threads: Sequence[Mention],
    notes: Sequence[PlaybookNote],
    untagged: Sequence[Mention] = (),
) -> str:
    return render(
        "away_log.md.j2",
        engineer=absence.engineer,
        rows=[_row(m) for m in threads],
        notes=[_playbook_row(n) for n in notes],
        untagged=[_row(m) for m in untagged],
    )


def _playbook_row(n: PlaybookNote) -> dict[str, Any]:
    url = n.url if _URL.match(n.url or "") else ""
    link = Trusted(f"[{safe(n.account)}]({url})" if url else safe(n.account))
    return {"day": Trusted(day(n.at.date())), "link": link, "by": plain(n.by)}


def digest_note(
    absence: Absence, backup: str, threads: Sequence[Mention], untagged: Sequence[Mention] = ()
) -> str:
    return render(
        "away_digest.md.j2",
        backup=backup,
        engineer=absence.engineer,
        rows=[_row(m, backup) for m in threads],
        open=sum(1 for m in threads if not m.answered),
        untagged=[_row(m, backup) for m in untagged],
        untagged_open=sum(1 for m in untagged if not m.answered),
    )


def handback(
    threads: Sequence[Mention],
    notes: Sequence[PlaybookNote],
    hands: Sequence[tuple[str, str]],
    untagged: Sequence[Mention] = (),
) -> dict[str, Any]:
    """What the return checklist's "While you were out" shows."""
    return {
        "rows": [_row(m) for m in threads],
        "notes": [_playbook_row(n) for n in notes],
        "hands": [{"account": a, "chain": Trusted(chain)} for a, chain in hands],
        "untagged": [_row(m) for m in untagged],
    }
