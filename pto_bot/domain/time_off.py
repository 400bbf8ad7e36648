"""Time off as the team's calendar records it (an HR tool's or a shared calendar's feed): who is
away on which days, as plain data, and how an event names a roster engineer.

Read by :mod:`pto_bot.adapters.calendar_feed`. Only whole days count: an absence runs from its
first day to its last day, both included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .usernames import same_user

#: What may stand beside a username in GitLab: a name is a whole word when neither neighbour is
#: one of these (a full stop ends a sentence unless a name character follows it).
_NAME_CHARS = "A-Za-z0-9_\\-"


@dataclass(frozen=True)
class TimeOff:
    """One engineer away for whole days, as one calendar event (or one occurrence of a
    recurring one, ``uid`` shared by all of them) says."""

    engineer: str  # the roster's username
    first_day: date
    last_day: date  # included
    uid: str  # the event's UID, to recognise it on the next read

    @property
    def days(self) -> int:
        """Calendar days off, first and last included."""
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class TimeOffFeed:
    """What a read of the feed found: the absences, and a message for each thing that went
    wrong (the feed could not be read at all, or an event was left out)."""

    absences: tuple[TimeOff, ...] = ()
    warnings: tuple[str, ...] = ()
    read: bool = True  # False: the feed could not be read at all (its absences are unknown)


def named_in(text: str, roster: Iterable[str]) -> list[str]:
    """The roster usernames ``text`` names as a word, ``@name`` or ``name``, whatever the
    case: "PTO @KLang", "klang off", "dbass90/andsmith3 offsite"; not "klang-pto" or
    "xklang"."""
    found = []
    for username in roster:
        pattern = (
            rf"(?<![{_NAME_CHARS}.@])@?{re.escape(username)}"
            rf"(?![{_NAME_CHARS}]|\.[{_NAME_CHARS}])"
        )
        if re.search(pattern, text, re.IGNORECASE):
            found.append(username)
    return found


def mailbox_of(address: str, roster: Iterable[str]) -> str | None:
    """The roster username that is the local part of a ``mailto:`` address
    (``mailto:KLang@example.com`` is klang), else None."""
    value = address.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    local, at, _ = value.partition("@")
    if not at:
        return None
    return next((u for u in roster if same_user(u, local)), None)
