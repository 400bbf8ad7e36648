"""What a write must never send, and what GitLab silently did not do: the two checks around
every write of the GitLab tracker."""

from __future__ import annotations

from ...errors import AccessError, TrackerError
from .failures import BOT_ROLE


def dropped(op: str, iid: int) -> AccessError:
    """GitLab answered 200 and did not make the change: it drops the metadata changes of a user
    without the right to set them (a Guest), silently. Nothing the bot writes can then hold:
    the run stops, and says what role to give."""
    return AccessError(
        f"GitLab: {op} on issue #{iid} failed: GitLab dropped it (answered 200, changed nothing)",
        None,
        kind="forbidden",
        hint=f"give the token's user the role {BOT_ROLE} in the project (Manage > Members): a "
        "Guest may comment, but GitLab silently drops its label and state changes",
    )


def refuse_quick_actions(op: str, iid: int | None, body: str) -> None:
    """The bot never sends a quick action: a line starting with ``/`` is a bug upstream."""
    for line in body.splitlines():
        if line.startswith("/"):
            raise TrackerError(
                f"{op}: refused to send text with a line starting with '/' ({line[:40]!r}); "
                "GitLab would run it as a quick action",
                iid,
            )
