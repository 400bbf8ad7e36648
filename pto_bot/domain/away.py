"""Out of office: who is away and who covers them (:class:`Absence`), where each account is
discussed (:class:`Places`), the threads of an issue as the bot read them (:class:`Discussed`),
and the record of each thread that mentioned someone away (:class:`Mention`), kept in the hidden
marker of the "while you were out" note on the PTO request.

Plain data; the decisions are :mod:`pto_bot.rules.away` and :mod:`pto_bot.plan.away`. A place is
a project's full path, ``""`` for the team's own project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .usernames import same_user

TEAM = ""  # the team project, as a place


Shift = tuple[
    str | None, date, date
]  # who covers (None: nobody yet), from the first to the last day


@dataclass(frozen=True)
class Absence:
    """One engineer away: their PTO request, the days, and who covers what when."""

    engineer: str
    request: int
    start: date
    end: date
    back: date | None  # the first working day back
    # account -> who covers it, stretch by stretch (one stretch: the whole absence)
    covers: dict[str, tuple[Shift, ...]] = field(default_factory=dict)
    global_support: tuple[str, ...] = ()  # accounts Global Support handles
    backups: tuple[str, ...] = ()

    def away_on(self, day: date) -> bool:
        """``day`` falls in the absence, from its first day off to its last, weekends and
        holidays between them included: the time a mention of the engineer is answered for.
        (Whether they are *out* on a working day is the evaluation's:
        :meth:`~pto_bot.rules.evaluation.Evaluation.absence`.)"""
        return self.start <= day <= self.end

    def backup_on(self, account: str, day: date) -> str | None:
        """Who covers ``account`` on ``day``: the stretch it falls in, else the next one (a
        weekend between two), else the last; None when nobody does."""
        shifts = sorted(self.covers.get(account, ()), key=lambda s: s[1])
        current = next((s for s in shifts if s[1] <= day <= s[2]), None)
        later = next((s for s in shifts if s[1] > day), None)
        chosen = current or later or (shifts[-1] if shifts else None)
        return chosen[0] if chosen else None

    def covering(self, account: str) -> frozenset[str]:
        """Everyone who covers ``account`` on some day of the absence."""
        return frozenset(b for b, _, _ in self.covers.get(account, ()) if b)


def away_on(absences: tuple[Absence, ...], user: str, day: date) -> Absence | None:
    """The absence that has ``user`` (any case) away on ``day``, if any."""
    return next((a for a in absences if same_user(a.engineer, user) and a.away_on(day)), None)


@dataclass(frozen=True)
class Places:
    """Where accounts are discussed: collaboration projects and the team's playbook issues."""

    projects: dict[str, tuple[str, ...]] = field(default_factory=dict)  # path (lower) -> accounts
    playbooks: dict[int, str] = field(default_factory=dict)  # team playbook iid -> account

    def accounts(self, place: str, iid: int) -> tuple[str, ...]:
        """The accounts an issue belongs to: its playbook's, or its collaboration project's."""
        if place == TEAM:
            return (self.playbooks[iid],) if iid in self.playbooks else ()
        return self.projects.get(place.casefold(), ())

    def watched(self, place: str) -> bool:
        return place == TEAM or place.casefold() in self.projects


@dataclass(frozen=True)
class ThreadNote:
    id: int
    author: str
    body: str
    created_at: datetime
    system: bool = False


@dataclass(frozen=True)
class Thread:
    """A discussion on an issue: one note, or a note and its replies."""

    id: str
    notes: tuple[ThreadNote, ...]


@dataclass(frozen=True)
class Discussed:
    """An issue somewhere, as read for mentions: its description, and its threads when they
    were read (``None``: nothing new was said on it since the last read)."""

    place: str
    iid: int
    author: str
    description: str
    created_at: datetime
    web_url: str = ""
    labels: tuple[str, ...] = ()
    threads: tuple[Thread, ...] | None = None


@dataclass(frozen=True)
class Mention:
    """A thread that mentioned someone away, as the "while you were out" note records it."""

    place: str
    iid: int
    thread: str  # the discussion id; "" for the issue's description
    note: int  # the first note that mentioned them (0: the description)
    by: str
    at: datetime
    url: str = ""
    account: str | None = None
    answered: tuple[str, ...] = ()  # people who replied after it (not the bot, not the author)
    replied: bool = False  # the bot answered it (as read; not recorded: the thread says it)

    @property
    def key(self) -> str:
        return f"{self.place}#{self.iid}/{self.thread or 'description'}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "p": self.place,
            "i": self.iid,
            "d": self.thread,
            "n": self.note,
            "by": self.by,
            "at": self.at.isoformat(),
            "url": self.url,
        }
        if self.account is not None:
            data["acc"] = self.account
        if self.answered:
            data["ans"] = list(self.answered)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mention | None:
        try:
            return cls(
                place=str(data["p"]),
                iid=int(data["i"]),
                thread=str(data["d"]),
                note=int(data["n"]),
                by=str(data["by"]),
                at=datetime.fromisoformat(str(data["at"])),
                url=str(data.get("url") or ""),
                account=None if data.get("acc") is None else str(data["acc"]),
                answered=tuple(str(a) for a in data.get("ans", ())),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class PlaybookNote:
    """A note a backup left on the engineer's playbook while they were out."""

    iid: int
    account: str
    note: int
    by: str
    at: datetime
    url: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "i": self.iid,
            "acc": self.account,
            "n": self.note,
            "by": self.by,
            "at": self.at.isoformat(),
            "url": self.url,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlaybookNote | None:
        try:
            return cls(
                iid=int(data["i"]),
                account=str(data["acc"]),
                note=int(data["n"]),
                by=str(data["by"]),
                at=datetime.fromisoformat(str(data["at"])),
                url=str(data.get("url") or ""),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Scan:
    """What a scheduled run read for mentions: the issues changed in the team project and the
    collaboration projects while someone was away, and the places that could not be read."""

    issues: tuple[Discussed, ...] = ()
    errors: tuple[str, ...] = ()
