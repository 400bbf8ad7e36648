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
    """A read or write against the issue tracker failed after retries.

    ``kind`` names the failure for a person and for tests (``failed``, ``unauthorized``,
    ``forbidden``, ``not-found``, ``spam``, ``redirected``, ``unreachable``); ``hint`` says what
    to do about it.
    """

    def __init__(
        self, message: str, iid: int | None = None, *, kind: str = "failed", hint: str = ""
    ) -> None:
        super().__init__(message)
        self.iid = iid
        self.kind = kind
        self.hint = hint

    @property
    def explained(self) -> str:
        """What failed and, when known, what to do: one line."""
        return f"{self} — {self.hint}" if self.hint else str(self)


class AccessError(TrackerError):
    """The tracker refused the token, its role or the project, or cannot be reached: nothing
    more can be done in this run, so it stops (exit 2 when nothing was written yet)."""
