"""The rules: who is out, what each request needs, who covers which account.

``evaluate(world, ledger, today)`` is pure and deterministic: the same world and ledger always give
the same evaluation. Requests are judged in the order they were opened (rule 1 of the spec).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from .holidays_cal import holiday_name, holidays_in, working_days
from .policy import Policy
from .request import PtoRequest
from .world import (
    Account,
    LedgerEntry,
    RequestIssue,
    World,
    account_key,
    needs_named_backup,
    weight,
)

How = Literal["pod", "hand-picked", "volunteer", "assigned"]


class Status(StrEnum):
    NEEDS_INFO = "needs-info"
    CANCELLED = "cancelled"
    DENIED = "denied"
    NEEDS_APPROVAL = "needs-approval"
    ACTIVE = "active"


@dataclass(frozen=True)
class Cover:
    account: Account
    backup: str | None
    how: How | None
    fallback: bool  # the pod could not take it: it belongs on the fallback request
    holidays: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class Decisions:
    """What the ledger (commands already read) says about one request."""

    approved: tuple[str, str] | None = None  # the dates approved
    denied: tuple[str, str, str] | None = None  # dates and reason
    manual: dict[str, tuple[str, How]] = field(default_factory=dict)  # account key -> (user, how)


@dataclass(eq=False)
class Evaluated:
    req: RequestIssue
    status: Status
    problems: list[str] = field(default_factory=list)
    counted: bool = False  # counts as "out" for everyone else
    count: int = 0
    peak_days: list[date] = field(default_factory=list)
    daily: dict[date, int] = field(default_factory=dict)
    overlapping: list[str] = field(default_factory=list)  # others out during the period
    pod: str | None = None
    pod_covers: bool = False
    covers: list[Cover] = field(default_factory=list)
    global_support: list[Account] = field(default_factory=list)
    decisions: Decisions = field(default_factory=Decisions)
    return_day: date | None = None

    @property
    def iid(self) -> int:
        return self.req.iid

    @property
    def request(self) -> PtoRequest:
        assert self.req.request is not None
        return self.req.request

    @property
    def uncovered(self) -> list[Cover]:
        return [c for c in self.covers if c.backup is None]

    @property
    def fallback_covers(self) -> list[Cover]:
        return [c for c in self.covers if c.fallback]

    @property
    def backups(self) -> list[str]:
        return sorted({c.backup for c in self.covers if c.backup})


@dataclass
class Evaluation:
    today: date
    requests: list[Evaluated]
    fallback_days: dict[str, dict[int, int]]  # engineer -> year -> working days of fallback cover

    def get(self, iid: int) -> Evaluated | None:
        return next((e for e in self.requests if e.iid == iid), None)

    def fallback_weeks(self, username: str, year: int) -> float:
        return self.fallback_days.get(username, {}).get(year, 0) / 5

    def absence(self, user: str, start: date, end: date) -> Evaluated | None:
        """The request that has ``user`` out during ``start``–``end``, if any."""
        return next(
            (
                e
                for e in self.requests
                if e.counted
                and e.request.engineer == user
                and e.request.start <= end
                and start <= e.request.end
            ),
            None,
        )

    def out_on(self, day: date) -> list[Evaluated]:
        return [e for e in self.requests if e.counted and e.request.start <= day <= e.request.end]


def fold_ledger(ledger: tuple[LedgerEntry, ...]) -> dict[int, Decisions]:
    approved: dict[int, tuple[str, str]] = {}
    denied: dict[int, tuple[str, str, str]] = {}
    manual: dict[int, dict[str, tuple[str, How]]] = defaultdict(dict)
    for entry in ledger:
        if not entry.ok or entry.request is None:
            continue
        req = entry.request
        if entry.verb == "approve" and entry.start and entry.end:
            approved[req] = (entry.start, entry.end)
            denied.pop(req, None)
        elif entry.verb == "deny" and entry.start and entry.end:
            denied[req] = (entry.start, entry.end, entry.reason or "")
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


def _dates(req: PtoRequest) -> tuple[str, str]:
    return (req.start.isoformat(), req.end.isoformat())


def overlaps(a: PtoRequest, b: PtoRequest) -> bool:
    return a.start <= b.end and b.start <= a.end


class _Judge:
    """Carries the running state of one evaluation (loads, who is out) through the requests."""

    def __init__(self, world: World, ledger: tuple[LedgerEntry, ...], today: date) -> None:
        self.world = world
        self.policy: Policy = world.policy
        self.today = today
        self.decisions = fold_ledger(ledger)
        self.weekdays = self.policy.working_weekdays
        self.loads: dict[str, list[tuple[date, date, float]]] = defaultdict(list)
        self.out: list[Evaluated] = []

    # -- rule 1: counts and status ---------------------------------------------------------------
    def judge(self, req: RequestIssue) -> Evaluated:
        decisions = self.decisions.get(req.iid, Decisions())
        if req.request is None:
            problems = [p.message for p in req.parsed.problems]
            return Evaluated(req, Status.NEEDS_INFO, problems=problems, decisions=decisions)
        r = req.request
        issue = req.issue
        cancelled = self.policy.labels.cancelled in issue.labels or (
            not issue.is_open and issue.closed_at is not None and issue.closed_at.date() < r.start
        )
        ev = Evaluated(req, Status.ACTIVE, decisions=decisions)
        ev.return_day = self.return_day(r)
        if cancelled:
            ev.status = Status.CANCELLED
            return ev
        if decisions.denied and decisions.denied[:2] == _dates(r):
            ev.status = Status.DENIED
            return ev
        self.count(ev)
        approved = decisions.approved == _dates(r)
        if ev.count >= self.policy.thresholds.approval and r.kind == "planned" and not approved:
            ev.status = Status.NEEDS_APPROVAL
        ev.counted = True
        self.out.append(ev)
        return ev

    def count(self, ev: Evaluated) -> None:
        r = ev.request
        others = [o for o in self.out if overlaps(o.request, r)]
        for day in working_days(r.start, r.end, self.weekdays):
            people = {r.engineer} | {
                o.request.engineer for o in others if o.request.start <= day <= o.request.end
            }
            ev.daily[day] = len(people)
        ev.count = max(ev.daily.values(), default=1)
        ev.peak_days = [d for d, n in ev.daily.items() if n == ev.count]
        ev.overlapping = sorted({o.request.engineer for o in others} - {r.engineer})

    def return_day(self, r: PtoRequest) -> date:
        person = self.policy.engineers.get(r.engineer)
        day = r.end + timedelta(days=1)
        for _ in range(30):
            holiday = person and holiday_name(person.country, person.subdivision, day)
            if day.weekday() in self.weekdays and not holiday:
                return day
            day += timedelta(days=1)
        return day

    # -- availability and load -------------------------------------------------------------------
    def available(self, user: str, r: PtoRequest) -> bool:
        return user in self.policy.engineers and not any(
            o.request.engineer == user and overlaps(o.request, r) for o in self.out
        )

    def load(self, user: str, r: PtoRequest) -> float:
        return sum(w for s, e, w in self.loads[user] if s <= r.end and r.start <= e)

    def holidays(self, user: str, r: PtoRequest) -> tuple[tuple[date, str], ...]:
        person = self.policy.engineers.get(user)
        if person is None:
            return ()
        return tuple(holidays_in(person.country, person.subdivision, r.start, r.end, self.weekdays))

    def take(
        self, ev: Evaluated, account: Account, user: str | None, how: How | None, fallback: bool
    ) -> None:
        r = ev.request
        hol = self.holidays(user, r) if user else ()
        ev.covers.append(Cover(account, user, how, fallback, hol))
        if user:
            self.loads[user].append((r.start, r.end, weight(self.policy, account)))

    # -- rules 2-4: who covers -------------------------------------------------------------------
    def pod_covers(self, ev: Evaluated) -> tuple[str | None, list[str]]:
        """The request's pod and the members who can cover, or [] when the pod cannot."""
        r = ev.request
        found = self.policy.pod_of(r.engineer, r.start)
        if found is None:
            return None, []
        name, pod = found
        worst = 1
        for day in working_days(r.start, r.end, self.weekdays):
            out = {r.engineer} | {
                o.request.engineer
                for o in self._opened_before(ev)
                if o.request.engineer in pod.members and o.request.start <= day <= o.request.end
            }
            worst = max(worst, len(out))
        if worst >= self.policy.coverage.pod_out_limit:
            return name, []
        return name, [m for m in pod.members if m != r.engineer and self.available(m, r)]

    def _opened_before(self, ev: Evaluated) -> list[Evaluated]:
        index = next(i for i, o in enumerate(self.out) if o is ev)
        return self.out[:index]

    def keep_decided(self, ev: Evaluated, named: list[Account], pool: list[str]) -> list[Account]:
        """Manual assignments and still-valid earlier pod assignments; returns the rest."""
        r = ev.request
        previous = {account_key(k): v for k, v in ev.req.previous_assignment().items()}
        rest = []
        for account in named:
            manual = ev.decisions.manual.get(account.key)
            if manual and manual[0] != r.engineer and self.available(manual[0], r):
                self.take(ev, account, manual[0], manual[1], fallback=True)
                continue
            before = previous.get(account.key)
            if before and before in pool:
                self.take(ev, account, before, "pod", fallback=False)
                continue
            rest.append(account)
        return rest

    def assign_from_pod(self, ev: Evaluated, rest: list[Account], pool: list[str]) -> None:
        r = ev.request
        capacity = self.policy.coverage.capacity_hours_per_week
        for account in sorted(rest, key=lambda a: (a.model != "auto-assigned", a.key)):
            w = weight(self.policy, account)
            options = [c for c in pool if self.load(c, r) + w <= capacity]
            if not options:
                self.take(ev, account, None, None, fallback=True)
                continue
            best = min(options, key=lambda c: (bool(self.holidays(c, r)), self.load(c, r), c))
            self.take(ev, account, best, "pod", fallback=False)

    def hand_picked(self, ev: Evaluated, named: list[Account]) -> None:
        r = ev.request
        mine = {a.key: a for a in self.world.accounts_of(r.engineer)}
        explicit: dict[str, str] = {}
        general: list[str] = []
        for choice in r.backups:
            if not self.available(choice.username, r):
                ev.problems.append(
                    f"Backups: @{choice.username} is out during {r.start} – {r.end}; "
                    "choose someone who is available for the whole period"
                )
            if choice.account is None:
                general.append(choice.username)
            elif account_key(choice.account) not in mine:
                names = ", ".join(a.name for a in mine.values()) or "none"
                ev.problems.append(
                    f"Backups: {choice.account!r} is not one of @{r.engineer}'s accounts "
                    f"(playbooks: {names}); use the playbook title"
                )
            else:
                explicit[account_key(choice.account)] = choice.username
        for account in sorted(named, key=lambda a: (a.model != "auto-assigned", a.key)):
            user = explicit.get(account.key)
            if user is None and general:
                user = min(general, key=lambda u: (self.load(u, r), u))
            if user is None:
                ev.problems.append(
                    f"Backups: nobody named for {account.name!r} ({account.priority} priority, "
                    f"{account.model}); add `@user {account.name}` to the Backups field"
                )
            self.take(ev, account, user, "hand-picked" if user else None, fallback=False)


