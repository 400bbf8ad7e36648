"""The context one comment command runs in (:class:`Run`: who wrote it, about which request, on
what evaluation) and what it comes to (:class:`Outcome`: the ledger entry to record and the
reply's text). The verbs are :mod:`.verbs` and :mod:`.decisions`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.accounts import account_key
from ..domain.ledger import LedgerEntry
from ..domain.usernames import same_user
from ..domain.world import World
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

    def match(self, names: list[str], covers: Sequence[Cover]) -> tuple[list[Cover], list[str]]:
        by_key = {c.account.key: c for c in covers}
        by_iid = {f"#{c.account.iid}": c for c in covers}
        found, unknown = [], []
        for name in names:
            cover = by_key.get(account_key(name)) or by_iid.get(name.strip())
            if cover is None:
                unknown.append(name)
            elif cover not in found:
                found.append(cover)
        return found, unknown

    def unknown_accounts(self, unknown: list[str], covers: Sequence[Cover]) -> str:
        listed = ", ".join(safe(c.account.name) for c in covers) or "none"
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
