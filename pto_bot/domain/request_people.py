"""The people in a PTO request: the engineer who is out and the hand-picked backups.

Usernames are looked up on the roster case-insensitively and answered in the roster's spelling;
every problem names the field and the form expected (``@user Account name; ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .problems import Problem, problem
from .request_fields import plain_value, shown, unwrap_backticks
from .usernames import Roster

_SPELLING = "check the spelling of the GitLab username of the engineer who is out"
_EXAMPLE = "`@dbass90 Acme Corp; @andsmith3 Initech`"
_USER = r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?"  # GitLab: no trailing '.' or '-'
_MENTION = re.compile(rf"@({_USER})")
_BACKUP_ENTRY = re.compile(rf"^(?P<at>@?)(?P<user>{_USER})(?P<rest>.*)$", re.DOTALL)
_OPTIONAL_HINT = re.compile(r"\(optional\b[^()]*+\)\s*+$", re.IGNORECASE)
_NOTHING = frozenset({"", "none", "-", "n/a", "na", "no"})  # an optional field left empty


@dataclass(frozen=True)
class BackupChoice:
    username: str  # without '@'
    account: str | None  # None: covers all the engineer's accounts not named elsewhere


def _usernames(value: str) -> list[str]:
    """The users a value names: its @mentions, else its comma-separated parts (hint dropped)."""
    if plain_value(value).lower() in _NOTHING:
        return []
    mentions: list[str] = _MENTION.findall(value)
    found = mentions or [part.strip() for part in plain_value(value).split(",") if part.strip()]
    unique: dict[str, str] = {}
    for name in found:
        unique.setdefault(name.lower(), name)
    return list(unique.values())


def resolve_engineer(
    raw: str | None, author: str, team: Roster, problems: list[Problem]
) -> str | None:
    """The engineer the field names, or the issue's author when it is empty."""
    names = _usernames((raw or "").replace("`", ""))
    if not names:
        return _engineer_from_author(author, team, problems)
    if len(names) > 1:
        listed = ", ".join(f"@{name}" for name in names)
        problems.append(
            problem(
                "Engineer",
                f"Engineer names {len(names)} people ({{0}}); one engineer per request: "
                "open a separate request for each",
                listed,
            )
        )
        return None
    engineer = team.find(names[0])
    if engineer is None:
        problems.append(_off_roster("Engineer", names[0], _SPELLING))
    return engineer


def _engineer_from_author(author: str, team: Roster, problems: list[Problem]) -> str | None:
    author = author.removeprefix("@") if isinstance(author, str) else ""
    engineer = team.find(author)
    if engineer is None:
        who = f"the issue author @{author}" if author else "the issue author"
        problems.append(
            problem(
                "Engineer",
                "Engineer is not filled in and {0} is not on the team roster in policy.yaml; "
                "write the engineer who is out as `- **Engineer:** @username`",
                who,
            )
        )
    return engineer


def _off_roster(name: str, username: str, hint: str) -> Problem:
    if not re.fullmatch(_USER, username):
        text = f"{name}: {{0}} is not a GitLab username; write it as `@username`"
        return problem(name, text, shown(username))
    text = f"{name}: {{0}} is not on the team roster in policy.yaml; {hint}"
    return problem(name, text, f"@{username}")


# -- backups -------------------------------------------------------------------------------------
def parse_backups(
    raw: str | None, team: Roster, engineer: str | None, problems: list[Problem]
) -> tuple[BackupChoice, ...]:
    value = _OPTIONAL_HINT.sub("", unwrap_backticks(raw or "")).strip()
    if value.lower() in _NOTHING:
        return ()
    found: list[Problem] = []
    choices: list[BackupChoice] = []
    for entry in (part.replace("`", "").strip() for part in value.split(";")):
        if entry:
            choices.extend(_backup_entry(entry, team, engineer, found))
    found.extend(_accounts_named_twice(choices))
    problems.extend(found)
    return () if found else tuple(choices)


def _backup_entry(
    entry: str, team: Roster, engineer: str | None, problems: list[Problem]
) -> list[BackupChoice]:
    match = _BACKUP_ENTRY.match(entry)
    if match is None or not (match["at"] or team.find(match["user"])):
        problems.append(
            problem(
                "Backups",
                "Backups: {0} does not start with a username; write each backup "
                "as `@user Account name`, separated by `;`",
                shown(entry),
            )
        )
        return []
    rest = match["rest"].strip()
    users = [match["user"], *_listed_users(rest, team)]
    if len(users) > 1:
        return [c for u in users if (c := _backup(u, None, team, engineer, problems))]
    account = _account_name(rest)
    if account and _MENTION.search(account):
        problems.append(
            problem(
                "Backups",
                "Backups: {0} names another user inside an account name; separate "
                f"backups with `;`, e.g. {_EXAMPLE}",
                shown(entry),
            )
        )
        return []
    choice = _backup(match["user"], account or None, team, engineer, problems)
    return [choice] if choice else []


def _listed_users(rest: str, team: Roster) -> list[str]:
    """More users after the first (``@a, @b`` or ``a b`` of roster names), else nothing."""
    tokens = [token for token in re.split(r"[\s,]+", rest) if token]
    if not all(token.startswith("@") or team.find(token) for token in tokens):
        return []
    return [token.removeprefix("@") for token in tokens]


def _account_name(rest: str) -> str:
    """``Acme Corp`` from ``Acme Corp``, ``: Acme Corp``, ``- Acme Corp`` or ``(Acme Corp)``."""
    if rest.startswith("(") and rest.endswith(")"):
        return rest[1:-1].strip()
    return rest.lstrip(":,-–—").strip()


def _backup(
    username: str, account: str | None, team: Roster, engineer: str | None, problems: list[Problem]
) -> BackupChoice | None:
    backup = team.find(username)
    if backup is None:
        hint = "choose backups from the roster, e.g. `@dbass90 Acme Corp`"
        problems.append(_off_roster("Backups", username, hint))
        return None
    if backup == engineer:
        problems.append(
            problem(
                "Backups",
                "Backups: {0} is the engineer taking this PTO and cannot be their own backup",
                f"@{backup}",
            )
        )
        return None
    return BackupChoice(backup, account)


def _accounts_named_twice(choices: list[BackupChoice]) -> list[Problem]:
    by_account: dict[str, list[BackupChoice]] = {}
    for choice in choices:
        if choice.account is not None:
            by_account.setdefault(choice.account.casefold(), []).append(choice)
    return [
        problem(
            "Backups",
            f"Backups: account {{0}} is given {len(same)} backups ({{1}}); "
            "name one backup per account",
            shown(same[0].account or ""),
            ", ".join("@" + c.username for c in same),
        )
        for same in by_account.values()
        if len({c.username for c in same}) > 1
    ]
