"""The command ledger: every comment command the bot has read, as recorded in its replies.

A reply note's marker lists the commands it answers; folding the ledger gives, per PTO request,
what the manager decided (approve, deny, for which dates) and who took which account by command
(volunteer, assign, withdraw). The ledger is why a command is read once and never again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from .accounts import account_key

How = Literal["pod", "hand-picked", "volunteer", "assigned"]


@dataclass(frozen=True)
class LedgerEntry:
    """One command the bot has already read, as recorded in its reply note."""

    note_id: int
    index: int
    key: str
    verb: str
    ok: bool
    by: str
    request: int | None
    accounts: tuple[str, ...] = ()
    user: str | None = None
    start: str | None = None
    end: str | None = None
    reason: str | None = None
    internal: bool = False  # read from an internal note: its text stays in internal notes

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n": self.note_id,
            "i": self.index,
            "k": self.key,
            "verb": self.verb,
            "ok": self.ok,
            "by": self.by,
            "req": self.request,
        }
        for name in ("user", "start", "end", "reason"):
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.accounts:
            data["acc"] = list(self.accounts)
        if self.internal:
            data["int"] = True
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LedgerEntry | None:
        """The entry, or None when ``data`` is not one (a hand-edited or foreign marker)."""
        try:
            accounts = data.get("acc", [])
            if not isinstance(accounts, list):
                return None
            optional = {
                name: None if data.get(name) is None else str(data[name])
                for name in ("user", "start", "end", "reason")
            }
            return cls(
                note_id=int(data["n"]),
                index=int(data["i"]),
                key=str(data["k"]),
                verb=str(data["verb"]),
                ok=bool(data["ok"]),
                by=str(data["by"]),
                request=None if data.get("req") is None else int(data["req"]),
                accounts=tuple(str(a) for a in accounts),
                internal=data.get("int") is True,
                **optional,
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Decisions:
    """What the ledger (commands already read) says about one request."""

    approved: tuple[str, str] | None = None  # the dates approved
    # dates and reason (None: given in an internal note, and said nowhere else)
    denied: tuple[str, str, str | None] | None = None
    manual: dict[str, tuple[str, How]] = field(default_factory=dict)  # account key -> (user, how)


NO_DECISIONS = Decisions()


def fold_ledger(ledger: tuple[LedgerEntry, ...]) -> dict[int, Decisions]:
    """Per request iid, the decisions the ledger's successful commands add up to, in order."""
    approved: dict[int, tuple[str, str]] = {}
    denied: dict[int, tuple[str, str, str | None]] = {}
    manual: dict[int, dict[str, tuple[str, How]]] = defaultdict(dict)
    for entry in ledger:
        if not entry.ok or entry.request is None:
            continue
        req = entry.request
        if entry.verb == "approve" and entry.start and entry.end:
            approved[req] = (entry.start, entry.end)
            denied.pop(req, None)
        elif entry.verb == "deny" and entry.start and entry.end:
            reason = None if entry.internal else entry.reason or ""
            denied[req] = (entry.start, entry.end, reason)
            approved.pop(req, None)
        elif entry.verb == "volunteer":
            for acc in entry.accounts:
                manual[req][account_key(acc)] = (entry.by, "volunteer")
        elif entry.verb == "assign" and entry.user:
            for acc in entry.accounts:
                manual[req][account_key(acc)] = (entry.user, "assigned")
        elif entry.verb == "withdraw":
            for acc in entry.accounts:
                manual[req].pop(account_key(acc), None)
    keys = set(approved) | set(denied) | set(manual)
    return {k: Decisions(approved.get(k), denied.get(k), dict(manual.get(k, {}))) for k in keys}
