"""Rules 2 and 3 of SPEC: who covers which account while its engineer is out.

- **Which accounts need a named backup** (``coverage.named_backup``): high priority or
  auto-assigned by default; the others are left to Global Support.
- **Pod coverage** (rule 2): the pod in force on the start date covers, unless
  ``coverage.pod_out_limit`` of it are out together. Backups must be free for the whole period;
  a backup with a public holiday in it is avoided when another is free. Load is balanced in hours
  per week (``coverage.hours_per_week``, auto-assigned weighing more; two periods load a backup
  together only on the working days they share, public holidays excluded) against
  ``coverage.capacity_hours_per_week`` (null: no cap, as a buddy covering the whole book).
  Ties break by username. An announced assignment, and one
  made by command, stays while it is valid.
- **Hand-picked backups** (rule 3, the classic workflow): the ``Backups:`` field is validated
  instead: known engineer, free for the whole period, every account that needs one covered.

The functions take the running state (who is out, who carries what) explicitly and return
frozen :class:`~pto_bot.rules.evaluation.Cover` rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

from ..domain.accounts import Account, account_key
from ..domain.calendar import holidays_in
from ..domain.ledger import Decisions, How
from ..domain.policy import Pod, Policy
from ..domain.problems import Code, Problem, problem
from ..domain.request_form import PtoRequest
from .counting import OutIndex, days_off
from .evaluation import Cover


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
    """The running state of coverage: who is out, who carries which hours in which period."""

    def __init__(self, policy: Policy, out: OutIndex) -> None:
        self.policy = policy
        self.out = out
        self._loads: dict[str, list[tuple[frozenset[date], float]]] = defaultdict(list)
        self._holidays: dict[tuple[str, date, date], tuple[tuple[date, str], ...]] = {}
        self._days: dict[tuple[str, date, date], frozenset[date]] = {}

    def days(self, r: PtoRequest) -> frozenset[date]:
        """The working days ``r`` needs covering: its engineer's days off."""
        key = (r.engineer, r.start, r.end)
        if key not in self._days:
            self._days[key] = frozenset(days_off(self.policy, r))
        return self._days[key]

    def available(self, user: str, r: PtoRequest) -> bool:
        """On the roster and not out on a working day of ``r``."""
        return user in self.policy.engineers and not self.out.is_out_on(user, self.days(r))

    def load(self, user: str, r: PtoRequest) -> float:
        """The hours a week ``user`` already carries on working days of ``r``."""
        days = self.days(r)
        return sum(w for covered, w in self._loads[user] if covered & days)

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
        self, r: PtoRequest, account: Account, user: str | None, how: How | None, fallback: bool
    ) -> Cover:
        if user is None:
            return Cover(account, None, None, fallback)
        self._loads[user].append((self.days(r), weight(self.policy, account)))
        return Cover(account, user, how, fallback, self.holidays(user, r))


class Trial(Backups):
    """``base`` as it stands, plus what one trial assignment adds; ``base`` is left as it is."""

    def __init__(self, base: Backups) -> None:
        self.policy, self.out = base.policy, base.out
        self._holidays, self._days = base._holidays, base._days
        self._base = base
        self._loads = defaultdict(list)

    def load(self, user: str, r: PtoRequest) -> float:
        return self._base.load(user, r) + super().load(user, r)


# -- rule 2: the pod ----------------------------------------------------------------------------
def pod_out_peak(pod: Pod, engineer: str, days: Iterable[date], out: OutIndex) -> int:
    """The most of ``pod`` out on one of ``days`` (``engineer`` included), among ``out``."""
    members = set(pod.members)
    return max(
        (len((out.out_on(day) & members) | {engineer}) for day in days),
        default=1,
    )


def pod_pool(policy: Policy, pod: Pod, r: PtoRequest, pod_peak: int, backups: Backups) -> list[str]:
    """The members who can cover ``r``: [] when the pod is too short-handed to cover."""
    if pod_peak >= policy.coverage.pod_out_limit:
        return []
    return [m for m in pod.members if m != r.engineer and backups.available(m, r)]


