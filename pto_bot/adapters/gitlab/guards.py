"""What a write must never send, and what GitLab silently did not do: the checks around every
write of the GitLab tracker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...errors import AccessError, TrackerError
from .failures import BOT_ROLE


def dropped(op: str, iid: int, left: Sequence[str] = ()) -> AccessError:
    """GitLab answered 200 and did not make the change (``left``: what it left as it was): it
    drops the metadata changes of a user without the right to set them (a Guest), silently.
    Nothing the bot writes can then hold: the run stops, and says what role to give."""
    what = f"did not change {' or '.join(left)}" if left else "changed nothing"
    return AccessError(
        f"GitLab: {op} on issue #{iid} failed: GitLab dropped it (answered 200 and {what})",
        None,
        kind="forbidden",
        hint=f"give the token's user the role {BOT_ROLE} in the project (Manage > Members): a "
        "Guest may comment, but GitLab silently drops its label, assignee and state changes",
    )


def left_as_was(change: Mapping[str, Any], answer: Mapping[str, Any]) -> list[str]:
    """What of the issue ``change`` asked for GitLab's ``answer`` shows as it was: GitLab drops
    what the user may not set and answers 200 (a Guest: labels, assignees, confidentiality)."""
    left: list[str] = []
    labels = set(answer.get("labels") or ())
    added = {x for x in str(change.get("add_labels") or "").split(",") if x}
    removed = {x for x in str(change.get("remove_labels") or "").split(",") if x}
    if not added <= labels or labels & removed:
        left.append("its labels")
    state = {"close": "closed", "reopen": "opened"}.get(str(change.get("state_event")))
    if state is not None and answer.get("state") != state:
        left.append("its state")
    if "confidential" in change and bool(answer.get("confidential")) != change["confidential"]:
        left.append("its confidentiality")
    if "assignee_ids" in change:
        wanted = {int(i) for i in change["assignee_ids"] if i}
        got = {int(a["id"]) for a in answer.get("assignees") or () if a.get("id") is not None}
        if wanted != got:
            left.append("its assignees")
    return left


def refuse_quick_actions(op: str, iid: int | None, body: str) -> None:
    """The bot never sends a quick action: a line starting with ``/`` is a bug upstream."""
    for line in body.splitlines():
        if line.startswith("/"):
            raise TrackerError(
                f"{op}: refused to send text with a line starting with '/' ({line[:40]!r}); "
                "GitLab would run it as a quick action",
                iid,
            )
