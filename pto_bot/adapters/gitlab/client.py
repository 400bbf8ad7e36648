"""The GitLab tracker: REST API in, complete snapshots out; the few writes pto_bot makes, done
safely (:mod:`.writing`); and at the end of a run, the memory the next run starts from
(:meth:`GitLabTracker.commit`).

Reads are :mod:`.reads`, what one run read and wrote is its :class:`~.unit_of_work.UnitOfWork`,
every HTTP request goes through one :class:`~.api.Api` and :mod:`.transport`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ...domain.away import Discussed, Scan
from ...domain.snapshot import Snapshot
from ..pacing import NOTES_PER_MINUTE, Pacer
from ..tracker import Query
from . import away, runner_copy
from .api import Api, utc_now
from .config import Connection, connection_from_env
from .fitting import fitted
from .guards import refuse_quick_actions
from .home import find_memory
from .memory import Memory, join, key_for, seal, unseal
from .reads import is_board, list_open, project_id_of, read_snapshot, snapshot_of
from .unit_of_work import UnitOfWork
from .writing import MEMORY_ONLY, GitLabWrites

__all__ = ["GitLabTracker"]

_log = logging.getLogger(__name__)

#: An event run leaves the memory as it was unless the next run would read more than this many
#: issues again because of it (besides those whose fields changed: those are kept at once).
REREAD_LIMIT = 3
#: How long the runner's copy of the memory stands for GitLab's when deciding a mention alone.
FRESH = timedelta(hours=2)


class GitLabTracker(GitLabWrites):
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
        memory: bool = True,
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
        self._memory = memory  # False: keep nothing between runs (read all that can matter)
        self._uow = UnitOfWork()
        self._runner: runner_copy.RunnerCopy | None = None  # the runner's copy, as read
        self._query: Query | None = None
        self._user_ids: dict[str, int] = {}
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
    def from_env(
        cls, env: Mapping[str, str], configured_url: str | None = None, **kw: Any
    ) -> GitLabTracker:
        """The tracker the environment names; ``configured_url``: the policy's ``gitlab.url``."""
        found = connection_from_env(env, configured_url)
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

    @property
    def _project(self) -> str:
        return str(self._api.connection.project)

    @property
    def _key(self) -> bytes:
        c = self._api.connection
        return key_for(c.project, c.token)

    # -- reading ----------------------------------------------------------------------------

    def read(self, query: Query) -> Snapshot:
        self._query = query
        listed, synced = list_open(self._api, query.labels, query.board)
        boards = {iid: raw for iid, raw in listed.items() if is_board(raw, query)}
        runner = runner_copy.load(self._cache_path, self._project) if self._memory else None
        memory, home = find_memory(boards, self._key, runner) if self._memory else (None, None)
        self._runner = runner
        self._uow = UnitOfWork(
            memory, home, synced=synced, since=query.since, project_id=project_id_of(listed)
        )
        return read_snapshot(self._api, query, self._uow, listed)

    def recall(self, query: Query) -> Snapshot | None:
        """The snapshot the memory holds: from the runner's copy when it was kept within
        :data:`FRESH` on this runner, else from the bot's issue (one request)."""
        self._query = query
        if not self._memory:
            return None
        runner = runner_copy.load(self._cache_path, self._project)
        fresh = runner is not None and abs(self._api.now() - runner.kept_at) <= FRESH
        memory = unseal(runner.sealed, self._key, runner.home) if runner and fresh else None
        if memory is None:
            labels = [query.board] if query.board else []
            listed = self._api.list_issues(
                f"list issues labelled {query.board!r}", state="all", labels=labels
            )
            boards = {int(raw["iid"]): raw for raw in listed}
            memory, _ = find_memory(boards, self._key, runner)
        if memory is None:
            return None
        uow = UnitOfWork(memory)
        for iid, entry in memory.issues.items():
            uow.keep_as_is(iid, entry)
        return snapshot_of(self._api, uow, [])

    def commit(self, home: int | None, *, whole: bool = True) -> list[str]:
        """Keep the memory of the state this run leaves, in ``home`` (the bot's dashboard; None:
        where it was, or a closed issue of the bot's own made for it), and on the runner.

        ``whole``: a run that read the whole project (the schedule) always keeps it when it
        changed; an event run only when the next run would otherwise read more than
        :data:`REREAD_LIMIT` issues again, or when an issue's own fields changed."""
        uow, query = self._uow, self._query
        memory = uow.memory()
        if not self._memory:
            for iid, text in sorted(uow.descriptions.items()):
                self._write_description(iid, text)
            uow.descriptions.clear()
            return []
        if memory is None or query is None:
            return []
        target = home if home is not None else uow.home
        quiet = not whole and not uow.descriptions and uow.found is not None
        quiet = quiet and not self._stale(uow)  # an event run that leaves GitLab's memory be
        if quiet and not self._runner_behind(target, memory):
            return []
        current = uow.descriptions.get(target or 0)
        if current is None:  # as it stands (the issue made for the memory: as it is made)
            current = str(uow.boards.get(target or 0, {}).get("description") or MEMORY_ONLY)
        memory, sealed = fitted(memory, self._key, target or 0, current)
        same = memory.same_as(uow.found) and target == uow.home
        if same and not uow.descriptions:
            if target is not None and sealed is not None and self._runner_behind(target, memory):
                self._keep_on_runner(target, sealed, memory)
            return []
        if quiet:
            return []
        made = target is None
        if target is None:
            target = self._make_home(query)
            sealed = seal(memory, self._key, target) if sealed is not None else None
        problems: list[str] = []
        if sealed is None:
            problems.append(
                f"the bot's memory does not fit in issue #{target} even without the closed "
                "history: every run reads every issue that can still matter"
            )
        for iid, text in sorted(uow.descriptions.items()):
            if iid != target:
                self._write_description(iid, text)
        self._write_description(target, join(current, sealed), close=made)
        uow.descriptions.clear()
        if sealed is not None:
            self._keep_on_runner(target, sealed, memory)
        uow.home = target
        return problems

    def _stale(self, uow: UnitOfWork) -> bool:
        """An event run changed what the next one would find: an issue's own fields, or more
        than :data:`REREAD_LIMIT` issues' notes."""
        found = uow.found
        if found is None:
            return True
        moved = 0
        for iid, entry in uow.issues.items():
            old = found.issues.get(iid)
            if old is None:
                return True
            if _fields(old.issue) != _fields(entry.issue):
                return True
            if old != entry:
                moved += 1
        return moved > REREAD_LIMIT

    def _runner_behind(self, home: int | None, memory: Memory) -> bool:
        """The runner keeps a copy of the memory, and not yet this one for ``home``."""
        if self._cache_path is None or home is None:
            return False
        known = self._runner
        return known is None or known.home != home or known.synced < memory.synced

    def _keep_on_runner(self, home: int, sealed: str, memory: Memory) -> None:
        copy = runner_copy.RunnerCopy(home, sealed, memory.synced, self._api.now())
        runner_copy.save(self._cache_path, self._project, copy)
        self._runner = copy

    # -- out of office --------------------------------------------------------------------------

    def scan(self, places: Sequence[str], floors: Mapping[str, datetime]) -> Scan:
        return away.scan(self._api, places, floors, self._uow)

    def unread(self, place: str, iid: int) -> None:
        self._uow.unread(place, iid)

    def discussed(self, place: str, iid: int, thread: str = "") -> Discussed:
        return away.read_discussed(self._api, place, iid, thread)

    def reply(self, place: str, iid: int, thread: str, body: str) -> int:
        refuse_quick_actions("answer", iid, body)
        where = f"answer in {place}#{iid}" if place else "answer"

        def post() -> int:
            with self._pacer.write(note=True):
                note = away.post_reply(self._api, place, iid, thread, body)
            if not place:
                self._uow.noted(iid, note, self._api.server_now())
            return int(note["id"])

        def find(since: datetime) -> int | None:
            bot = self.bot_username
            return away.find_reply(self._api, place, iid, thread, body, bot, since)

        with away.elsewhere(place, iid):
            return self._post_once(where, iid, post, find)


def _fields(issue: Mapping[str, Any]) -> dict[str, Any]:
    """What an issue is, apart from when it changed and how many comments it has."""
    return {k: v for k, v in issue.items() if k not in ("updated_at", "user_notes_count")}
