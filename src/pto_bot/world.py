"""Reading a snapshot into the planner's terms: accounts, requests, fallback issues, the ledger.

Pure: takes the policy and a snapshot, returns plain data. No clock, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from .markers import read_marker
from .model import Issue, Note, Snapshot
from .policy import Policy
from .request import ParseResult, PtoRequest, parse_request

Priority = Literal["high", "normal"]
Model = Literal["auto-assigned", "global-support"]


@dataclass(frozen=True)
class Account:
    """A customer account, from its playbook issue."""

    name: str
    iid: int
    owner: str | None
    priority: Priority
    model: Model
    updated_at: datetime
    web_url: str
    problems: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return account_key(self.name)


def account_key(name: str) -> str:
    """How account names are compared: case-insensitive, spaces collapsed."""
    return re.sub(r"\s+", " ", name).strip().casefold()


def needs_named_backup(policy: Policy, account: Account) -> bool:
    rule = policy.coverage.named_backup
    return (
        rule.all_accounts
        or account.priority in rule.priorities
        or account.model in rule.coverage_models
    )


def weight(policy: Policy, account: Account) -> float:
    hours = policy.coverage.hours_per_week
    if account.model == "auto-assigned":
        return hours.get("auto-assigned", 4.0)
    return hours.get("named", 2.0)


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
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LedgerEntry | None:
        try:
            return cls(
                note_id=int(data["n"]),
                index=int(data["i"]),
                key=str(data["k"]),
                verb=str(data["verb"]),
                ok=bool(data["ok"]),
                by=str(data["by"]),
                request=None if data.get("req") is None else int(data["req"]),
                accounts=tuple(str(a) for a in data.get("acc", [])),
                user=data.get("user"),
                start=data.get("start"),
                end=data.get("end"),
                reason=data.get("reason"),
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class BotNote:
    """A note the bot wrote earlier, found by its marker."""

    note: Note
    topic: str
    data: dict[str, Any]


@dataclass(frozen=True)
class FallbackIssue:
    issue: Issue
    request: int
    opened_at: datetime
    accounts: dict[str, str | None]  # account name -> volunteer (None while open)
    start: date | None
    end: date | None
    engineer: str | None


@dataclass(frozen=True)
class RequestIssue:
    issue: Issue
    parsed: ParseResult
    bot_notes: dict[str, BotNote]

    @property
    def request(self) -> PtoRequest | None:
        return self.parsed.request

    @property
    def iid(self) -> int:
        return self.issue.iid

    def previous_assignment(self) -> dict[str, str]:
        note = self.bot_notes.get("coverage")
        raw = note.data.get("assign", {}) if note else {}
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


@dataclass(frozen=True)
class World:
    policy: Policy
    requests: tuple[RequestIssue, ...]  # in opening order
    accounts: tuple[Account, ...]
    playbooks: dict[int, Issue]
    fallbacks: dict[int, FallbackIssue]  # request iid -> its fallback issue
    ledger: tuple[LedgerEntry, ...]
    dashboard: Issue | None
    issues: dict[int, Issue] = field(default_factory=dict)

    def accounts_of(self, username: str) -> list[Account]:
        return [a for a in self.accounts if a.owner == username]

    def request(self, iid: int) -> RequestIssue | None:
        return next((r for r in self.requests if r.iid == iid), None)


def bot_notes(issue: Issue, bot: str) -> dict[str, BotNote]:
    """The bot's notes on an issue by topic (the first one wins if a topic repeats)."""
    found: dict[str, BotNote] = {}
    for note in issue.notes:
        if note.author != bot:
            continue
        data = read_marker(note.body)
        if data is None:
            continue
        topic = str(data["t"])
        found.setdefault(topic, BotNote(note, topic, data))
    return found


def ledger_of(issue: Issue, bot: str) -> list[LedgerEntry]:
    entries = []
    for note in issue.notes:
        if note.author != bot:
            continue
        data = read_marker(note.body)
        if not data or data["t"] != "reply":
            continue
        for raw in data.get("cmds", []):
            entry = LedgerEntry.from_json(raw) if isinstance(raw, dict) else None
            if entry is not None:
                entries.append(entry)
    return entries


