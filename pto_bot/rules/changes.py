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


def dates_of(request: PtoRequest) -> tuple[str, str]:
    return (request.start.isoformat(), request.end.isoformat())


def is_cancelled(issue: Issue, request: PtoRequest, policy: Policy) -> bool:
    """Labelled cancelled, or closed before its first day off (the team's day)."""
    if policy.labels.cancelled in issue.labels:
        return True
    if issue.is_open or issue.closed_at is None:
        return False
    return issue.closed_at.astimezone(policy.tz).date() < request.start


def is_approved(decisions: Decisions, request: PtoRequest) -> bool:
    return decisions.approved == dates_of(request)


def is_denied(decisions: Decisions, request: PtoRequest) -> bool:
    return decisions.denied is not None and decisions.denied[:2] == dates_of(request)
