"""The world the rules judge, read from a snapshot: accounts, PTO requests, fallback requests,
the bot's own notes and the command ledger.

Pure: takes the policy, a snapshot and the bot's username, returns plain data. A marker is
trusted only in a body the bot wrote; a malformed issue, note or marker is reported in
``World.problems`` and skipped, never stopping the read of the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from .accounts import Account, account_of
from .bot_notes import BotNote, bot_notes, coverage_state, ledger_of, queued_at
from .coverage_issue import CoverageIssue, coverage_issue
from .ledger import LedgerEntry
from .markers import CoverageState, FallbackState, Shifts, read_marker, read_state
from .policy import OFFLINE_BOT, Policy
from .request_form import ParseResult, PtoRequest, parse_request
from .snapshot import Issue, Snapshot
from .topics import Topic
from .usernames import same_user


@dataclass(frozen=True)
class FallbackIssue:
    issue: Issue
    request: int
    opened_at: datetime
    accounts: dict[str, str | None]  # account name -> volunteer (None while open)
    start: date | None
    end: date | None
    engineer: str | None
    window_from: datetime | None = None  # set when it was reopened: a fresh volunteer window

    @property
    def window_start(self) -> datetime:
        """When the current volunteer window opened: at the opening, or the last reopening."""
        return self.window_from or self.opened_at


@dataclass(frozen=True)
class FiledRequest:
    """A PTO request as filed: its issue, its form as read, what the bot's coverage note
    announced of it, and its place in the queue."""

    issue: Issue
    parsed: ParseResult
    coverage: CoverageState | None  # what the bot's coverage note announced, if readable
    queued_at: datetime  # when it joined the queue: first became valid (see _queued_at)

    @property
    def form(self) -> PtoRequest | None:
        """The request's fields when they read well (None: the issue needs info)."""
        return self.parsed.request

    @property
    def iid(self) -> int:
        return self.issue.iid

    def previous_assignment(self) -> dict[str, Shifts]:
        return dict(self.coverage.assign) if self.coverage else {}


@dataclass(frozen=True)
class World:
    policy: Policy
    bot: str
    requests: tuple[FiledRequest, ...]  # in queue order
    accounts: tuple[Account, ...]
    playbooks: dict[int, Issue]
    fallbacks: dict[int, FallbackIssue]  # request iid -> its fallback issue
    ledger: tuple[LedgerEntry, ...]
    dashboard: Issue | None
    # request iid -> its coverage issue (the backups' place while the engineer is out)
    coverage_issues: dict[int, CoverageIssue] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    notes: dict[int, tuple[BotNote, ...]] = field(default_factory=dict)  # iid -> the bot's notes
    problems: tuple[str, ...] = ()
    _by_owner: dict[str, tuple[Account, ...]] = field(default_factory=dict, repr=False)
    _by_iid: dict[int, FiledRequest] = field(default_factory=dict, repr=False)

    def accounts_of(self, username: str) -> tuple[Account, ...]:
        return self._by_owner.get(username, ())

    def request(self, iid: int) -> FiledRequest | None:
        return self._by_iid.get(iid)

    def bot_notes(self, iid: int) -> tuple[BotNote, ...]:
        return self.notes.get(iid, ())

    def bot_note(self, iid: int, topic: str) -> BotNote | None:
        """The bot's first note of ``topic`` on ``iid``."""
        return next((n for n in self.bot_notes(iid) if n.topic == topic), None)

    def coverage_note(self, request: int) -> BotNote | None:
        """The request's coverage note: on the request, or (first announced while its engineer
        was out) on its coverage issue."""
        ci = self.coverage_issues.get(request)
        found = self.bot_note(request, Topic.COVERAGE)
        return found or (self.bot_note(ci.iid, Topic.COVERAGE) if ci is not None else None)


def _fallback(issue: Issue, bot: str, problems: list[str]) -> FallbackIssue | None:
    label_hint = "remove the fallback label or close it"
    if not same_user(issue.author, bot):
        problems.append(
            f"#{issue.iid}: carries the fallback label but was not opened by the bot "
            f"(@{issue.author}): ignored; {label_hint}"
        )
        return None
    data = read_marker(issue.description)
    if data is None or data["t"] != Topic.FALLBACK:
        problems.append(
            f"#{issue.iid}: the fallback request's hidden state is gone from its description: "
            f"ignored; {label_hint}, and the bot opens a new one if one is needed"
        )
        return None
    state = read_state(FallbackState, data)
    if isinstance(state, str):
        repaired = _repaired_fallback(issue, data)
        if repaired is None:
            problems.append(
                f"#{issue.iid}: the fallback request's hidden state was edited ({state}) and "
                f"names no PTO request: ignored; {label_hint}"
            )
            return None
        problems.append(
            f"#{issue.iid}: the fallback request's hidden state was edited ({state}); "
            "read what could be read, the next write repairs it"
        )
        state = repaired
    return FallbackIssue(
        issue,
        state.request,
        state.opened_at,
        dict(state.accounts),
        state.start,
        state.end,
        state.eng,
        state.window_from,
    )


