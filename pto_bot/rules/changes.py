"""Rule 8 of SPEC: changes after a request was announced.

A request closed before its start, or labelled ``pto::cancelled``, is cancelled: its backups are
released and its fallback request closed. An approval or a denial holds for the dates it was
given for: edited dates are judged again.
"""

from __future__ import annotations

from ..domain.ledger import Decisions
from ..domain.policy import Policy
from ..domain.request_form import PtoRequest
from ..domain.snapshot import Issue
from .authority import may_cancel


def dates_of(request: PtoRequest) -> tuple[str, str]:
    return (request.start.isoformat(), request.end.isoformat())


def closed_before_start(issue: Issue, request: PtoRequest, policy: Policy) -> bool:
    """Closed before its first day off (the team's day)."""
    if issue.is_open or issue.closed_at is None:
        return False
    return issue.closed_at.astimezone(policy.tz).date() < request.start


def is_cancelled(issue: Issue, request: PtoRequest, policy: Policy) -> bool:
    """Labelled cancelled, or closed before its first day off by someone who may cancel it
    (:func:`~.authority.may_cancel`)."""
    if policy.labels.cancelled in issue.labels:
        return True
    return closed_before_start(issue, request, policy) and may_cancel(policy, issue, request)


def closed_by_someone_else(issue: Issue, request: PtoRequest, policy: Policy) -> bool:
    """Closed before its first day off by someone who may not cancel it: it is reopened."""
    return closed_before_start(issue, request, policy) and not may_cancel(policy, issue, request)


def is_approved(decisions: Decisions, request: PtoRequest) -> bool:
    return decisions.approved == dates_of(request)


def is_denied(decisions: Decisions, request: PtoRequest) -> bool:
    return decisions.denied is not None and decisions.denied[:2] == dates_of(request)