def evaluate(world: World, ledger: tuple[LedgerEntry, ...], today: date) -> Evaluation:
    judge = _Judge(world, ledger, today)
    policy = world.policy
    evaluated = [judge.judge(req) for req in world.requests]
    active = [e for e in evaluated if e.status is Status.ACTIVE]
    plans: list[tuple[Evaluated, list[Account], list[str]]] = []
    for ev in active:
        accounts = world.accounts_of(ev.request.engineer)
        named = [a for a in accounts if needs_named_backup(policy, a)]
        ev.global_support = [a for a in accounts if not needs_named_backup(policy, a)]
        if policy.coverage.mode == "hand-picked" or ev.request.backups:
            judge.hand_picked(ev, named)
            if ev.problems:
                ev.status = Status.NEEDS_INFO
            continue
        ev.pod, pool = judge.pod_covers(ev)
        ev.pod_covers = bool(pool)
        plans.append((ev, judge.keep_decided(ev, named, pool), pool))
    for ev, rest, pool in plans:
        judge.assign_from_pod(ev, rest, pool)
        ev.covers.sort(key=lambda c: (c.account.model != "auto-assigned", c.account.key))
    return Evaluation(today, evaluated, _fallback_days(evaluated, policy))


def _fallback_days(evaluated: list[Evaluated], policy: Policy) -> dict[str, dict[int, int]]:
    days: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for ev in evaluated:
        if ev.status is not Status.ACTIVE:
            continue
        r = ev.request
        people = {c.backup for c in ev.covers if c.fallback and c.backup}
        for day in working_days(r.start, r.end, policy.working_weekdays):
            for person in people:
                days[person][day.year] += 1
    return {k: dict(v) for k, v in days.items()}
