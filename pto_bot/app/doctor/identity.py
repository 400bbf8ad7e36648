"""Who the bot is: the token's user against the policy's ``bot.username``, and the users the
bot was under earlier tokens (whose notes stay its own)."""

from __future__ import annotations

from ...adapters.gitlab.inspect import HIDDEN, User
from ...domain.policy import Policy
from ...domain.usernames import BotIdentity, same_user
from .facts import Facts
from .report import Finding


def identity(policy: Policy, facts: Facts) -> list[Finding]:
    return [*_token_user(policy, facts.user), *_earlier(policy, facts)]


def _token_user(policy: Policy, user: User) -> list[Finding]:
    kind = "a project or group access token" if user.bot else "a personal access token"
    lines = [Finding("ok", f"the token works: it is {kind} of @{user.username}")]
    expected = policy.bot.username
    if expected is None:
        lines.append(
            Finding(
                "ok",
                f"the bot is @{user.username} (bot.username is not set). Tip: add "
                f"`bot.username: {user.username}` to the policy so the webhook job ignores the "
                "bot's own events without an API request",
            )
        )
    elif not same_user(expected, user.username):
        lines.append(
            Finding(
                "todo",
                f"bot.username is {expected!r} but the token belongs to @{user.username}: runs "
                f"stop before writing. Set `bot.username: {user.username}` or use {expected}'s "
                "token",
            )
        )
    else:
        lines.append(Finding("ok", f"bot.username matches the token's user @{user.username}"))
    return lines


def _earlier(policy: Policy, facts: Facts) -> list[Finding]:
    """The bot's users under earlier tokens: a project access token is a new bot user each time
    (only Rotate keeps it), and a new personal access token may be another user's."""
    me = BotIdentity(facts.user.username, tuple(policy.bot.former_usernames), facts.project.id)
    members = set() if facts.members == HIDDEN else set(facts.members)
    earlier = sorted(
        {m for m in members if me.is_me(m) and not same_user(m, facts.user.username)}
        | set(policy.bot.former_usernames)
    )
    if not earlier:
        return []
    who = ", ".join(f"@{name}" for name in earlier)
    return [
        Finding(
            "ok",
            f"earlier bot users: {who}: their notes, fallback requests and dashboard stay the "
            "bot's own (bot users of this project always do; another user only when it is in "
            "bot.former_usernames)",
        )
    ]
