"""The GitLab tracker: REST API in, complete snapshots out; the few writes pto_bot makes, done
safely; and at the end of a run, the memory the next run starts from (:meth:`commit`).

Reads are :mod:`.reads`, what one run read and wrote is its :class:`~.unit_of_work.UnitOfWork`,
every HTTP request goes through one :class:`~.api.Api` and :mod:`.transport`. A POST that failed
in a way that may have been committed (5xx, read timeout) is looked up before it is repeated, so
a note that succeeded behind a 502 is never posted twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from gitlab.exceptions import GitlabCreateError

from ...domain.away import Scan, Thread
from ...domain.markers import read_marker
from ...domain.snapshot import Snapshot
from ...errors import TrackerError
from ..pacing import NOTES_PER_MINUTE, Pacer
from ..tracker import Query
from . import away, runner_copy
from .api import Api, utc_now
from .config import Connection, connection_from_env
from .convert import api_time, parse_time
from .home import find_memory
from .memory import Memory, join, key_for, seal, unseal
from .reads import is_board, list_labels, read_snapshot, snapshot_of
from .transport import Unsure, backoff
from .unit_of_work import UnitOfWork, last_change

__all__ = ["GitLabTracker"]

_log = logging.getLogger(__name__)

#: The most the memory may take of its issue's description (GitLab allows 1,048,576 bytes).
MEMORY_LIMIT = 900_000
#: An event run leaves the memory as it was unless the next run would read more than this many
#: issues again because of it (besides those whose fields changed: those are kept at once).
REREAD_LIMIT = 3
#: How long the runner's copy of the memory stands for GitLab's when deciding a mention alone.
FRESH = timedelta(hours=2)
MEMORY_TITLE = "PTO bot memory"
MEMORY_ONLY = (
    "The PTO bot keeps what it needs from one run to the next in this issue (hidden below), so "
    "that a runner without a cache reads only what changed. The coverage dashboard is off "
    "(`reports.dashboard: false` in the policy).\n\n"
    "Leave it closed and its description as it is: an edit costs the next run extra requests, "
    "nothing worse."
)


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
        self._query: Query | None = None
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
        uow = self._uow = UnitOfWork()
        listed = list_labels(self._api, query, uow)
        boards = {iid: raw for iid, raw in listed.items() if is_board(raw, query)}
        runner = runner_copy.load(self._cache_path, self._project) if self._memory else None
        memory, home = find_memory(boards, self._key, runner) if self._memory else (None, None)
        uow.found, uow.home = memory, home
        uow.places = dict(memory.places) if memory is not None else {}
        return read_snapshot(self._api, query, uow, listed)

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
        same = memory.same_as(uow.found) and target == uow.home
        if same and not uow.descriptions:
            self._keep_on_runner(target, memory)
            return []
        if not whole and not uow.descriptions and uow.found is not None and not self._stale(uow):
            return []
        made = target is None
        if target is None:
            target = self._make_home(query)
        memory, sealed = self._fitting(memory, target)
        problems: list[str] = []
        if sealed is None:
            problems.append(
                f"the bot's memory does not fit in issue #{target} even without the closed "
                "history: every run reads every issue that can still matter"
            )
        for iid, text in sorted(uow.descriptions.items()):
            if iid != target:
                self._write_description(iid, text)
        current = uow.descriptions.get(target)
        if current is None:
            current = str(uow.boards.get(target, {}).get("description") or MEMORY_ONLY)
        self._write_description(target, join(current, sealed), close=made)
        uow.descriptions.clear()
        if sealed is not None:
            copy = runner_copy.RunnerCopy(target, sealed, memory.synced, self._api.now())
            runner_copy.save(self._cache_path, self._project, copy)
        uow.home = target
        return problems

    def _fitting(self, memory: Memory, home: int) -> tuple[Memory, str | None]:
        """``memory`` sealed for ``home``, within :data:`MEMORY_LIMIT`: when it is too large, the
        closed issues changed longest ago are left out (the next run reads them from GitLab),
        half of what is left each time; None when even the open issues do not fit."""
        sealed = seal(memory, self._key, home)
        while len(sealed) > MEMORY_LIMIT:
            closed = sorted(
                (last_change(e), iid)
                for iid, e in memory.issues.items()
                if e.issue.get("state") != "opened"
            )
            if not closed:
                return memory, None
            dropped = closed[: max(1, len(closed) // 2)]
            since = dropped[-1][0] + timedelta(microseconds=1)
            gone = {iid for _, iid in dropped}
            issues = {iid: e for iid, e in memory.issues.items() if iid not in gone}
            memory = memory.model_copy(update={"issues": issues, "since": since})
            _log.warning(
                "the memory leaves out %d closed issue(s) to fit in #%d: they are read each run",
                len(gone),
                home,
            )
            sealed = seal(memory, self._key, home)
        return memory, sealed

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

    def _keep_on_runner(self, home: int | None, memory: Memory) -> None:
        if self._cache_path is None or home is None:
            return
        known = runner_copy.load(self._cache_path, self._project)
        if known is not None and known.home == home and known.synced >= memory.synced:
            return
        sealed = seal(memory, self._key, home)
        copy = runner_copy.RunnerCopy(home, sealed, memory.synced, self._api.now())
        runner_copy.save(self._cache_path, self._project, copy)

    def _make_home(self, query: Query) -> int:
        """An issue of the bot's own for its memory (the dashboard is off), closed by the write
        that puts the memory in it."""
        labels = [query.board] if query.board else []
        data = {"title": MEMORY_TITLE, "description": MEMORY_ONLY, "labels": ",".join(labels)}

        def post() -> int:
            with self._pacer.write():
                made = self._api.project.issues.create(data)
            self._uow.created(made.attributes, self._api.server_now(), board=True)
            return int(made.iid)

        def find(since: datetime) -> int | None:
            return self._find_issue(MEMORY_TITLE, MEMORY_ONLY, labels, since)

        return self._post_once(f"create issue {MEMORY_TITLE!r}", None, post, find)

    def _write_description(self, iid: int, description: str, close: bool = False) -> None:
        """One write; ``close``: and close the issue (the memory's own, made closed)."""
        _refuse_quick_actions("edit description", iid, description)
        change = {"description": description, **({"state_event": "close"} if close else {})}
        with self._api.reporting("edit description", iid), self._pacer.write():
            answer = self._api.project.issues.update(iid, change)
        self._uow.issue_written(iid, answer, self._api.server_now())

    # -- out of office --------------------------------------------------------------------------

    def scan(self, places: Sequence[str], floors: Mapping[str, datetime]) -> Scan:
        return away.scan(self._api, places, floors, self._uow)

    def unread(self, place: str, iid: int) -> None:
        self._uow.unread(place, iid)

    def threads(self, place: str, iid: int, thread: str = "") -> tuple[Thread, ...]:
        return away.read_threads(self._api, place, iid, thread)

    def reply(self, place: str, iid: int, thread: str, body: str) -> int:
        _refuse_quick_actions("answer", iid, body)
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

    # -- writing ----------------------------------------------------------------------------

    def post_note(self, iid: int, body: str) -> int:
        _refuse_quick_actions("post note", iid, body)

        def post() -> int:
            with self._pacer.write(note=True):
                note = self._api.issue(iid).notes.create({"body": body})
            self._uow.noted(iid, note.attributes, self._api.server_now())
            return int(note.id)

        return self._post_once(
            "post note", iid, post, lambda since: self._find_note(iid, body, since)
        )

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        _refuse_quick_actions("edit note", iid, body)
        with self._api.reporting(f"edit note {note_id}", iid), self._pacer.write(note=True):
            answer = self._api.issue(iid).notes.update(note_id, {"body": body})
        self._uow.note_edited(iid, answer, self._api.server_now())

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
                answer = self._api.project.issues.update(iid, change)
            self._uow.issue_written(iid, answer, self._api.server_now())

    def create_issue(self, title: str, description: str, labels: Sequence[str]) -> int:
        _refuse_quick_actions("create issue", None, description)
        data = {"title": title, "description": description, "labels": ",".join(labels)}
        board = self._query is not None and self._query.board in labels

        def post() -> int:
            with self._pacer.write():
                made = self._api.project.issues.create(data)
            self._uow.created(made.attributes, self._api.server_now(), board=board)
            return int(made.iid)

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
        if iid in self._uow.boards:  # the bot's own issue: written with its memory, at commit
            self._uow.descriptions[iid] = description
            return
        self._write_description(iid, description)

    def set_state(self, iid: int, state: str) -> None:
        if state not in ("close", "reopen"):
            raise TrackerError(f"set state: {state!r} is neither 'close' nor 'reopen'", iid)
        with self._api.reporting(f"{state} issue", iid), self._pacer.write():
            answer = self._api.project.issues.update(iid, {"state_event": state})
        self._uow.issue_written(iid, answer, self._api.server_now())

    # -- helpers ----------------------------------------------------------------------------

    def _post_once(
        self,
        op: str,
        iid: int | None,
        post: Callable[[], int],
        find: Callable[[datetime], int | None],
    ) -> int:
        """Run ``post``; after a failure that may have been committed, ``find`` what it made
        (created since just before the first attempt, by GitLab's clock) before trying again."""
        since = self._api.server_before()
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
                self._uow.noted(iid, raw, self._api.server_now())
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


def _fields(issue: Mapping[str, Any]) -> dict[str, Any]:
    """What an issue is, apart from when it changed and how many comments it has."""
    return {k: v for k, v in issue.items() if k not in ("updated_at", "user_notes_count")}


def _refuse_quick_actions(op: str, iid: int | None, body: str) -> None:
    """The bot never sends a quick action: a line starting with ``/`` is a bug upstream."""
    for line in body.splitlines():
        if line.startswith("/"):
            raise TrackerError(
                f"{op}: refused to send text with a line starting with '/' ({line[:40]!r}); "
                "GitLab would run it as a quick action",
                iid,
            )
