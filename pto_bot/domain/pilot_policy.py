"""The ``pilot`` section of ``policy.yaml``: the pilot's start and its check-in (seed 000: "Start
Date: 2025-11-15, First Review: 2025-12-15"). On the review date the bot opens one check-in issue
for the manager with the pilot's figures and these questions (:mod:`pto_bot.reports.checkin`)."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from .policy_fields import _Strict

#: The check-in's questions, from the problems the pilot set out to solve (seed 000: "burnout
#: from inability to enjoy PTO, unclear coverage creating stress, micromanagement of every
#: absence, and lack of structured processes"; "We'll iterate based on what works and what
#: doesn't") and the lessons learned each request ends with (seed 001).
QUESTIONS = (
    "Could you switch off during your time off, without checking in on your accounts?",
    "Was it clear who covered which account, and did customers and account teams know?",
    "Did booking by the 1 / 2 / 3+ count spare you asking about each absence? Were the "
    "decisions on 3+ quick enough?",
    "Backups: was about 8 hours a week of coverage realistic? Did high-priority and "
    "auto-assigned accounts get what they needed, and Global Support the rest?",
    "Fallback: did volunteers come forward within the window (48 h, 4 h for emergencies), "
    "taking 1-2 accounts each? Are 2-4 fallback weeks a year fair?",
    "Pods: are their size and time zones right? What should change at the next rotation?",
    "What lessons learned from the PTO requests should go into the handbook? Keep, change or "
    "stop the pilot?",
)


class Pilot(_Strict):
    start: date | None = Field(
        default=None,
        description="The pilot's first day (YYYY-MM-DD): where `pto-bot metrics` starts "
        "counting unless --since says otherwise.",
    )
    review: date | None = Field(
        default=None,
        description="The check-in day (YYYY-MM-DD): with start set, the bot opens one "
        "'Pod pilot check-in' issue assigned to the manager, with the figures since the start "
        "and the questions below (on the first scheduled run from this day, within 14 days).",
    )
    questions: list[str] = Field(
        default_factory=lambda: list(QUESTIONS),
        description="The check-in's questions, one line of Markdown each.",
    )
