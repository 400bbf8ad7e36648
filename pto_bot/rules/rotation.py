"""Rule 9 (rotation): pods rotate twice a year; a line-up applies from its effective date.

Every question "which pod covers on this day?" is answered here, from ``pods`` and ``rotations``
in ``policy.yaml``: requests after a rotation are judged against the new pods.
"""

from __future__ import annotations

from datetime import date

from ..domain.policy import Pod, Policy


def _lineup(policy: Policy, day: date) -> int:
    """Which line-up is in force on ``day``: 0 for ``pods``, i for the i-th rotation."""
    current = 0
    for i, rotation in enumerate(policy.rotations, start=1):
        if rotation.effective <= day:
            current = i
    return current


def pods_on(policy: Policy, day: date) -> dict[str, Pod]:
    """The pod line-up in force on ``day`` (rotations apply from their effective date)."""
    index = _lineup(policy, day)
    return policy.pods if index == 0 else policy.rotations[index - 1].pods


def pod_of(policy: Policy, username: str, day: date) -> tuple[str, Pod] | None:
    """The name and pod ``username`` belongs to on ``day``, if any."""
    return policy.pod_index[_lineup(policy, day)].get(username)


def is_lead(policy: Policy, username: str, day: date) -> bool:
    return any(pod.lead == username for pod in pods_on(policy, day).values())


def next_rotation(policy: Policy, day: date) -> date | None:
    return next((r.effective for r in policy.rotations if r.effective > day), None)
