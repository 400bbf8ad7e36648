"""The rules of SPEC, one module each. Pure functions of the world, the ledger and ``today``.

| SPEC rule | module |
| --- | --- |
| 1 count-based thresholds (1 / 2 / 3+, approval hold) | ``counting`` |
| 2, 3 pod coverage, hand-picked backups, load | ``coverage`` |
| 4, 5 fallback window, deadline, volunteers, escalation | ``fallback`` |
| 6, 7 lead time and reminders | ``reminders`` |
| 8 changes: cancellation, edited dates | ``changes`` |
| 9 fairness (fallback weeks) | ``fairness`` |
| 9 rotation (pods by effective date) | ``rotation`` |
| going live: history before ``go_live`` | ``going_live`` |
| archived history, and how far back the rules look | ``history`` |

``evaluate`` runs them in order and returns a frozen :class:`~pto_bot.rules.evaluate.Evaluation`.
"""
