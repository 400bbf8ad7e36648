"""Out of office: who is away (from the evaluation), where each account is discussed (the
playbook's ``Collaboration project:`` field and ``out_of_office.projects``), and which mentions
in a thread call for an answer. Pure."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from functools import partial

from ..domain.accounts import account_key
from ..domain.away import (
    TEAM,
    Absence,
    Discussed,
    Mention,
    Places,
    Thread,
    ThreadNote,
    out_on,
)
from ..domain.away_policy import project_path
from ..domain.markers import read_marker
from ..domain.mentions import mentions
from ..domain.request_fields import visible_text
from ..domain.world import World
from .evaluation import Evaluation, Status

# possessive (*+, ++, ?+): adjacent runs of spaces are never tried against each other
_COLLABORATION = re.compile(
    r"^[^\S\n]*+(?:[-*+][^\S\n]++)?+(?:\*\*|__)?+[^\S\n]*+collaboration[^\S\n]++projects?"
    r"[^\S\n]*+(?:\*\*|__)?+[^\S\n]*+:[^\S\n]*+(?:\*\*|__)?+(?P<value>.*)$",
    re.IGNORECASE | re.MULTILINE,
)
_SEPARATORS = re.compile(r"[\s,;]+")
AWAY_STATUSES = (Status.ACTIVE, Status.NEEDS_INFO)


def absences(world: World, evaluation: Evaluation, since: date) -> tuple[Absence, ...]:
    """Every absence that ends on ``since`` or later: booked requests (active, or waiting for
    valid backups), with who covers each of the engineer's accounts."""
    found = []
    for ev in evaluation.requests:
        if ev.req.request is None or not ev.counted or ev.status not in AWAY_STATUSES:
            continue
        r = ev.request
        if r.end < since:
            continue
        found.append(
            Absence(
                engineer=r.engineer,
                request=ev.iid,
                start=r.start,
                end=r.end,
                back=ev.return_day,
                covers={c.account.name: c.backup for c in ev.covers},
                global_support=tuple(a.name for a in ev.global_support),
                backups=tuple(ev.backups),
            )
        )
    return tuple(found)


def collaboration_projects(description: str) -> tuple[str, ...]:
    """The projects a playbook's ``Collaboration project:`` field names (paths or addresses)."""
    found: list[str] = []
    for match in _COLLABORATION.finditer(visible_text(description)):
        for part in _SEPARATORS.split(match["value"].replace("`", "").strip("*_ ")):
            try:
                path = project_path(part.strip("[]()"))
            except ValueError:
                continue
            if path not in found:
                found.append(path)
    return tuple(found)


def places(world: World) -> Places:
    """Where each account is discussed: its playbook in the team project, and its collaboration
    projects (the playbook's field, and the policy's list)."""
    projects: dict[str, list[str]] = {}
    by_key = {a.key: a.name for a in world.accounts}

    def add(path: str, account: str) -> None:
        names = projects.setdefault(path.casefold(), [])
        if account not in names:
            names.append(account)

    for account in world.accounts:
        playbook = world.playbooks.get(account.iid)
        for path in collaboration_projects(playbook.description if playbook else ""):
            add(path, account.name)
    for name, paths in world.policy.out_of_office.projects.items():
        for path in paths:
            add(path, by_key.get(account_key(name), name))
    return Places(
        projects={k: tuple(v) for k, v in sorted(projects.items())},
        playbooks={a.iid: a.name for a in world.accounts},
    )


def account_of(absence: Absence, accounts: Iterable[str]) -> str | None:
    """Which of ``accounts`` (those the issue belongs to) is the engineer's."""
    mine = {account_key(a): a for a in [*absence.covers, *absence.global_support]}
    return next((mine[account_key(a)] for a in accounts if account_key(a) in mine), None)


def _answered_for(data: dict[str, object] | None, user: str, request: int) -> bool:
    if not data or data.get("t") != "away":
        return False
    pairs = data.get("for")
    if not isinstance(pairs, list):
        return False
    return any(
        isinstance(p, list)
        and len(p) == 2
        and str(p[0]).casefold() == user.casefold()
        and p[1] == request
        for p in pairs
    )


def _bot_answered(notes: Iterable[tuple[str, str]], bot: str, user: str, request: int) -> bool:
    return any(
        author.casefold() == bot.casefold() and _answered_for(read_marker(body), user, request)
        for author, body in notes
    )


def skipped(item: Discussed, absence: Absence, request_labels: frozenset[str]) -> bool:
    """Issues where a mention is no question for someone away: PTO and fallback requests (they
    are about who is out) and the bot's dashboard."""
    if item.place != TEAM:
        return False
    return item.iid == absence.request or bool(request_labels & set(item.labels))


def found_mentions(
    item: Discussed,
    absences: tuple[Absence, ...],
    places: Places,
    bot: str,
    tz: tzinfo,
    skip_labels: frozenset[str] = frozenset(),
) -> list[tuple[Absence, Mention]]:
    """Each (absence, thread) of ``item`` where someone mentioned an engineer on a day they were
    out: not the bot, not the engineer themself, not in code, quotes or links; with who replied
    after it and whether the bot has answered it."""
    found: dict[tuple[str, int], tuple[Absence, Mention]] = {}
    accounts = places.accounts(item.place, item.iid)
    everything = [(n.author, n.body) for t in item.threads or () for n in t.notes]

    def consider(
        thread: Thread | None,
        note_id: int,
        author: str,
        body: str,
        when: datetime,
        later: Callable[[], list[str]],  # who wrote after it: asked only for a mention answered
        replies: list[tuple[str, str]],
    ) -> None:
        if author.casefold() == bot.casefold():
            return
        for user in sorted(mentions(body)):
            if user == author.casefold():
                continue
            absence = out_on(absences, user, when.astimezone(tz).date())
            if absence is None or skipped(item, absence, skip_labels):
                continue
            key = (thread.id if thread else "", absence.request)
            if key in found:
                continue
            answered = tuple(
                dict.fromkeys(
                    a for a in later() if a.casefold() not in (bot.casefold(), author.casefold())
                )
            )
            found[key] = (
                absence,
                Mention(
                    place=item.place,
                    iid=item.iid,
                    thread=key[0],
                    note=note_id,
                    by=author,
                    at=when,
                    url=f"{item.web_url}#note_{note_id}" if note_id else item.web_url,
                    account=account_of(absence, accounts),
                    answered=answered,
                    replied=_bot_answered(replies, bot, absence.engineer, absence.request),
                ),
            )

    if item.description:
        everyone = [n.author for t in item.threads or () for n in t.notes if not n.system]
        consider(
            None, 0, item.author, item.description, item.created_at, lambda: everyone, everything
        )
    for thread in item.threads or ():
        notes = [n for n in thread.notes if not n.system]
        replies = [(n.author, n.body) for n in notes]
        for index, note in enumerate(notes):
            # not a list per note (a thread of n notes would cost n²): built for an answer only
            after = partial(_authors_after, notes, index)
            consider(thread, note.id, note.author, note.body, note.created_at, after, replies)
    return list(found.values())


def _authors_after(notes: list[ThreadNote], index: int) -> list[str]:
    return [n.author for n in notes[index + 1 :]]


def working_day(day: date, weekdays: frozenset[int]) -> bool:
    return day.weekday() in weekdays
