"""Event scope, case by case: which issues a webhook event on one issue may write to. Too small a
scope leaves a count or a backup stale until the next schedule; too large a one makes an event
write what it did not read about."""

from __future__ import annotations

import pytest

from project import Project
from pto_bot.plan.scope import event_scope

NOW = "2026-11-20T14:00"


def scene() -> tuple[Project, dict[str, int]]:
    """Pod beta: klang (Acme, Initech) out 7–11 December with adamlauzon (Soylent) 9–15 December
    overlapping; magomez3 (Umbrella) out in January; dbass90's Northwind needs a fallback
    (andsmith3 and harishsr are out with him: his is an emergency, never held)."""
    p = Project()
    ids = {
        "acme": p.playbook("Acme Corp", "klang", "high", "auto-assigned"),
        "initech": p.playbook("Initech", "klang", "high", "auto-assigned"),
        "soylent": p.playbook("Soylent", "adamlauzon", "high", "auto-assigned"),
        "umbrella": p.playbook("Umbrella", "magomez3", "high", "auto-assigned"),
        "northwind": p.playbook("Northwind", "dbass90", "high", "auto-assigned"),
        "klang": p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01"),
        "adam": p.request("adamlauzon", "2026-12-09", "2026-12-15", created="2026-11-02"),
        "mago": p.request("magomez3", "2027-01-11", "2027-01-15", created="2026-11-03"),
        "andsmith3": p.request("andsmith3", "2026-12-21", "2026-12-24", created="2026-11-04"),
        "harishsr": p.request("harishsr", "2026-12-21", "2026-12-24", created="2026-11-05"),
        "dbass": p.request("dbass90", "2026-12-21", "2026-12-24", "emergency", "2026-11-06"),
        "other": p._issue("Team offsite", "", [], "jane", "2026-11-01"),
    }
    p.run(NOW)  # opens dbass90's fallback request
    fallback = p.fallback_of(ids["dbass"])
    assert fallback is not None
    ids["fallback"] = fallback["iid"]
    return p, ids


CASES = [
    (
        "a request: itself, the requests it overlaps, their playbooks",
        "klang",
        {"klang", "adam", "acme", "initech", "soylent"},
    ),
    (
        "a request overlapping nobody: itself and its playbooks",
        "mago",
        {"mago", "umbrella"},
    ),
    (
        "a playbook: it, its owner's requests and what they reach",
        "soylent",
        {"soylent", "adam", "klang", "acme", "initech"},
    ),
    (
        "a fallback request: its request, everything that request reaches, and itself",
        "fallback",
        {"fallback", "dbass", "andsmith3", "harishsr", "northwind"},
    ),
    (
        "a request with a fallback request: that one too",
        "harishsr",
        {"harishsr", "andsmith3", "dbass", "fallback", "northwind"},
    ),
    ("an issue the bot does not plan for: nothing", "other", set()),
]


@pytest.mark.parametrize(("case", "event_on", "expected"), CASES, ids=[c[0] for c in CASES])
def test_what_an_event_may_write_to(case: str, event_on: str, expected: set[str]) -> None:
    p, ids = scene()
    the_plan = p.plan("2026-11-20T15:00")
    scope = event_scope(the_plan.world, the_plan.evaluation, ids[event_on])
    named = {name for name, iid in ids.items() if iid in scope}
    assert named == expected
