"""The world the rules judge, read from a snapshot: accounts, PTO requests, fallback requests,
the bot's own notes and the command ledger.

Pure: takes the policy, a snapshot and the bot's username, returns plain data. A marker is
trusted only in a body the bot wrote; a malformed issue, note or marker is reported in
``World.problems`` and skipped, never stopping the read of the others.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime

from .accounts import Account, account_of
from .bot_notes import BotNote, bot_notes, coverage_state, ledger_of, queued_at
from .coverage_issue import CoverageIssue, coverage_issue
from .fallback_issue import FallbackIssue, read_fallback
from .ledger import LedgerEntry
from .markers import CoverageState, Shifts, looks_like_the_bots, read_marker
from .policy import OFFLINE_BOT, Policy
from .request_form import ParseResult, PtoRequest, parse_request
from .snapshot import Issue, Snapshot
from .topics import Topic
from .usernames import BotIdentity


@dataclass(frozen=True)
class FiledRequest:
    """A PTO request as filed: its issue, its form as read, what the bot's coverage note
    announced of it, and its place in the queue."""

    issue: Issue
    parsed: ParseResult
    coverage: CoverageState | None  # what the bot's coverage note announced, if readable
    queued_at: datetime  # when it joined the queue: first became valid (see _queued_at)
    from_calendar: bool = False  # the bot opened it from the team's time-off calendar

    @property
    def form(self) -> PtoRequest | None:
        """The request's fields when they read well (None: the issue needs info)."""
        return self.parsed.request

    @property
    def iid(self) -> int:
        return self.issue.iid

    @property
    def secret(self) -> bool:
        """A confidential request: outside it, only who is out, the dates and who covers may
        appear, never its title, text, type or notes (nor problems, which quote its text)."""
        return self.issue.confidential

    def previous_assignment(self) -> dict[str, Shifts]:
        return dict(self.coverage.assign) if self.coverage else {}


@dataclass(frozen=True)
class World:
    policy: Policy
    me: BotIdentity  # who the bot is (the token's user: whom it writes as) and was
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
    untrusted: frozenset[int] = frozenset()  # issues with the bot's markers by someone else
    # the manager's own PTO requests: read for their dates alone (the deputy decides meanwhile)
    manager_time_off: tuple[FiledRequest, ...] = ()
    checkins: tuple[Issue, ...] = ()  # the bot's pilot check-in issues
    _by_owner: dict[str, tuple[Account, ...]] = field(default_factory=dict, repr=False)
    _by_iid: dict[int, FiledRequest] = field(default_factory=dict, repr=False)

    @property
    def bot(self) -> str:
        """The token's user: whom the bot writes as."""
        return self.me.username

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


def _foreign_markers(issue: Issue, me: BotIdentity, problems: list[str]) -> bool:
    """Notes that end as the bot's do (its marker on a line of its own) by someone the bot does
    not know as itself: most likely the bot's user under an earlier token. Nothing is written on
    the issue until the policy says who that was: the bot would otherwise say it all again."""
    authors = sorted(
        {n.author for n in issue.notes if not me.is_me(n.author) and looks_like_the_bots(n.body)}
    )
    if not authors:
        return False
    who = ", ".join(f"@{a}" for a in authors)
    problems.append(
        f"#{issue.iid}: the notes with the bot's hidden marker are by {who}, not by the bot's "
        f"user @{me.username}: nothing is written on #{issue.iid}; if that was the bot's user "
        f"(an earlier token), add {', '.join(authors)} to bot.former_usernames in policy.yaml"
    )
    return True


def _with_coverage(
    req: FiledRequest,
    ci: CoverageIssue | None,
    notes: dict[int, tuple[BotNote, ...]],
    problems: list[str],
) -> FiledRequest:
    """A request first covered while its engineer was out has its coverage note on its coverage
    issue (nothing is written on the request then): what it announced, and its place in the
    queue, are read there."""
    if req.coverage is not None or ci is None:
        return req
    state = coverage_state(ci.iid, notes.get(ci.iid, ()), problems)
    if state is None:
        return req
    queued = queued_at(req.issue, req.parsed, state, notes.get(req.iid, ()))
    return replace(req, coverage=state, queued_at=queued)


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
    me = BotIdentity(
        bot or policy.bot.username or OFFLINE_BOT,
        tuple(policy.bot.former_usernames),
        snapshot.project_id,
    )
    labels = policy.labels
    untrusted: set[int] = set()
    roster = policy.roster
    problems: list[str] = list(snapshot.errors)
    requests: list[FiledRequest] = []
    playbooks: dict[int, Issue] = {}
    ledger: list[LedgerEntry] = []
    fallbacks: dict[int, FallbackIssue] = {}
    covering: dict[int, CoverageIssue] = {}
    dashboards: list[Issue] = []
    notes: dict[int, tuple[BotNote, ...]] = {}
    managers: list[FiledRequest] = []
    checkins: list[Issue] = []
    for issue in sorted(snapshot.issues, key=lambda i: (i.created_at, i.iid)):
        try:
            mine = bot_notes(issue, me)
            notes[issue.iid] = mine
            if _foreign_markers(issue, me, problems):
                untrusted.add(issue.iid)
            if labels.fallback in issue.labels:
                fb = read_fallback(issue, me, problems)
                if fb is not None and (
                    fb.request not in fallbacks or fb.issue.iid < fallbacks[fb.request].issue.iid
                ):
                    fallbacks[fb.request] = fb
                ledger.extend(ledger_of(issue.iid, mine, problems))
            elif labels.coverage_issue in issue.labels:
                ci = coverage_issue(issue, me, problems)
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
                own = _managers_own(policy, issue, parsed)
                if own is not None:
                    managers.append(FiledRequest(issue, own, None, issue.created_at))
                    continue
                coverage = coverage_state(issue.iid, mine, problems)
                queued = queued_at(issue, parsed, coverage, mine)
                ours = me.is_me(issue.author) and _opened_from_calendar(issue)
                requests.append(FiledRequest(issue, parsed, coverage, queued, ours))
                ledger.extend(ledger_of(issue.iid, mine, problems))
            elif labels.checkin in issue.labels and me.is_me(issue.author):
                checkins.append(issue)
            elif labels.playbook in issue.labels and issue.is_open:
                playbooks[issue.iid] = issue
            elif labels.dashboard in issue.labels and me.is_me(issue.author):
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
            (account_of(policy, i, me) for i in playbooks.values()), key=lambda a: (a.key, a.iid)
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
        me=me,
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
        untrusted=frozenset(untrusted),
        _by_owner={k: tuple(v) for k, v in by_owner.items()},
        _by_iid={r.iid: r for r in requests},
        manager_time_off=tuple(managers),
        checkins=tuple(checkins),
    )


def _opened_from_calendar(issue: Issue) -> bool:
    data = read_marker(issue.description)
    return data is not None and data.get("t") == Topic.FROM_CALENDAR


def _managers_own(policy: Policy, issue: Issue, parsed: ParseResult) -> ParseResult | None:
    """The manager's own PTO request (its engineer, named or its author, is the manager, who is
    not on the roster): read for its dates alone, never judged, counted or written to."""
    if parsed.request is not None or policy.roster.find(policy.team.manager) is not None:
        return None
    own = parse_request(
        issue.description,
        author=issue.author,
        roster=(policy.team.manager,),
        max_days=policy.requests.max_days,
    )
    return own if own.request is not None else None
