"""The project's small exception hierarchy: real failures only (plan outcomes are data)."""

from __future__ import annotations


class PtoBotError(Exception):
    """Base of every error pto_bot raises on purpose."""


class ConfigError(PtoBotError):
    """Bad configuration or usage; carries one message per problem. Exit code 2."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class TrackerError(PtoBotError):
    """A read or write against the issue tracker failed after retries."""

    def __init__(self, message: str, iid: int | None = None) -> None:
        super().__init__(message)
        self.iid = iid
