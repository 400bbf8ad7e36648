"""Out of office: who is away (from the evaluation), where each account is discussed (the
playbook's ``Collaboration project:`` field and ``out_of_office.projects``), and which mentions
in a thread call for an answer. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, tzinfo
from functools import partial

from ..domain.accounts import Account, account_key
from ..domain.away import (
    TEAM,
    Absence,
    Discussed,
    Mention,
    Places,
    Shift,
    Thread,
    ThreadNote,
    away_on,
)
from ..domain.markers import read_marker
from ..domain.mentions import mentions
from ..domain.policy import Policy
from ..domain.topics import Topic
from ..domain.usernames import BotIdentity, same_user, user_key
from ..domain.world import World
from .evaluation import Evaluated, Evaluation, Status

AWAY_STATUSES = (Status.ACTIVE, Status.NEEDS_INFO)


def absences(world: World, evaluation: Evaluation, since: date) -> tuple[Absence, ...]:
    """Every absence that ends on ``since`` or later: booked requests (active, or waiting for
    valid backups), with who covers each of the engineer's accounts."""
    found = []
    for ev in evaluation.requests:
        if ev.filed.form is None or not ev.counted or ev.status not in AWAY_STATUSES:
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
                covers=_shifts(ev),
                global_support=tuple(a.name for a in ev.global_support),
                backups=tuple(ev.backups),
            )
        )
    return tuple(found)


def _shifts(ev: Evaluated) -> dict[str, tuple[Shift, ...]]:
    """Account -> who covers it, stretch by stretch."""
    found: dict[str, list[Shift]] = {}
    for c in ev.covers:
        found.setdefault(c.account.name, []).extend((c.backup, a, b) for a, b in ev.spans(c))
    return {k: tuple(sorted(v, key=lambda s: s[1])) for k, v in found.items()}


def watched(world: World, today: date, kept_days: int) -> dict[int, date]:
    """The absences whose mentions are still to be read (request iid -> first day off): those
    going on today or yesterday, and the open requests ended within ``kept_days`` whose
    engineer has not had the return checklist yet (it lists them). Requests that read well
    count, whatever their status; what the last run read is the tracker's affair."""
    yesterday = today - timedelta(days=1)
    oldest = today - timedelta(days=kept_days)
    found = {}
    for r in world.requests:
        form = r.form
        if form is None or form.start > today or form.end < oldest:
            continue
        # a closed request gets no handback: once over, nothing of it is left to record
        due = r.issue.is_open and world.bot_note(r.iid, Topic.RETURNED) is None
        if form.end >= yesterday or due:
            found[r.iid] = form.start
    return found


def places(policy: Policy, accounts: Iterable[Account]) -> Places:
    """Where each account is discussed: its playbook in the team project, and its collaboration
    projects (the playbook's field, as far as the policy allows it, and the policy's list)."""
    accounts = tuple(accounts)
    projects: dict[str, list[str]] = {}
    by_key = {a.key: a.name for a in accounts}

    def add(path: str, account: str) -> None:
        names = projects.setdefault(path.casefold(), [])
        if account not in names:
            names.append(account)

    for account in accounts:
        for path in account.collaboration:
            add(path, account.name)
    for name, paths in policy.out_of_office.projects.items():
        for path in paths:
            add(path, by_key.get(account_key(name), name))
    return Places(
        projects={k: tuple(v) for k, v in sorted(projects.items())},
        playbooks={a.iid: a.name for a in accounts},
    )


def account_of(absence: Absence, accounts: Iterable[str]) -> str | None:
    """Which of ``accounts`` (those the issue belongs to) is the engineer's."""
    mine = {account_key(a): a for a in [*absence.covers, *absence.global_support]}
    return next((mine[account_key(a)] for a in accounts if account_key(a) in mine), None)


def _answered_for(data: dict[str, object] | None, user: str, request: int) -> bool:
    if not data or data.get("t") != Topic.AWAY:
        return False
    pairs = data.get("for")
    if not isinstance(pairs, list):
        return False
    return any(
        isinstance(p, list) and len(p) == 2 and same_user(str(p[0]), user) and p[1] == request
        for p in pairs
    )


def _bot_answered(
    notes: Iterable[tuple[str, str]], bot: BotIdentity, user: str, request: int
) -> bool:
    return any(
        bot.is_me(author) and _answered_for(read_marker(body), user, request)
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
    bot: BotIdentity,
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
        if bot.is_me(author):
            return
        for user in sorted(mentions(body)):
            if same_user(user, author):
                continue
            absence = away_on(absences, user, when.astimezone(tz).date())
            if absence is None or skipped(item, absence, skip_labels):
                continue
            key = (thread.id if thread else "", absence.request)
            if key in found:
                continue
            answered = tuple(
                dict.fromkeys(a for a in later() if not bot.is_me(a) and not same_user(a, author))
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


def found_untagged(
    item: Discussed,
    absences: tuple[Absence, ...],
    places: Places,
    team: frozenset[str],
    bot: BotIdentity,
    tz: tzinfo,
) -> list[tuple[Absence, Mention]]:
    """In an account's collaboration project, the issue opened and each comment written, while
    its engineer is out, by someone outside the team (``team``: lower-case usernames: the
    roster, the manager, the bot) who tagged nobody, once per thread; with who replied after
    it. Seed 002: "new issues in the customer projects", which a backup would otherwise look
    for by hand."""
    if item.place == TEAM:
        return []
    accounts = places.accounts(item.place, item.iid)
    found: list[tuple[Absence, Mention]] = []
    for absence in absences:
        account = account_of(absence, accounts)
        if account is None:
            continue
        for thread, note, by, at, later in _asking(item, team, bot, tz, absence):
            answered = tuple(
                dict.fromkeys(a for a in later if not same_user(a, by) and not bot.is_me(a))
            )
            url = f"{item.web_url}#note_{note}" if note else item.web_url
            mention = Mention(item.place, item.iid, thread, note, by, at, url, account, answered)
            found.append((absence, mention))
    return found


def _asking(
    item: Discussed, team: frozenset[str], bot: BotIdentity, tz: tzinfo, absence: Absence
) -> list[tuple[str, int, str, datetime, list[str]]]:
    """(thread, note, author, when, who wrote after it) of the issue's description and of the
    first comment of each thread that someone outside the team wrote during ``absence``,
    tagging nobody."""
    asking = []
    every = [n.author for t in item.threads or () for n in t.notes if not n.system]
    opened = item.created_at.astimezone(tz).date()
    if _untagged(item.author, item.description, team, bot) and absence.away_on(opened):
        asking.append(("", 0, item.author, item.created_at, every))
    for thread in item.threads or ():
        notes = [n for n in thread.notes if not n.system]
        for index, note in enumerate(notes):
            day = note.created_at.astimezone(tz).date()
            if _untagged(note.author, note.body, team, bot) and absence.away_on(day):
                later = [n.author for n in notes[index + 1 :]]
                asking.append((thread.id, note.id, note.author, note.created_at, later))
                break  # a thread is listed once, from its first comment that asks
    return asking


def _untagged(author: str, body: str, team: frozenset[str], bot: BotIdentity) -> bool:
    """Someone outside the team (and not the bot) wrote it and it mentions nobody."""
    outside = user_key(author) not in team and not bot.is_me(author)
    return bool(body.strip()) and outside and not mentions(body)


def working_day(day: date, weekdays: frozenset[int]) -> bool:
    return day.weekday() in weekdays
