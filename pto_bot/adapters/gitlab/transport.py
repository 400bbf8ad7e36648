"""HTTP to GitLab: every request counted, paced and retried here.

python-gitlab sends through :class:`Transport` (a ``requests.Session``). 429 honours
``Retry-After`` (capped); 5xx/52x, timeouts and connection errors back off exponentially. A POST
is repeated here only when it certainly was not applied (429, connect timeout); otherwise
:class:`Unsure` tells the caller to look before posting again. Waiting goes through an injected
``sleep`` so tests never really wait.

A redirect to another host is never followed: python-gitlab sends the token as a
``PRIVATE-TOKEN`` header, which ``requests`` strips from ``Authorization`` alone when a redirect
leaves the host, so following it would hand the token to whoever GitLab (or a proxy) points at.
:class:`Redirected` stops the request instead; a redirect within the same scheme, host and port
is followed as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from ..pacing import Paced

_log = logging.getLogger(__name__)

MAX_RETRY_AFTER = 60.0
RATE_WINDOW = 60.0  # GitLab's rate limits count requests per minute
MAX_BACKOFF = 30.0
_RETRYABLE_STATUS = frozenset([429, 500, 502, 503, 504, *range(520, 531)])
_TRANSIENT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


class TransportError(Exception):
    """A request failed below python-gitlab; the message names the request, never the token."""


class Unsure(TransportError):
    """A POST failed in a way that may have been committed: look it up before repeating it."""


class GaveUp(TransportError):
    """A retryable failure persisted through every attempt."""


class RateLimited(TransportError):
    """GitLab answered 429 again after a minute's wait: its rate limit holds; what is left is
    for the next run."""


class Redirected(TransportError):
    """GitLab answered with a redirect to another host: not followed, the token not sent."""

    def __init__(self, status: int, source: str, target: str) -> None:
        super().__init__(f"HTTP {status} redirect from {_origin(source)} to {_origin(target)}")
        self.status = status
        self.target = _origin(target)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF, 2 ** (attempt - 1)))


def _retry_after(response: requests.Response) -> float | None:
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def _announce(what: str, attempt: int, delay: float) -> float:
    _log.warning("%s; retry %d in %.1f s", what, attempt, delay)
    return delay


def _describe(request: requests.PreparedRequest) -> str:
    return f"{request.method} {urlsplit(request.url or '').path}"


class Transport(requests.Session):
    """The session python-gitlab sends through: every attempt counted, paced and retried here.

    429 honours ``Retry-After`` (capped); 5xx/52x, timeouts and connection errors back off
    exponentially. A POST is repeated here only when it certainly was not applied (429, connect
    timeout); otherwise :class:`Unsure` tells the caller to look before posting again.
    """

    def __init__(self, *, max_attempts: int, pace: Paced, sleep: Callable[[float], None]):
        super().__init__()
        self.requests_made = 0
        self.server_date: str | None = None  # the Date header of the last response
        self.waited_a_minute = False  # a 429 without Retry-After was waited out already
        self._max_attempts = max_attempts
        self._pace = pace
        self._sleep = sleep

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        attempt = 0
        while True:
            attempt += 1
            self._pace.acquire()
            self.requests_made += 1
            try:
                response = super().send(request, **kwargs)
            except _TRANSIENT_ERRORS as exc:
                delay = self._after_error(request, exc, attempt)
            else:
                self.server_date = response.headers.get("Date") or self.server_date
                if response.status_code not in _RETRYABLE_STATUS:
                    return response
                response.close()
                delay = self._after_status(request, response, attempt)
            self._sleep(delay)

    def get_redirect_target(self, response: requests.Response) -> str | None:
        """Where ``response`` redirects to, when that is the same scheme, host and port; a
        redirect anywhere else raises :class:`Redirected` before anything is sent there."""
        target = super().get_redirect_target(response)
        if target is None:
            return None
        absolute = urljoin(response.url, target)
        if _origin(absolute).lower() != _origin(response.url).lower():
            response.close()
            raise Redirected(response.status_code, response.url, absolute)
        return target

    def _after_error(
        self, request: requests.PreparedRequest, exc: Exception, attempt: int
    ) -> float:
        what = f"{_describe(request)}: {type(exc).__name__}"
        if request.method == "POST" and not isinstance(exc, requests.exceptions.ConnectTimeout):
            raise Unsure(what) from exc
        if attempt >= self._max_attempts:
            raise GaveUp(f"{what}, {attempt} attempts") from exc
        return _announce(what, attempt, backoff(attempt))

    def _after_status(
        self, request: requests.PreparedRequest, response: requests.Response, attempt: int
    ) -> float:
        what = f"{_describe(request)}: HTTP {response.status_code}"
        if request.method == "POST" and response.status_code != 429:
            raise Unsure(what)
        if response.status_code == 429:
            return _announce(what, attempt, self._rate_limited(what, response))
        if attempt >= self._max_attempts:
            raise GaveUp(f"{what}, {attempt} attempts")
        return _announce(what, attempt, backoff(attempt))

    def _rate_limited(self, what: str, response: requests.Response) -> float:
        """How long to wait after a 429: its ``Retry-After`` (capped); without one (GitLab.com
        sends none) until GitLab's rate-limit window of a minute has passed, once a run:
        a second 429 without it stops the writing for this run."""
        delay = _retry_after(response)
        if delay is not None:
            return delay
        if self.waited_a_minute:
            raise RateLimited(f"{what} again after a minute's wait")
        self.waited_a_minute = True
        return RATE_WINDOW
