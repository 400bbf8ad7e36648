"""Where a command reads from. Kept apart from :mod:`.read` so that parsing a command line and
judging a webhook payload load nothing heavy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ReadOptions:
    """Where a command reads from: the policy, the moment, an offline file, a read cache."""

    policy: str | Path = "policy.yaml"
    now: str | None = None
    offline: Path | None = None
    cache: str | None = None
