"""The GitLab tracker: REST API in, plain snapshots out; the few writes pto_bot makes, done safely.

Reads are :mod:`.reads`; every HTTP request goes through one :class:`~.api.Api` and
:mod:`.transport`. A POST that failed in a way that may have been committed (5xx, read timeout)
is looked up before it is repeated, so a note that succeeded behind a 502 is never posted twice.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gitlab.exceptions import GitlabCreateError

from ...domain.away import Scan, Thread
from ...domain.markers import read_marker
from ...domain.memory import Memory, seal
from ...domain.snapshot import Snapshot
from ...errors import TrackerError
from ..pacing import NOTES_PER_MINUTE, Pacer
from ..tracker import Wanted
from . import away
from .api import Api, utc_now
from .config import CLOSED_LOOKBACK, Connection, connection_from_env
from .convert import api_time, parse_time
from .reads import read_snapshot
from .transport import Unsure, backoff

__all__ = ["CLOSED_LOOKBACK", "GitLabTracker"]

_log = logging.getLogger(__name__)

#: How far back a lookup for an ambiguous create searches (clock skew between runner and server).
LOOKUP_SLACK = timedelta(minutes=5)


class GitLabTracker:
    """:class:`~pto_bot.adapters.tracker.Tracker` over GitLab's REST API (python-gitlab)."""

    def __init__(
        self,
        url: str,
        token: str,
        project: str | int,
        *,
        bot_username: str | None = None,
        timeout: float = 30,
        cache_path: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        max_attempts: int = 5,
        writes_per_minute: int = 20,
        write_minutes: float = 10,
        notes_per_minute: int = NOTES_PER_MINUTE,
        requests_per_minute: int = 600,
    ) -> None:
        self._api = Api(
            Connection(url, token.strip(), project),
            timeout=timeout,
            sleep=sleep,
            clock=clock,
            now=now,
            max_attempts=max_attempts,
            requests_per_minute=requests_per_minute,
        )
        self._bot_username = bot_username
        self._cache_path = cache_path
        self._pacer = Pacer(
            writes_per_minute,
            write_minutes * 60,
            clock,
            sleep,
            notes_per_minute=notes_per_minute,
            wall=lambda: now().timestamp(),
            record=cache_path.with_name(f"{cache_path.stem}-writes.json") if cache_path else None,
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kw: Any) -> GitLabTracker:
        found = connection_from_env(env)
        return cls(found.url, found.token, found.project, **kw)

    def __repr__(self) -> str:
        c = self._api.connection
        return f"GitLabTracker(url={c.url!r}, project={c.project!r})"

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._api.transport.requests_made

    @property
    def bot_username(self) -> str:
        if self._bot_username is None:
            with self._api.reporting("read the bot's own user (GET /user)", None):
                self._api.gl.auth()
            assert self._api.gl.user is not None
            self._bot_username = str(self._api.gl.user.username)
        return self._bot_username

    @property
    def pacer(self) -> Pacer:
        return self._pacer

    # -- reading ----------------------------------------------------------------------------

    def read(self, labels: Sequence[str], wanted: Wanted | None = None) -> Snapshot:
        return read_snapshot(self._api, labels, wanted, self._cache_path, self._memory_key)

    @property
    def _memory_key(self) -> bytes:
        c = self._api.connection
        return hashlib.sha256(f"pto-bot memory\n{c.project}\n{c.token}".encode()).digest()

    def seal(self, memory: Memory) -> str:
        return seal(memory, self._memory_key)

    # -- out of office --------------------------------------------------------------------------

    def recall(self, board: str) -> Memory | None:
        return away.recall(self._api, board, self._memory_key)

    def scan(
        self, since: Mapping[str, datetime | None], seen: Mapping[str, Mapping[int, int]]
    ) -> Scan:
        return away.scan(self._api, since, seen)

    def threads(self, place: str, iid: int, thread: str = "") -> tuple[Thread, ...]:
        return away.read_threads(self._api, place, iid, thread)

    def reply(self, place: str, iid: int, thread: str, body: str) -> int:
        _refuse_quick_actions("answer", iid, body)
        where = f"answer in {place}#{iid}" if place else "answer"

        def post() -> int:
            with self._pacer.write(note=True):
                return away.post_reply(self._api, place, iid, thread, body)

        def find(since: datetime) -> int | None:
            bot = self.bot_username
            return away.find_reply(self._api, place, iid, thread, body, bot, since)

        with away.elsewhere(place, iid):
            return self._post_once(where, iid, post, find)

    # -- writing ----------------------------------------------------------------------------

    def post_note(self, iid: int, body: str) -> int:
        _refuse_quick_actions("post note", iid, body)

        def post() -> int:
            with self._pacer.write(note=True):
                return int(self._api.issue(iid).notes.create({"body": body}).id)

        return self._post_once(
            "post note", iid, post, lambda since: self._find_note(iid, body, since)
        )

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        _refuse_quick_actions("edit note", iid, body)
        with self._api.reporting(f"edit note {note_id}", iid), self._pacer.write(note=True):
            self._api.issue(iid).notes.update(note_id, {"body": body})

    def set_labels(self, iid: int, add: Sequence[str], remove: Sequence[str]) -> None:
        bad = [label for label in [*add, *remove] if "," in label]
        if bad:
            raise TrackerError(f"set labels: a label name cannot contain ',' ({bad})", iid)
        change = {
            key: ",".join(labels)
            for key, labels in (("add_labels", add), ("remove_labels", remove))
            if labels
        }
        if change:
            with self._api.reporting("set labels", iid), self._pacer.write():
                self._api.project.issues.update(iid, change)

    def create_issue(self, title: str, description: str, labels: Sequence[str]) -> int:
        _refuse_quick_actions("create issue", None, description)
        data = {"title": title, "description": description, "labels": ",".join(labels)}

        def post() -> int:
            with self._pacer.write():
                return int(self._api.project.issues.create(data).iid)

        def find(since: datetime) -> int | None:
            return self._find_issue(title, description, labels, since)

        return self._post_once(f"create issue {title!r}", None, post, find)

    def link_issues(self, iid: int, other_iid: int) -> None:
        data = {
            "target_project_id": self._api.connection.project,
            "target_issue_iid": other_iid,
            "link_type": "relates_to",
        }

        def post() -> int:
            try:
                with self._pacer.write():
                    self._api.issue(iid).links.create(data)
            except GitlabCreateError as exc:
                if exc.response_code != 409:  # 409: "Issue(s) already assigned": linked already
                    raise
            return other_iid

        self._post_once(f"link issue #{other_iid}", iid, post, lambda since: None)

    def edit_description(self, iid: int, description: str) -> None:
        _refuse_quick_actions("edit description", iid, description)
        with self._api.reporting("edit description", iid), self._pacer.write():
            self._api.project.issues.update(iid, {"description": description})

    def set_state(self, iid: int, state: str) -> None:
        if state not in ("close", "reopen"):
            raise TrackerError(f"set state: {state!r} is neither 'close' nor 'reopen'", iid)
        with self._api.reporting(f"{state} issue", iid), self._pacer.write():
            self._api.project.issues.update(iid, {"state_event": state})

    # -- helpers ----------------------------------------------------------------------------

    def _post_once(
        self,
        op: str,
        iid: int | None,
        post: Callable[[], int],
        find: Callable[[datetime], int | None],
    ) -> int:
        """Run ``post``; after a failure that may have been committed, ``find`` what it made
        (created since the first attempt) before trying again."""
        since = self._api.now() - LOOKUP_SLACK
        failure = ""
        for attempt in range(1, self._api.max_attempts + 1):
            with self._api.reporting(op, iid):
                try:
                    return post()
                except Unsure as exc:
                    failure = str(exc)
                self._api.sleep(backoff(attempt))
                found = find(since)
                if found is not None:
                    _log.warning("%s: %s, but it was applied (id %d)", op, failure, found)
                    return found
        raise TrackerError(
            self._api.where(op, iid, f"{failure}, {self._api.max_attempts} attempts"), iid
        )

    def _find_note(self, iid: int, body: str, since: datetime) -> int | None:
        latest = self._api.issue(iid).notes.list(
            sort="desc", order_by="created_at", per_page=20, get_all=False
        )
        for note in latest:
            raw = note.attributes
            if (
                str(raw.get("body") or "").strip() == body.strip()
                and raw["author"]["username"] == self.bot_username
                and parse_time(raw["created_at"]) >= since
            ):
                return int(raw["id"])
        return None

    def _find_issue(
        self, title: str, description: str, labels: Sequence[str], since: datetime
    ) -> int | None:
        marker = read_marker(description)
        recent = self._api.project.issues.list(
            labels=list(labels),
            author_username=self.bot_username,
            created_after=api_time(since),
            order_by="created_at",
            sort="desc",
            per_page=20,
            get_all=False,
        )
        for issue in recent:
            raw = issue.attributes
            if marker is not None:
                if read_marker(str(raw.get("description") or "")) == marker:
                    return int(raw["iid"])
            elif raw["title"] == title:
                return int(raw["iid"])
        return None


def _refuse_quick_actions(op: str, iid: int | None, body: str) -> None:
    """The bot never sends a quick action: a line starting with ``/`` is a bug upstream."""
    for line in body.splitlines():
        if line.startswith("/"):
            raise TrackerError(
                f"{op}: refused to send text with a line starting with '/' ({line[:40]!r}); "
                "GitLab would run it as a quick action",
                iid,
            )
