"""The command ledger: every comment command the bot has read, as recorded in its replies.

A reply note's marker lists the commands it answers; folding the ledger gives, per PTO request,
what the manager decided (approve, deny, for which dates), who took which account by command
(volunteer, assign, withdraw) and for which days, which backups declined an account (decline)
and which confirmed their cover (accept). The ledger is why a command is read once and never
again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .accounts import account_key
from .usernames import user_key

How = Literal["pod", "hand-picked", "volunteer", "assigned"]
Span = tuple[date, date]  # the first and the last day of a stretch of cover, inclusive


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
    # account -> the stretches of days it was taken for (volunteer, assign); an account not
    # named here was taken for the whole request
    on: dict[str, tuple[Span, ...]] = field(default_factory=dict)

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
        if self.on:
            data["on"] = {
                name: [[a.isoformat(), b.isoformat()] for a, b in spans]
                for name, spans in self.on.items()
            }
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
            on = {
                str(name): tuple(
                    (date.fromisoformat(str(a)), date.fromisoformat(str(b))) for a, b in spans
                )
                for name, spans in (data.get("on") or {}).items()
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
                on=on,
                **optional,
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Manual:
    """An account taken by command: by whom, how, and for which stretches of days (None: the
    whole request)."""

    user: str
    how: How
    spans: tuple[Span, ...] | None = None

    def covers(self, day: date) -> bool:
        return self.spans is None or any(a <= day <= b for a, b in self.spans)


@dataclass(frozen=True)
class Decisions:
    """What the ledger (commands already read) says about one request."""

    approved: tuple[str, str] | None = None  # the dates approved
    # dates and reason (None: given in an internal note, and said nowhere else)
    denied: tuple[str, str, str | None] | None = None
    # account key -> who took it by command, in the order they did
    manual: dict[str, tuple[Manual, ...]] = field(default_factory=dict)
    declined: dict[str, frozenset[str]] = field(default_factory=dict)  # account key -> users
    accepted: frozenset[tuple[str, str]] = frozenset()  # (account key, user key) confirmed

    def declined_by(self, account: str, user: str) -> bool:
        return user_key(user) in self.declined.get(account_key(account), frozenset())

    def confirmed(self, account: str, user: str) -> bool:
        return (account_key(account), user_key(user)) in self.accepted


NO_DECISIONS = Decisions()


class _Folding:
    """The decisions of one request, as the ledger's entries come."""

    def __init__(self) -> None:
        self.approved: tuple[str, str] | None = None
        self.denied: tuple[str, str, str | None] | None = None
        self.manual: dict[str, list[Manual]] = defaultdict(list)
        self.declined: dict[str, set[str]] = defaultdict(set)
        self.accepted: set[tuple[str, str]] = set()

    def take(self, account: str, taken: Manual, replacing: bool) -> None:
        key = account_key(account)
        if replacing:  # the whole account to one person: whoever had it by command before
            self.manual[key].clear()
        self.manual[key] = [m for m in self.manual[key] if m.user != taken.user] + [taken]
        self.declined[key].discard(user_key(taken.user))

    def give_back(self, account: str, user: str, declining: bool) -> None:
        key = account_key(account)
        self.manual[key] = [m for m in self.manual[key] if user_key(m.user) != user_key(user)]
        self.accepted.discard((key, user_key(user)))
        if declining:
            self.declined[key].add(user_key(user))

    def add(self, entry: LedgerEntry) -> None:
        if entry.verb == "approve" and entry.start and entry.end:
            self.approved, self.denied = (entry.start, entry.end), None
        elif entry.verb == "deny" and entry.start and entry.end:
            reason = None if entry.internal else entry.reason or ""  # None: said internally
            self.denied, self.approved = (entry.start, entry.end, reason), None
        elif entry.verb in ("volunteer", "assign"):
            user = entry.by if entry.verb == "volunteer" else entry.user
            how: How = "volunteer" if entry.verb == "volunteer" else "assigned"
            for acc in entry.accounts if user else ():
                assert user is not None
                spans = entry.on.get(acc)
                self.take(acc, Manual(user, how, spans), replacing=spans is None)
        elif entry.verb in ("withdraw", "decline"):
            # a withdrawal by the manager or a lead names whoever held it by command
            for acc in entry.accounts:
                key = account_key(acc)
                holders = [m.user for m in self.manual[key]] if entry.verb == "withdraw" else []
                who = entry.user or (entry.by if entry.verb == "decline" else None)
                for user in [who] if who else holders:
                    self.give_back(acc, user, declining=entry.verb == "decline")
        elif entry.verb == "accept":
            self.accepted |= {(account_key(acc), user_key(entry.by)) for acc in entry.accounts}

    def decisions(self) -> Decisions:
        return Decisions(
            self.approved,
            self.denied,
            {k: tuple(v) for k, v in self.manual.items() if v},
            {k: frozenset(v) for k, v in self.declined.items() if v},
            frozenset(self.accepted),
        )


def fold_ledger(ledger: tuple[LedgerEntry, ...]) -> dict[int, Decisions]:
    """Per request iid, the decisions the ledger's successful commands add up to, in order."""
    folding: dict[int, _Folding] = defaultdict(_Folding)
    for entry in ledger:
        if entry.ok and entry.request is not None:
            folding[entry.request].add(entry)
    return {req: f.decisions() for req, f in folding.items()}