def _account(policy: Policy, issue: Issue) -> Account:
    labels = policy.labels
    name = re.sub(r"^\s*playbook\s*[:\-–]\s*", "", issue.title, flags=re.IGNORECASE).strip()
    problems = []
    if labels.priority_high in issue.labels:
        priority: Priority = "high"
    elif labels.priority_normal in issue.labels:
        priority = "normal"
    else:
        priority = "high"
        problems.append(
            f"no ~{labels.priority_high} or ~{labels.priority_normal} label: "
            "treated as high priority (it gets a named backup) until one is set"
        )
    if labels.coverage_auto in issue.labels:
        model: Model = "auto-assigned"
    elif labels.coverage_global in issue.labels:
        model = "global-support"
    else:
        model = "global-support"
        problems.append(
            f"no ~{labels.coverage_auto} or ~{labels.coverage_global} label: "
            "treated as global-support"
        )
    owners = [a for a in issue.assignees if a in policy.engineers]
    if not issue.assignees:
        problems.append("no assignee: assign the engineer who owns this account")
    elif not owners:
        problems.append(
            f"the assignee ({', '.join(issue.assignees)}) is not on the roster in policy.yaml"
        )
    return Account(
        name=name or f"#{issue.iid}",
        iid=issue.iid,
        owner=owners[0] if owners else None,
        priority=priority,
        model=model,
        updated_at=issue.updated_at,
        web_url=issue.web_url,
        problems=tuple(problems),
    )


def _fallback(issue: Issue) -> FallbackIssue | None:
    data = read_marker(issue.description)
    if not data or data["t"] != "fallback" or not isinstance(data.get("request"), int):
        return None
    try:
        opened_at = datetime.fromisoformat(str(data["opened_at"]))
        start = date.fromisoformat(data["start"]) if data.get("start") else None
        end = date.fromisoformat(data["end"]) if data.get("end") else None
    except (KeyError, ValueError):
        return None
    raw = data.get("accounts", {})
    accounts = {str(k): (None if v is None else str(v)) for k, v in raw.items()}
    return FallbackIssue(issue, data["request"], opened_at, accounts, start, end, data.get("eng"))


def read_world(policy: Policy, snapshot: Snapshot) -> World:
    bot = policy.bot.username
    labels = policy.labels
    roster = list(policy.engineers)
    requests, playbooks, ledger = [], {}, []
    fallbacks: dict[int, FallbackIssue] = {}
    dashboards: list[Issue] = []
    for issue in sorted(snapshot.issues, key=lambda i: (i.created_at, i.iid)):
        if labels.fallback in issue.labels:
            fb = _fallback(issue)
            if fb is not None and (
                fb.request not in fallbacks or fb.issue.iid < fallbacks[fb.request].issue.iid
            ):
                fallbacks[fb.request] = fb
            ledger.extend(ledger_of(issue, bot))
        elif labels.request in issue.labels:
            parsed = parse_request(
                issue.description,
                author=issue.author,
                roster=roster,
                max_days=policy.requests.max_days,
            )
            requests.append(RequestIssue(issue, parsed, bot_notes(issue, bot)))
            ledger.extend(ledger_of(issue, bot))
        elif labels.playbook in issue.labels and issue.is_open:
            playbooks[issue.iid] = issue
        elif labels.dashboard in issue.labels:
            dashboards.append(issue)
    accounts = tuple(
        sorted((_account(policy, i) for i in playbooks.values()), key=lambda a: (a.key, a.iid))
    )
    ledger.sort(key=lambda e: (e.note_id, e.index))
    return World(
        policy=policy,
        requests=tuple(requests),
        accounts=accounts,
        playbooks=playbooks,
        fallbacks=fallbacks,
        ledger=tuple(ledger),
        dashboard=min(dashboards, key=lambda i: (not i.is_open, i.iid), default=None),
        issues=snapshot.by_iid(),
    )
