"""GitLab usernames are case-insensitive: ``Klang`` and ``klang`` are one user. Every comparison
of usernames in pto_bot goes through here."""

from __future__ import annotations

from collections.abc import Collection, Iterable


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
