"""Rules 2, 3 and 10 of SPEC: who covers which account while its engineer is out, on which days.

- **Which accounts need a named backup** (``coverage.named_backup``): high priority or
  auto-assigned by default; the others are left to Global Support.
- **Pod coverage** (rule 2): the pod in force on the start date covers on the days fewer than
  ``coverage.pod_out_limit`` of it are out together. A member free for part of the period covers
  that part (rule 10); one free for the whole of what is left is preferred, and a backup with a
  public holiday in the period is avoided when another is free. Load is balanced in hours per
  week (``coverage.hours_per_week``, auto-assigned weighing more; two covers load a backup
  together only on the working days they share) against ``coverage.capacity_hours_per_week``
  (null: no cap, as a buddy covering the whole book). Ties break by username. An announced
  assignment, and one made by command, stays on its days while it is valid; a backup who
  declined an account never gets it again on that request.
- **Hand-picked backups** (rule 3, the classic workflow): :mod:`.hand_picked`.

The days nobody can cover are one fallback cover per account (the fallback request asks for
them). The functions take the running state (who is out, who carries what) explicitly and
return frozen :class:`~pto_bot.rules.evaluation.Cover` rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from ..domain.accounts import Account, account_key
from ..domain.calendar import holidays_in
from ..domain.ledger import Decisions, How, Manual, Span
from ..domain.policy import Pod, Policy
from ..domain.request_form import PtoRequest
from .counting import OutIndex, days_off
from .evaluation import Cover

Days = frozenset[date]
Left = tuple[Account, Days]  # an account and its days nobody covers yet


def needs_named_backup(policy: Policy, account: Account) -> bool:
    rule = policy.coverage.named_backup
    return (
        rule.all_accounts
        or account.priority in rule.priorities
        or account.model in rule.coverage_models
    )


def weight(policy: Policy, account: Account) -> float:
    """The hours a week a backup is expected to spend on ``account``."""
    hours = policy.coverage.hours_per_week
    if account.model == "auto-assigned":
        return hours.get("auto-assigned", 4.0)
    return hours.get("named", 2.0)


def cover_order(account: Account) -> tuple[bool, str]:
    """Auto-assigned accounts first (they weigh most), then by name."""
    return (account.model != "auto-assigned", account.key)


class Backups:
    """The running state of coverage: who is out, who carries which hours on which days."""

    def __init__(self, policy: Policy, out: OutIndex) -> None:
        self.policy = policy
        self.out = out
        self._loads: dict[str, list[tuple[Days, float]]] = defaultdict(list)
        self._holidays: dict[tuple[str, date, date], tuple[tuple[date, str], ...]] = {}
        self._days: dict[tuple[str, date, date], Days] = {}

    def days(self, r: PtoRequest) -> Days:
        """The working days ``r`` needs covering: its engineer's days off."""
        key = (r.engineer, r.start, r.end)
        if key not in self._days:
            self._days[key] = frozenset(days_off(self.policy, r))
        return self._days[key]

    def free(self, user: str, days: Iterable[date]) -> Days:
        """The ones of ``days`` ``user`` (on the roster) is not out on."""
        if user not in self.policy.engineers:
            return frozenset()
        return frozenset(d for d in days if not self.out.is_out_on(user, (d,)))

    def load(self, user: str, days: Iterable[date]) -> float:
        """The hours a week ``user`` already carries on ``days``."""
        wanted = frozenset(days)
        return sum(w for covered, w in self._loads[user] if covered & wanted)

    def holidays(self, user: str, r: PtoRequest) -> tuple[tuple[date, str], ...]:
        key = (user, r.start, r.end)
        if key not in self._holidays:
            person = self.policy.engineers.get(user)
            found = (
                holidays_in(
                    person.country, person.subdivision, r.start, r.end, self.policy.working_weekdays
                )
                if person is not None
                else []
            )
            self._holidays[key] = tuple(found)
        return self._holidays[key]

    def take(
        self,
        r: PtoRequest,
        account: Account,
        user: str | None,
        how: How | None,
        fallback: bool,
        days: Iterable[date] | None = None,
    ) -> Cover:
        """``user`` covers ``account`` on ``days`` (default: every working day off of ``r``)."""
        mine = self.days(r) if days is None else frozenset(days)
        ordered = tuple(sorted(mine))
        if user is None:
            return Cover(account, None, None, fallback, days=ordered)
        self._loads[user].append((mine, weight(self.policy, account)))
        first, last = (ordered[0], ordered[-1]) if ordered else (r.start, r.end)
        holidays = tuple(h for h in self.holidays(user, r) if first <= h[0] <= last)
        return Cover(account, user, how, fallback, holidays, ordered)


class Trial(Backups):
    """``base`` as it stands, plus what one trial assignment adds; ``base`` is left as it is."""

    def __init__(self, base: Backups) -> None:
        self.policy, self.out = base.policy, base.out
        self._holidays, self._days = base._holidays, base._days
        self._base = base
        self._loads = defaultdict(list)

    def load(self, user: str, days: Iterable[date]) -> float:
        wanted = frozenset(days)
        return self._base.load(user, wanted) + super().load(user, wanted)


