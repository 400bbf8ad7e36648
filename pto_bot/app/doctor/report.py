"""What the doctor prints: one line per finding (✓ fine, ✗ what to do, ? what to check by hand),
the roles by name, and the closing line with its exit code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ..exits import EXIT_OK, EXIT_PARTIAL

Status = Literal["ok", "todo", "check"]
MARKS: dict[Status, str] = {"ok": "✓", "todo": "✗", "check": "?"}
ROLES = {5: "Minimal", 10: "Guest", 15: "Planner", 20: "Reporter", 30: "Developer"}
ROLES |= {40: "Maintainer", 50: "Owner", 60: "Admin"}


@dataclass(frozen=True)
class Finding:
    status: Status
    text: str

    def __str__(self) -> str:
        return f"{MARKS[self.status]} {self.text}"


def role_name(level: int | None) -> str:
    return ROLES.get(level or 0, f"access level {level}") if level else "no role"


def report(lines: Sequence[Finding], requests: int) -> tuple[int, list[str]]:
    """The exit code (0 all is well, 1 something to do) and the lines to print."""
    todo = sum(1 for line in lines if line.status == "todo")
    summary = (
        "All is well." if not todo else f"{todo} thing{'s' * (todo > 1)} to do."
    ) + f" ({requests} API requests)"
    return (EXIT_PARTIAL if todo else EXIT_OK), [*map(str, lines), "", summary]