def _repaired_fallback(issue: Issue, data: dict[str, Any]) -> FallbackState | None:
    """What a damaged fallback marker still says: its request, else nothing."""
    request = data.get("request")
    if not isinstance(request, int) or isinstance(request, bool):
        return None
    keep: dict[str, Any] = {"t": Topic.FALLBACK, "request": request, "accounts": {}}
    for name, default in (("opened_at", issue.created_at), ("start", None), ("end", None)):
        trial = read_state(FallbackState, {**keep, name: data.get(name)})
        keep[name] = data.get(name) if not isinstance(trial, str) else default
    trial = read_state(FallbackState, {**keep, "accounts": data.get("accounts")})
    if not isinstance(trial, str):
        keep["accounts"] = data.get("accounts")
    result = read_state(FallbackState, keep)
    return None if isinstance(result, str) else result


def _with_coverage(
    req: FiledRequest,
    ci: CoverageIssue | None,
    notes: dict[int, tuple[BotNote, ...]],
    problems: list[str],
) -> FiledRequest:
    """A request first covered while its engineer was out has its coverage note on its coverage
    issue (nothing is written on the request then): what it announced is read there."""
    if req.coverage is not None or ci is None:
        return req
    state = coverage_state(ci.iid, notes.get(ci.iid, ()), problems)
    return req if state is None else replace(req, coverage=state)


def is_dashboard(issue: Issue) -> bool:
    """The issue's description ends with the dashboard's marker. The dashboard is the bot's own
    issue with the dashboard label and none of its other labels (a fallback request someone gave
    the label is still a fallback request), this marker's first."""
    data = read_marker(issue.description)
    return data is not None and data.get("t") == Topic.DASHBOARD


def read_world(
    policy: Policy, snapshot: Snapshot, bot: str | None = None, *, strict: bool = True
) -> World:
    """The world of ``snapshot``; ``bot`` is the bot's username (default: the policy's).
    ``strict``: an issue whose reading raises stops it (a bug, in every test); otherwise the
    issue is named among the problems and the others are read."""
    bot = bot or policy.bot.username or OFFLINE_BOT
    labels = policy.labels
    roster = policy.roster
    problems: list[str] = list(snapshot.errors)
    requests: list[FiledRequest] = []
    playbooks: dict[int, Issue] = {}
    ledger: list[LedgerEntry] = []
    fallbacks: dict[int, FallbackIssue] = {}
    covering: dict[int, CoverageIssue] = {}
    dashboards: list[Issue] = []
    notes: dict[int, tuple[BotNote, ...]] = {}
    for issue in sorted(snapshot.issues, key=lambda i: (i.created_at, i.iid)):
        try:
            mine = bot_notes(issue, bot)
            notes[issue.iid] = mine
            if labels.fallback in issue.labels:
                fb = _fallback(issue, bot, problems)
                if fb is not None and (
                    fb.request not in fallbacks or fb.issue.iid < fallbacks[fb.request].issue.iid
                ):
                    fallbacks[fb.request] = fb
                ledger.extend(ledger_of(issue.iid, mine, problems))
            elif labels.coverage_issue in issue.labels:
                ci = coverage_issue(issue, bot, problems)
                if ci is not None and ci.request not in covering:
                    covering[ci.request] = ci
                ledger.extend(ledger_of(issue.iid, mine, problems))
            elif labels.request in issue.labels:
                parsed = parse_request(
                    issue.description,
                    author=issue.author,
                    roster=roster,
                    max_days=policy.requests.max_days,
                )
                coverage = coverage_state(issue.iid, mine, problems)
                queued = queued_at(issue, parsed, coverage, mine)
                requests.append(FiledRequest(issue, parsed, coverage, queued))
                ledger.extend(ledger_of(issue.iid, mine, problems))
            elif labels.playbook in issue.labels and issue.is_open:
                playbooks[issue.iid] = issue
            elif labels.dashboard in issue.labels and same_user(issue.author, bot):
                dashboards.append(issue)
            elif labels.dashboard in issue.labels and issue.is_open:
                problems.append(
                    f"#{issue.iid}: carries the label {labels.dashboard} but was not opened by "
                    f"the bot (@{issue.author}): left alone; the bot keeps its own dashboard"
                )
        except Exception as exc:  # one unreadable issue never stops the others
            if strict:
                raise
            problems.append(f"#{issue.iid}: could not be read ({type(exc).__name__}: {exc})")
    accounts = tuple(
        sorted(
            (account_of(policy, i, bot) for i in playbooks.values()), key=lambda a: (a.key, a.iid)
        )
    )
    by_owner: dict[str, list[Account]] = defaultdict(list)
    for account in accounts:
        if account.owner is not None:
            by_owner[account.owner].append(account)
    ledger.sort(key=lambda e: (e.note_id, e.index))
    requests = [_with_coverage(r, covering.get(r.iid), notes, problems) for r in requests]
    requests.sort(key=lambda r: (r.queued_at, r.issue.created_at, r.iid))
    return World(
        policy=policy,
        bot=bot,
        requests=tuple(requests),
        accounts=accounts,
        playbooks=playbooks,
        fallbacks=fallbacks,
        ledger=tuple(ledger),
        dashboard=min(
            dashboards, key=lambda i: (not is_dashboard(i), not i.is_open, i.iid), default=None
        ),
        coverage_issues=covering,
        issues=snapshot.by_iid(),
        notes=notes,
        problems=tuple(problems),
        _by_owner={k: tuple(v) for k, v in by_owner.items()},
        _by_iid={r.iid: r for r in requests},
    )
