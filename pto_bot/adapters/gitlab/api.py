"""One connection to GitLab's REST API: python-gitlab over the counted, paced, retrying
:mod:`.transport`, the project, and the one place a failure of a request becomes a
:class:`~pto_bot.errors.TrackerError` naming what failed and what to do (the token never
shown)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import gitlab
import requests
from gitlab.exceptions import GitlabError
from gitlab.v4.objects import Project, ProjectIssue

from ..pacing import Paced
from .config import Connection
from .failures import BOT_ROLE, translate
from .transport import Transport, TransportError

PAGE = 100
#: How far the runner's clock may be from GitLab's.
CLOCK_SKEW = timedelta(minutes=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


class Api:
    """The project on a GitLab instance, with the clock and sleep the adapter runs on."""

    def __init__(
        self,
        connection: Connection,
        *,
        timeout: float = 30,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        max_attempts: int = 5,
        requests_per_minute: int = 600,
    ) -> None:
        self.connection = connection
        self.sleep = sleep
        self.now = now
        self.max_attempts = max_attempts
        pace = Paced(requests_per_minute, clock, sleep)
        self.transport = Transport(max_attempts=max_attempts, pace=pace, sleep=sleep)
        self.gl = gitlab.Gitlab(
            connection.url,
            private_token=connection.token,
            timeout=timeout,
            retry_transient_errors=False,  # Transport retries, with the injected sleep
            session=self.transport,
            user_agent="pto-bot",
        )
        self.project = self.gl.projects.get(connection.project, lazy=True)

    def server_now(self) -> datetime:
        """GitLab's time, as its last response said (``Date``); without one, the runner's clock
        less :data:`CLOCK_SKEW`: never later than GitLab's."""
        try:
            if self.transport.server_date:
                return parsedate_to_datetime(self.transport.server_date).astimezone(UTC)
        except (TypeError, ValueError):
            pass
        return self.now() - CLOCK_SKEW

    def server_before(self) -> datetime:
        """A time, by GitLab's clock, no later than anything GitLab does after this moment:
        :meth:`server_now` less the ``Date`` header's second's resolution. What a lookup of
        something just created starts from."""
        return self.server_now() - timedelta(seconds=1)

    def issue(self, iid: int) -> ProjectIssue:
        return self.project.issues.get(iid, lazy=True)

    def list_issues(
        self, what: str, project: Project | None = None, **query: Any
    ) -> list[dict[str, Any]]:
        """Every page of an issue list (of the team project, or ``project``)."""
        with self.reporting(what, None):
            where = project if project is not None else self.project
            listed = where.issues.list(per_page=PAGE, iterator=True, **query)
            return [issue.attributes for issue in listed]

    def where(self, op: str, iid: int | None, detail: str) -> str:
        where = f" on issue #{iid}" if iid is not None else ""
        return self.scrub(f"GitLab: {op}{where} failed: {detail}")

    def scrub(self, text: str) -> str:
        token = self.connection.token
        return text.replace(token, "[token]") if token else text

    @contextmanager
    def reporting(self, op: str, iid: int | None, *, role: str = BOT_ROLE) -> Iterator[None]:
        """Turn any failure of the block into a :class:`TrackerError` naming ``op`` and ``iid``,
        with what to do about it (:mod:`.failures`); ``role`` is the least role ``op`` needs."""
        try:
            yield
        except (TransportError, GitlabError, requests.RequestException) as exc:
            c = self.connection
            error = translate(exc, op, iid, url=c.url, project=str(c.project), role=role)
            error.args = (self.scrub(str(error)),)
            raise error from exc
