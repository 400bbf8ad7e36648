"""Team-channel messages through a Slack incoming webhook (``PTO_BOT_SLACK_WEBHOOK``).

The webhook URL is a secret (whoever has it can post to the channel): it never appears in a
message, an error or a ``repr``. A failed post raises :class:`~pto_bot.errors.TrackerError`
without an issue iid, so :func:`pto_bot.app.apply.apply` records it and goes on with every GitLab
write.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import requests

from ..errors import ConfigError, TrackerError
from .secret_url import check_secret_url
from .tracker import Notifier

ENV_VAR = "PTO_BOT_SLACK_WEBHOOK"
MAX_RETRY_AFTER = 10.0  # seconds: a longer Retry-After is not waited for; the post fails instead
DEFAULT_BACKOFF = 1.0  # seconds before the one retry when the server gives no Retry-After
_SLACK_ERROR = re.compile(r"[a-z][a-z0-9_]{0,59}")  # Slack's short error codes: invalid_payload


class Response(Protocol):
    """The little of :class:`requests.Response` the notifier reads."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def text(self) -> str: ...


Post = Callable[..., Response]


def escape(text: str) -> str:
    """Slack's control characters as the entities Slack documents (``&amp;``, ``&lt;``,
    ``&gt;``): no ``<!channel>``, ``<@U123>`` or ``<url|label>`` can come from text people typed.
    Nothing else is entity-encoded (Slack would show ``&#39;`` literally)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackNotifier:
    """Posts one message per call: ``{"text": <escaped text>}``.

    Retries once after a 5xx, a 429 or a timeout (waiting the server's ``Retry-After`` when it
    is at most 10 s, else failing at once). ``allow_loopback_http`` admits ``http://`` on the
    loopback address only — for tests against a local server; the environment path never sets it.
    """

    def __init__(
        self,
        url: str,
        timeout: float = 10,
        post: Post | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        allow_loopback_http: bool = False,
    ) -> None:
        check_secret_url(url, allow_loopback_http)
        self._url = url
        self.timeout = timeout
        self._post: Post = post or requests.post
        self._sleep = sleep

    def __repr__(self) -> str:
        return "SlackNotifier(<webhook URL hidden>)"

    def __call__(self, text: str) -> None:
        payload = {"text": escape(text)}
        for attempt in (1, 2):
            wait = self._attempt(payload, last=attempt == 2)
            if wait is None:
                return
            self._sleep(wait)

    def _attempt(self, payload: dict[str, Any], last: bool) -> float | None:
        """None when posted; else the seconds to wait before the retry (raises when none)."""
        try:
            response = self._post(
                self._url, json=payload, timeout=self.timeout, allow_redirects=False
            )
        except requests.Timeout:
            if last:
                raise _failure(f"timed out after {self.timeout:g} s, twice") from None
            return DEFAULT_BACKOFF
        except requests.RequestException as exc:
            # str(exc) would name the URL: say only what kind of failure it was
            raise _failure(f"could not connect ({type(exc).__name__})") from None
        status = response.status_code
        if 200 <= status < 300:
            return None
        detail = _detail(response)
        if status == 429 or status >= 500:
            wait = _retry_after(response.headers)
            if wait is not None and wait > MAX_RETRY_AFTER:
                raise _failure(f"HTTP {status}{detail}, asked to retry after {wait:g} s")
            if last:
                raise _failure(f"HTTP {status}{detail}, twice")
            return DEFAULT_BACKOFF if wait is None else wait
        raise _failure(f"HTTP {status}{detail}")


def _failure(what: str) -> TrackerError:
    return TrackerError(f"Slack webhook: message not posted: {what}")


def _detail(response: Response) -> str:
    """Slack's error code (``invalid_payload``, ``channel_is_archived``) when the body is one."""
    try:
        body = response.text.strip()
    except Exception:  # an undecodable body is no reason to lose the status
        return ""
    return f" ({body})" if _SLACK_ERROR.fullmatch(body) else ""


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("Retry-After") or headers.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None  # an HTTP-date: wait the default instead
    return max(value, 0.0)


def notifier_from_env(env: Mapping[str, str]) -> Notifier | None:
    """The team-channel notifier, or None when ``PTO_BOT_SLACK_WEBHOOK`` is unset or empty."""
    url = (env.get(ENV_VAR) or "").strip()
    if not url:
        return None
    try:
        return SlackNotifier(url)
    except ValueError as exc:
        # the value is a secret: name the variable and the problem, never the value
        raise ConfigError(
            [f"{ENV_VAR}: the value {exc}; set it to the Slack incoming-webhook URL"]
        ) from None