def keep_decided(
    r: PtoRequest,
    named: Iterable[Account],
    pool: list[str],
    previous: Mapping[str, str],
    decisions: Decisions,
    backups: Backups,
) -> tuple[list[Cover], list[Account]]:
    """Assignments made by command and still-valid announced pod assignments; and the rest."""
    previous = {account_key(k): v for k, v in previous.items()}
    kept: list[Cover] = []
    rest: list[Account] = []
    for account in named:
        manual = decisions.manual.get(account.key)
        if manual and manual[0] != r.engineer and backups.available(manual[0], r):
            kept.append(backups.take(r, account, manual[0], manual[1], fallback=True))
            continue
        before = previous.get(account.key)
        if before and before in pool:
            kept.append(backups.take(r, account, before, "pod", fallback=False))
            continue
        rest.append(account)
    return kept, rest


def assign_from_pod(
    r: PtoRequest, rest: Iterable[Account], pool: list[str], backups: Backups
) -> list[Cover]:
    """The least-loaded free pod member for each account, within capacity; else fallback."""
    capacity = backups.policy.coverage.capacity_hours_per_week
    covers = []
    for account in sorted(rest, key=cover_order):
        w = weight(backups.policy, account)
        options = [c for c in pool if capacity is None or backups.load(c, r) + w <= capacity]
        if not options:
            covers.append(backups.take(r, account, None, None, fallback=True))
            continue
        best = min(options, key=lambda c: (bool(backups.holidays(c, r)), backups.load(c, r), c))
        covers.append(backups.take(r, account, best, "pod", fallback=False))
    return covers


# -- rule 3: hand-picked backups ----------------------------------------------------------------
def hand_picked(
    r: PtoRequest,
    named: Iterable[Account],
    mine: Iterable[Account],
    decisions: Decisions,
    backups: Backups,
) -> tuple[list[Cover], list[Problem]]:
    """The covers the ``Backups:`` field names, and what is wrong with it. An account the
    manager or a pod lead assigned by command goes to that person instead."""
    by_key = {a.key: a for a in mine}
    manual = {
        key: (user, how)
        for key, (user, how) in decisions.manual.items()
        if user != r.engineer and backups.available(user, r)
    }
    named = sorted(named, key=cover_order)
    problems: list[Problem] = []
    explicit: dict[str, str] = {}
    general: list[str] = []
    named_by_choice = {account_key(c.account) for c in r.backups if c.account is not None}
    left_to_general = [a for a in named if a.key not in named_by_choice]
    for choice in r.backups:
        # a backup whose accounts were all assigned to someone else by command is not needed
        replaced = (
            account_key(choice.account) in manual
            if choice.account is not None
            else bool(left_to_general) and all(a.key in manual for a in left_to_general)
        )
        if not replaced and not backups.available(choice.username, r):
            problems.append(
                problem(
                    "Backups",
                    f"Backups: {{0}} is out during {r.start} – {r.end}; "
                    "choose someone who is available for the whole period",
                    f"@{choice.username}",
                )
            )
        if choice.account is None:
            general.append(choice.username)
        elif account_key(choice.account) not in by_key:
            names = ", ".join(a.name for a in by_key.values()) or "none"
            problems.append(
                problem(
                    "Backups",
                    "Backups: {0} is not one of {1}'s accounts (playbooks: {2}); "
                    "use the playbook title",
                    repr(choice.account),
                    f"@{r.engineer}",
                    names,
                )
            )
        else:
            explicit[account_key(choice.account)] = choice.username
    covers = []
    for account in named:
        if account.key in manual:
            user, how = manual[account.key]
            covers.append(backups.take(r, account, user, how, fallback=False))
            continue
        chosen = explicit.get(account.key)
        if chosen is None and general:
            chosen = min(general, key=lambda u: (backups.load(u, r), u))
        if chosen is None:
            problems.append(
                problem(
                    "Backups",
                    f"Backups: nobody named for {{0}} ({account.priority} priority, "
                    f"{account.model}); add {{1}} to the Backups field",
                    repr(account.name),
                    Code(f"@user {account.name}"),
                )
            )
        covers.append(backups.take(r, account, chosen, "hand-picked" if chosen else None, False))
    return covers, problems
