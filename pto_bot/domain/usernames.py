"""GitLab usernames are case-insensitive: ``Klang`` and ``klang`` are one user. Every comparison
of usernames in pto_bot goes through here."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass


def user_key(name: str) -> str:
    """How a username is compared and looked up: without case and surrounding ``@``/spaces."""
    return name.strip().removeprefix("@").casefold()


def same_user(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and user_key(a) == user_key(b)


def among(name: str | None, names: Iterable[str]) -> bool:
    """``name`` is one of ``names``, whatever the case."""
    if name is None:
        return False
    key = user_key(name)
    return any(user_key(other) == key for other in names)


class Roster:
    """Roster usernames, looked up whatever the case, answered in the roster's spelling: what
    GitLab or a person wrote (``@KLang``, a comment by ``MelRoberts``) is the person the policy
    names."""

    def __init__(self, usernames: Collection[str]) -> None:
        self._by_key = {user_key(name): name for name in usernames if isinstance(name, str)}

    def find(self, username: str | None) -> str | None:
        return self._by_key.get(user_key(username)) if isinstance(username, str) else None

    def spelling(self, username: str) -> str:
        """``username`` as the roster spells it; as given when it is not on the roster."""
        return self.find(username) or username


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is: the token's user, whom it writes as, and the users it was before. A new
    token is a new user (GitLab's project access tokens are bot users ``project_<id>_bot_...``,
    a new one each; only Rotate keeps the user), so the bot's earlier notes, fallback requests
    and dashboard are its own when their author is a bot user of this project, or one the policy
    lists in ``bot.former_usernames``."""

    username: str
    former: tuple[str, ...] = ()
    project_id: int | None = None

    def is_me(self, name: str | None) -> bool:
        if name is None:
            return False
        if same_user(name, self.username) or among(name, self.former):
            return True
        return self.project_id is not None and bool(
            re.fullmatch(rf"project_{self.project_id}_bot(?:\d*|_[0-9a-f]+)", user_key(name))
        )
