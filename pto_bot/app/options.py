"""Where a command reads from. Kept apart from :mod:`.read` so that parsing a command line and
judging a webhook payload load nothing heavy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ConfigError


@dataclass(frozen=True)
class ReadOptions:
    """Where a command reads from: the policy, the moment, an offline file, a read cache."""

    policy: str | Path = "policy.yaml"
    now: str | None = None
    offline: Path | None = None
    cache: str | None = None


def parse_now(value: str | None) -> datetime:
    """``--now`` as an aware time (naive means UTC); the real clock when not given."""
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            [f"--now: {value!r} is not an ISO-8601 time; write e.g. 2026-12-21T09:00:00Z"]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cache_path(option: str | None, env: Mapping[str, str]) -> Path | None:
    value = option or env.get("PTO_BOT_CACHE")
    return Path(value) if value else None


def strict_from(env: Mapping[str, str]) -> bool:
    """``PTO_BOT_STRICT=1``: a planning failure stops the run (the test suite and the benchmarks
    set it: a bug must not pass as "nothing to do"). Otherwise one issue that cannot be planned
    is reported, and the others are planned as usual."""
    return (env.get("PTO_BOT_STRICT") or "").strip() not in ("", "0")
