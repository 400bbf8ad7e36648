"""Who may approve or deny a request held for approval: the manager, or the policy's deputy while
the manager is out or has not answered (:mod:`..rules.approval`); and what anyone else is told."""

from __future__ import annotations

from datetime import datetime

from ..domain.policy import Policy
from ..domain.usernames import same_user
from ..domain.world import World
from ..render.engine import local_time
from ..rules import approval
from ..rules.evaluation import Evaluated, Status


def decision_refusal(world: World, about: Evaluated | None, author: str, at: datetime) -> str:
    """Why ``author`` may not approve or deny ``about`` with a comment posted at ``at`` ("" when
    they may)."""
    policy = world.policy
    manager, deputy = policy.team.manager, policy.approval.deputy
    is_manager = same_user(author, manager)
    if not (is_manager or same_user(author, deputy)):
        if deputy is None:
            return f"only the manager (`{manager}`) can decide on approvals"
        return (
            f"only the manager (`{manager}`) can decide on approvals, or the deputy "
            f"(`{deputy}`) while the manager is out or has not answered"
        )
    if about is None or about.filed.form is None:
        return "this issue is not a PTO request the bot can read"
    if about.status is not Status.NEEDS_APPROVAL:
        return f"there is nothing to decide: the request is {about.status.value}"
    return "" if is_manager else _deputy_refusal(world, about, at)


def _deputy_refusal(world: World, req: Evaluated, at: datetime) -> str:
    policy = world.policy
    turn = approval.deputy_turn(world, req.iid, req.request, at)
    if turn.allowed(at):
        return ""
    manager, days = policy.team.manager, policy.approval.deputy_after_days
    rule = (
        f"the deputy decides while `{manager}` is out or once {days} working "
        f"day{'s' if days != 1 else ''} passed without an answer"
    )
    if turn.asked is None or turn.silent_from is None:
        return f"`{manager}` is not out and has not been asked yet: {rule}"
    return (
        f"`{manager}` is not out and was asked on {local_time(turn.asked.at, policy.tz)}: "
        f"{rule}, from {local_time(turn.silent_from, policy.tz)}"
    )


def decided_by(policy: Policy, author: str) -> str:
    """How a decision names who took it: the deputy says in whose place."""
    if same_user(author, policy.team.manager):
        return ""
    return f" (by `{author}`, deputy of `{policy.team.manager}`)"
