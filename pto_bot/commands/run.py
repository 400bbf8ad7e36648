"""What running one comment command works with: the command, the world, the request it is about
(:class:`Run`), and what it comes to (:class:`Outcome`: the ledger entry and the reply's text).
Who may do what is checked by the verbs (:mod:`.verbs`, :mod:`.decisions`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.accounts import Account, account_key
from ..domain.ledger import LedgerEntry, Span
from ..domain.usernames import same_user
from ..domain.world import World
from ..render.engine import days_text
from ..render.text import safe
from ..rules.evaluation import Cover, Evaluated, Evaluation, Status
from ..rules.rotation import is_lead
from .parse import Command

SHOWN_NAMES = 5  # account names a refusal repeats


@dataclass(frozen=True)
class Outcome:
    entry: LedgerEntry
    message: str  # escaped Markdown, one paragraph


class Run:
    """One command being run: who wrote it (in the roster's spelling), and the request it is
    about as the rules judge it now."""

    def __init__(self, world: World, evaluation: Evaluation, command: Command) -> None:
        self.world = world
        self.policy = world.policy
        self.evaluation = evaluation
        self.command = command
        self.author = world.policy.roster.spelling(command.note.author)  # whatever the case
        self.about: Evaluated | None = (
            evaluation.get(command.request_iid) if command.request_iid is not None else None
        )

    def entry(self, ok: bool, **extra: object) -> LedgerEntry:
        c = self.command
        return LedgerEntry(
            note_id=c.note.id,
            index=c.index,
            key=c.key,
            verb=c.verb,
            ok=ok,
            by=self.author,
            request=c.request_iid,
            internal=c.note.internal,
            **extra,  # type: ignore[arg-type]
        )

    def no(self, message: str) -> Outcome:
        return Outcome(self.entry(False), message)

    @property
    def is_manager(self) -> bool:
        return same_user(self.author, self.policy.team.manager)

    def is_lead(self) -> bool:
        day = self.about.request.start if self.about and self.about.filed.form else None
        return is_lead(self.policy, self.author, day or self.evaluation.today)

    def match(self, names: list[str], covers: Sequence[Cover]) -> tuple[list[Account], list[str]]:
        """The accounts of ``covers`` that ``names`` name (by name, or ``#iid`` of the
        playbook), and the names that name none."""
        by_key = {c.account.key: c.account for c in covers}
        by_iid = {f"#{c.account.iid}": c.account for c in covers}
        found: list[Account] = []
        unknown = []
        for name in names:
            account = by_key.get(account_key(name)) or by_iid.get(name.strip())
            if account is None:
                unknown.append(name)
            elif account not in found:
                found.append(account)
        return found, unknown

    def unknown_accounts(self, unknown: list[str], covers: Sequence[Cover]) -> str:
        listed = ", ".join(dict.fromkeys(safe(c.account.name) for c in covers)) or "none"
        names = ", ".join(f"‘{safe(u)}’" for u in unknown[:SHOWN_NAMES])
        if len(unknown) > SHOWN_NAMES:
            names += f" and {len(unknown) - SHOWN_NAMES:,} more"
        return f"no account named {names} in this request (accounts needing a backup: {listed})"

    def active_request(self, *, to_fix_backups: bool = False) -> Evaluated | str:
        """The request, when accounts can be covered on it now; ``to_fix_backups``: also one
        held only by its hand-picked backups (the manager assigns someone else)."""
        if self.about is None:
            return "this issue is not linked to a PTO request the bot knows"
        if self.about.status is Status.ACTIVE:
            return self.about
        fixable = self.about.status is Status.NEEDS_INFO and self.about.filed.form is not None
        if to_fix_backups and fixable:
            return self.about
        return f"the request is {self.about.status.value}, so nothing can be covered yet"


def split_accounts(args: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;]", args) if a.strip()]


def rows(req: Evaluated, account: Account) -> list[Cover]:
    """The covers of ``account`` on ``req``, by their first day."""
    return [c for c in req.covers if c.account.key == account.key]


def stretches(req: Evaluated, covers: Sequence[Cover]) -> tuple[Span, ...] | None:
    """The days ``covers`` cover, as stretches of ``req``; None when that is every day."""
    days = {d for c in covers for d in c.days}
    if days >= set(req.daily):
        return None
    return tuple(s for c in covers for s in req.spans(c))


def when(req: Evaluated, covers: Sequence[Cover]) -> str:
    """The dates ``covers`` are for, as people read them."""
    found = stretches(req, covers)
    return days_text(((req.request.start, req.request.end),) if found is None else found)


def theirs(run: Run, verb: str) -> tuple[Evaluated, list[str], str, list[str]] | str:
    """The request, the accounts the author covers on it that the command names (all of theirs
    when it names none), those accounts with their days as a reply shows them, and what it names
    that is not theirs; or why the command is refused."""
    req = run.about
    if req is None:
        return "this issue is not linked to a PTO request the bot knows"
    if req.status not in (Status.ACTIVE, Status.NEEDS_INFO) or req.filed.form is None:
        return f"the request is {req.status.value}: nobody covers it"
    mine = req.covers_of(run.author)
    if not mine:
        return f"only a backup named on this request can {verb} it; you cover none of its accounts"
    names = split_accounts(run.command.args)
    accounts, unknown = run.match(names, mine) if names else ([c.account for c in mine], [])
    refused = []
    if unknown:
        yours = ", ".join(dict.fromkeys(safe(c.account.name) for c in mine))
        shown = ", ".join(f"‘{safe(u)}’" for u in unknown)
        refused.append(f"{shown}: not an account you cover here (yours: {yours})")
    if not accounts:
        return "; ".join(refused)
    picked = [a.name for a in accounts]
    held = [c for c in mine if c.account.name in picked]
    dated = ", ".join(
        f"{safe(n)} ({when(req, [c for c in held if c.account.name == n])})" for n in picked
    )
    return req, picked, dated, refused