# -- rule 2: the pod ----------------------------------------------------------------------------
def pod_days(pod: Pod, engineer: str, days: Iterable[date], out: OutIndex, limit: int) -> Days:
    """The ones of ``days`` the pod can cover: fewer than ``limit`` of it out together
    (``engineer`` included), among ``out``."""
    members = set(pod.members)
    return frozenset(d for d in days if len((out.out_on(d) & members) | {engineer}) < limit)


def pod_pool(pod: Pod, r: PtoRequest, days: Days, backups: Backups) -> list[str]:
    """The members who can cover part of ``days`` (the days the pod covers)."""
    return [m for m in pod.members if m != r.engineer and backups.free(m, days)]


def by_command(
    r: PtoRequest,
    account: Account,
    left: Days,
    entries: Sequence[Manual],
    backups: Backups,
    fallback: bool | None = True,
) -> tuple[list[Cover], Days]:
    """The covers taken by command (volunteer, assign) on ``left``, each on its days when its
    holder is free on all of them; and the days still left. ``fallback``: whether they count as
    fallback cover (None: volunteers do, assignments do not)."""
    covers = []
    for entry in entries:
        wanted = frozenset(d for d in left if entry.covers(d))
        if entry.user == r.engineer or not wanted or backups.free(entry.user, wanted) != wanted:
            continue
        counted = entry.how == "volunteer" if fallback is None else fallback
        covers.append(backups.take(r, account, entry.user, entry.how, counted, wanted))
        left -= wanted
    return covers, left


def announced(value: str | Sequence[Sequence[str]]) -> list[tuple[str, tuple[Span, ...] | None]]:
    """An account's pod backups as a coverage note recorded them: one name (the whole request),
    or ``[backup, first, last]`` stretches."""
    if isinstance(value, str):
        return [(value, None)]
    found: dict[str, list[Span]] = {}
    for item in value:
        try:
            backup, first, last = item
            found.setdefault(str(backup), []).append(
                (date.fromisoformat(str(first)), date.fromisoformat(str(last)))
            )
        except (TypeError, ValueError):
            continue  # a stretch that does not read: assigned afresh
    return [(b, tuple(s)) for b, s in found.items()]


def keep_decided(
    r: PtoRequest,
    named: Iterable[Account],
    pool: list[str],
    pod_open: Days,
    previous: Mapping[str, str | Sequence[Sequence[str]]],
    decisions: Decisions,
    backups: Backups,
) -> tuple[list[Cover], list[Left]]:
    """Assignments made by command and still-valid announced pod assignments, each on its days;
    and each account's days still left."""
    previous = {account_key(k): v for k, v in previous.items()}
    kept: list[Cover] = []
    rest: list[Left] = []
    for account in named:
        manual = decisions.manual.get(account.key, ())
        covers, left = by_command(r, account, backups.days(r), manual, backups)
        for backup, stretches in announced(previous.get(account.key, ())):
            if backup not in pool or decisions.declined_by(account.name, backup):
                continue
            days = frozenset(d for d in left & pod_open if stretches is None or _in(d, stretches))
            if days and backups.free(backup, days) == days:  # out on one of them: invalid
                covers.append(backups.take(r, account, backup, "pod", False, days))
                left -= days
        kept += covers
        if left:
            rest.append((account, left))
    return kept, rest


def _in(day: date, stretches: Iterable[Span]) -> bool:
    return any(a <= day <= b for a, b in stretches)


def assign_from_pod(
    r: PtoRequest,
    rest: Iterable[Left],
    pool: list[str],
    pod_open: Days,
    decisions: Decisions,
    backups: Backups,
) -> list[Cover]:
    """For each account's days left, on the days the pod covers: the free member who can take
    the most of them, the least loaded within capacity; what nobody takes goes to the fallback
    request."""
    capacity = backups.policy.coverage.capacity_hours_per_week
    covers = []
    for account, days in sorted(rest, key=lambda item: cover_order(item[0])):
        w = weight(backups.policy, account)
        left = set(days)
        candidates = [m for m in pool if not decisions.declined_by(account.name, m)]
        while left & pod_open:
            options = []
            for member in candidates:
                free = backups.free(member, left & pod_open)
                if free and (capacity is None or backups.load(member, free) + w <= capacity):
                    options.append((member, free))
            if not options:
                break
            member, free = min(
                options,
                key=lambda o: (
                    -len(o[1]),
                    bool(backups.holidays(o[0], r)),
                    backups.load(o[0], o[1]),
                    o[0],
                ),
            )
            covers.append(backups.take(r, account, member, "pod", False, free))
            left -= free
        if left:
            covers.append(backups.take(r, account, None, None, True, left))
    return covers
