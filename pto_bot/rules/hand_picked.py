"""Rule 3 of SPEC (the classic workflow): backups hand-picked in the request's ``Backups:``
field, validated instead of assigned: known engineer, free during the period, every account
that needs one covered. A backup free for part of the period covers that part and the fallback
request asks for the rest (rule 10); one out for all of it is a problem to fix. An account the
manager or a pod lead assigned by command goes to that person instead; one whose hand-picked
backup declined goes to the fallback request."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain.accounts import Account, account_key
from ..domain.ledger import Decisions, How
from ..domain.problems import Code, Problem, problem
from ..domain.request_form import PtoRequest
from .coverage import Backups, Days, by_command, cover_order
from .evaluation import Cover


def hand_picked(
    r: PtoRequest,
    named: Iterable[Account],
    mine: Iterable[Account],
    decisions: Decisions,
    backups: Backups,
) -> tuple[list[Cover], list[Problem]]:
    """The covers the ``Backups:`` field names, and what is wrong with it. An account the
    manager or a pod lead assigned by command goes to that person instead; one whose backup
    declined goes to the fallback request."""
    by_key = {a.key: a for a in mine}
    everything = backups.days(r)
    named = sorted(named, key=cover_order)
    problems: list[Problem] = []
    explicit: dict[str, str] = {}
    general: list[str] = []
    taken: dict[str, tuple[list[Cover], Days]] = {
        a.key: by_command(r, a, everything, decisions.manual.get(a.key, ()), backups, None)
        for a in named
    }
    named_by_choice = {account_key(c.account) for c in r.backups if c.account is not None}
    left_to_general = [a for a in named if a.key not in named_by_choice]
    for choice in r.backups:
        # a backup no longer needed (their accounts taken by command, or declined) is not checked
        accounts = (
            [by_key[account_key(choice.account)]]
            if choice.account is not None and account_key(choice.account) in by_key
            else left_to_general
            if choice.account is None
            else []
        )
        needed = any(
            taken[a.key][1] and not decisions.declined_by(a.name, choice.username)
            for a in accounts
            if a.key in taken
        )
        if (needed or not accounts) and not backups.free(choice.username, everything):
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
        manual, left = taken[account.key]
        covers += manual
        if not left:
            continue
        if account.key in explicit:
            chosen: str | None = explicit[account.key]
            declined = decisions.declined_by(account.name, explicit[account.key])
        else:
            willing = [u for u in general if not decisions.declined_by(account.name, u)]
            free = [u for u in willing if backups.free(u, left)] or willing
            chosen = (
                min(free, key=lambda u: (-len(backups.free(u, left)), backups.load(u, left), u))
                if free
                else None
            )
            declined = bool(general) and not willing
        if declined:  # the backup said no: the fallback request asks for volunteers
            covers.append(backups.take(r, account, None, None, True, left))
            continue
        part = backups.free(chosen, left) if chosen is not None else frozenset()
        if part and part != left:  # free for part of it: the rest to the fallback request
            covers.append(backups.take(r, account, chosen, "hand-picked", False, part))
            covers.append(backups.take(r, account, None, None, True, left - part))
            continue
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
        how: How | None = "hand-picked" if chosen else None
        covers.append(backups.take(r, account, chosen, how, False, left))
    return covers, problems
