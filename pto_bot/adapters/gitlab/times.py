"""GitLab's timestamps, read and written: plain functions, loaded without the API's models (the
webhook job reads them too)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def parse_time(value: Any) -> datetime:
    """GitLab timestamps: ISO 8601 (``2013-12-03T17:15:43Z``) or ``2015-05-17 17:06:40 UTC``;
    naive means UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a timestamp, got {value!r}")
    text = value.strip()
    if text.endswith(" UTC"):
        text = text[:-4].replace(" ", "T") + "+00:00"
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def api_time(moment: datetime) -> str:
    """A time as GitLab's list filters take it (``updated_after=...``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
