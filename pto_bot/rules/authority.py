"""Who may make the bot act (SPEC, "Who may make the bot act"): who may open a PTO request for
an engineer, and who may cancel one by closing it. Anyone who can open an issue in the project
could otherwise mark a colleague as out, or take their backups away.

- A request counts when the engineer opened it, or the manager, or — for emergency PTO, when the
  engineer may not be able to — someone in the engineer's pod (on the request's first day); or
  the bot itself, from the team's time-off calendar.
- Closing a request cancels it only when the engineer, their pod lead or the manager closed it.
"""

from __future__ import annotations

from ..domain.policy import Policy
from ..domain.problems import Code, Problem, problem
from ..domain.request_form import PtoRequest
from ..domain.snapshot import Issue
from ..domain.usernames import same_user
from .rotation import pod_of


def may_open(policy: Policy, author: str, request: PtoRequest) -> bool:
    """``author`` may open ``request``: the engineer, the manager; for an emergency, a podmate."""
    if same_user(author, request.engineer) or same_user(author, policy.team.manager):
        return True
    if request.kind != "emergency":
        return False
    pod = pod_of(policy, request.engineer, request.start)
    return pod is not None and any(same_user(author, m) for m in pod[1].members)


def opener_problem(policy: Policy, author: str, request: PtoRequest) -> Problem:
    return problem(
        "Engineer",
        "{0}'s PTO counts only when opened by {1}, the manager {2}, or (for emergency PTO) "
        "someone in their pod; {3} opened this one: ask one of them to open it, and close this",
        Code(request.engineer),
        Code(request.engineer),
        Code(policy.team.manager),
        Code(author),
    )


def may_cancel(policy: Policy, issue: Issue, request: PtoRequest) -> bool:
    """Whoever closed ``issue`` may cancel ``request`` by it: the engineer, their pod lead on its
    first day, or the manager. Unknown (GitLab did not say): yes, as before the bot checked."""
    closer = issue.closed_by
    if closer is None:
        return True
    if same_user(closer, request.engineer) or same_user(closer, policy.team.manager):
        return True
    pod = pod_of(policy, request.engineer, request.start)
    return pod is not None and same_user(closer, pod[1].lead)
