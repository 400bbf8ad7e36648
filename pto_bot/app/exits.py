"""Exit codes, and the one edge where a failure becomes what a person reads.

Every error that reaches the user passes :func:`explain`: it names what failed and what to do, on
one line each, with every secret (the GitLab token, the Slack webhook URL, the time-off
calendar's address) scrubbed out. A tracker error carries its own advice (``hint``, set where
the failure was understood: the GitLab adapter); one that refused the whole run
(:class:`~pto_bot.errors.AccessError`) exits 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..errors import AccessError, ConfigError, PtoBotError, TrackerError

if TYPE_CHECKING:
    from .apply import Applied

EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG = 0, 1, 2
SECRET_VARIABLES = ("GITLAB_TOKEN", "PTO_BOT_SLACK_WEBHOOK", "PTO_BOT_CALENDAR_URL")


def secrets_in(env: Mapping[str, str]) -> list[str]:
    """The secret values of ``env``, as they are used (surrounding whitespace stripped)."""
    return [value.strip() for name in SECRET_VARIABLES if (value := env.get(name, "")).strip()]


def scrub(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, "[secret]")
    return text


def explain(exc: BaseException, secrets: Iterable[str]) -> tuple[int, list[str]]:
    """The exit code for ``exc`` and the lines to print for it."""
    secrets = list(secrets)
    if isinstance(exc, ConfigError):
        code, lines = EXIT_CONFIG, list(exc.messages)
    elif isinstance(exc, TrackerError):
        # an AccessError escaping a run stopped it before anything was written
        code = EXIT_CONFIG if isinstance(exc, AccessError) else EXIT_PARTIAL
        lines = [exc.explained]
    elif isinstance(exc, PtoBotError):
        code, lines = EXIT_PARTIAL, [str(exc)]
    elif isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        code, lines = EXIT_CONFIG, [f"{where}{exc.strerror or exc}"]
    else:
        code = EXIT_PARTIAL
        lines = [
            f"unexpected {type(exc).__name__}: {exc} — this is a bug in pto_bot; "
            "please report it with this job log"
        ]
    return code, [scrub(" ".join(line.split()), secrets) for line in lines]


def answered_code(result: Applied) -> int:
    """The exit code of a job whose writes were ``result`` alone (an answer to a mention)."""
    if result.stopped is not None and not result.writes:
        return EXIT_CONFIG
    return EXIT_PARTIAL if result.failures else EXIT_OK
