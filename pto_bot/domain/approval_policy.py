"""The ``approval`` section of ``policy.yaml``: who decides a request held at the approval
threshold when the manager cannot, and how the manager is reminded (the decisions are
:mod:`pto_bot.rules.approval`)."""

from __future__ import annotations

from pydantic import Field

from .policy_fields import Username, _Strict


class Approval(_Strict):
    """Who decides a request held at the approval threshold, and how the manager is reminded."""

    deputy: Username | None = Field(
        default=None,
        description="Decides in the manager's place (/pto approve, /pto deny) while the manager "
        "is out (their own PTO request covers the day) or has not answered within "
        "deputy_after_days working days; asked in the approval thread then. Otherwise the "
        "deputy's command is refused with the reason.",
    )
    reminders: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Reminders to the manager while a request waits for approval: one each "
        "working day after the first, in the approval thread (0: none).",
    )
    deputy_after_days: int = Field(
        default=2,
        ge=1,
        le=10,
        description="Working days without the manager's answer before the deputy decides.",
    )
