"""The GitLab tracker: REST API in, plain snapshots out; the few writes pto_bot makes, done safely.

The only module of pto_bot that imports ``gitlab``. Every HTTP request goes through one
:class:`_Transport` that counts it, paces it and retries it when a retry cannot duplicate a write.
A POST that failed in a way that may have been committed (5xx, read timeout) is looked up before
it is repeated, so a note that succeeded behind a 502 is never posted twice.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gitlab
import requests
from gitlab.exceptions import GitlabCreateError, GitlabError
from gitlab.v4.objects import ProjectIssue

from ..errors import ConfigError, TrackerError
from ..markers import read_marker
from ..model import Issue, Note, Snapshot

_log = logging.getLogger(__name__)

#: Closed issues updated longer ago than this cannot matter any more.
CLOSED_LOOKBACK = timedelta(days=400)
#: GitLab touches an issue's ``updated_at`` for a new or edited note only when the last touch is
#: older than one minute (``ThrottledTouch::TOUCH_INTERVAL``); five more minutes cover clock skew.
#: Cached notes are trusted only when they were read this long after the issue's ``updated_at``.
CACHE_SETTLE = timedelta(minutes=6)
#: How far back a lookup for an ambiguous create searches (clock skew between runner and server).
LOOKUP_SLACK = timedelta(minutes=5)
MAX_RETRY_AFTER = 60.0
MAX_BACKOFF = 30.0
_PAGE = 100
_CACHE_VERSION = 1
_RETRYABLE_STATUS = frozenset([429, 500, 502, 503, 504, *range(520, 531)])
_TRANSIENT_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


# --- HTTP: counting, pacing, retries ------------------------------------------------------------


class _TransportError(Exception):
    """A request failed below python-gitlab; the message names the request, never the token."""


class _Unsure(_TransportError):
    """A POST failed in a way that may have been committed: look it up before repeating it."""


class _GaveUp(_TransportError):
    """A retryable failure persisted through every attempt."""


class _RollingLimit:
    """At most ``limit`` events in any rolling ``window`` seconds; waits with the injected sleep."""

    def __init__(
        self,
        limit: int,
        window: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._sleep = sleep
        self._stamps: deque[float] = deque()

    def acquire(self) -> None:
        now = self._clock()
        while self._stamps and now - self._stamps[0] >= self._window:
            self._stamps.popleft()
        if len(self._stamps) >= self._limit:
            self._sleep(self._window - (now - self._stamps.popleft()))
            now = max(now, self._clock())
        self._stamps.append(now)


def _backoff(attempt: int) -> float:
    return float(min(MAX_BACKOFF, 2 ** (attempt - 1)))


def _retry_after(response: requests.Response, attempt: int) -> float:
    try:
        seconds = float(response.headers.get("Retry-After", ""))
    except ValueError:
        return _backoff(attempt)
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def _announce(what: str, attempt: int, delay: float) -> float:
    _log.warning("%s; retry %d in %.1f s", what, attempt, delay)
    return delay


def _describe(request: requests.PreparedRequest) -> str:
    return f"{request.method} {urlsplit(request.url or '').path}"


class _Transport(requests.Session):
    """The session python-gitlab sends through: every attempt counted, paced and retried here.

    429 honours ``Retry-After`` (capped); 5xx/52x, timeouts and connection errors back off
    exponentially. A POST is repeated here only when it certainly was not applied (429, connect
    timeout); otherwise :class:`_Unsure` tells the caller to look before posting again.
    """

    def __init__(self, *, max_attempts: int, pace: _RollingLimit, sleep: Callable[[float], None]):
        super().__init__()
        self.requests_made = 0
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
                if response.status_code not in _RETRYABLE_STATUS:
                    return response
                response.close()
                delay = self._after_status(request, response, attempt)
            self._sleep(delay)

    def _after_error(
        self, request: requests.PreparedRequest, exc: Exception, attempt: int
    ) -> float:
        what = f"{_describe(request)}: {type(exc).__name__}"
        if request.method == "POST" and not isinstance(exc, requests.exceptions.ConnectTimeout):
            raise _Unsure(what) from exc
        if attempt >= self._max_attempts:
            raise _GaveUp(f"{what}, {attempt} attempts") from exc
        return _announce(what, attempt, _backoff(attempt))

    def _after_status(
        self, request: requests.PreparedRequest, response: requests.Response, attempt: int
    ) -> float:
        what = f"{_describe(request)}: HTTP {response.status_code}"
        if request.method == "POST" and response.status_code != 429:
            raise _Unsure(what)
        if attempt >= self._max_attempts:
            raise _GaveUp(f"{what}, {attempt} attempts")
        if response.status_code == 429:
            return _announce(what, attempt, _retry_after(response, attempt))
        return _announce(what, attempt, _backoff(attempt))


# --- conversion at the edge -------------------------------------------------------------------


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _api_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _note(raw: Mapping[str, Any]) -> Note:
    return Note(
        id=int(raw["id"]),
        author=str(raw["author"]["username"]),
        body=str(raw.get("body") or ""),
        created_at=_time(raw["created_at"]),
        updated_at=_time(raw["updated_at"]),
        system=bool(raw.get("system", False)),
    )


def _cached_form(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The part of an API note the cache keeps: exactly what :func:`_note` reads."""
    keys = ("id", "body", "created_at", "updated_at", "system")
    return {"author": {"username": raw["author"]["username"]}, **{k: raw.get(k) for k in keys}}


def _issue(raw: Mapping[str, Any], notes: tuple[Note, ...]) -> Issue:
    closed_at = raw.get("closed_at")
    return Issue(
        iid=int(raw["iid"]),
        title=str(raw["title"]),
        description=str(raw.get("description") or ""),
        labels=tuple(str(label) for label in raw.get("labels") or ()),
        state=str(raw["state"]),
        author=str(raw["author"]["username"]),
        created_at=_time(raw["created_at"]),
        updated_at=_time(raw["updated_at"]),
        assignees=tuple(str(a["username"]) for a in raw.get("assignees") or ()),
        closed_at=_time(closed_at) if closed_at else None,
        web_url=str(raw.get("web_url") or ""),
        notes=notes,
    )


def _project_web_url(issues: Sequence[Issue]) -> str:
    for issue in issues:
        if "/-/issues/" in issue.web_url:
            return issue.web_url.split("/-/issues/")[0]
    return ""


def _refuse_quick_actions(op: str, iid: int | None, body: str) -> None:
    """The bot never sends a quick action: a line starting with ``/`` is a bug upstream."""
    for line in body.splitlines():
        if line.startswith("/"):
            raise TrackerError(
                f"{op}: refused to send text with a line starting with '/' ({line[:40]!r}); "
                "GitLab would run it as a quick action",
                iid,
            )


# --- the note cache -----------------------------------------------------------------------------


class _NoteCache:
    """Notes per issue, reused while the issue's ``updated_at`` and note count are unchanged.

    GitLab bumps ``updated_at`` for a new or edited note only when the last bump is over a minute
    old, so an entry is trusted only if it was read :data:`CACHE_SETTLE` after that ``updated_at``.
    A missing or corrupt file, or entry, costs requests, never an error.
    """

    def __init__(self, path: Path | None, project: str) -> None:
        self._path = path
        self._project = project
        data = self._load()
        self._entries: dict[str, Any] = data.get("issues", {})
        self._closed: dict[str, Any] = data.get("closed", {})
        self._closed_synced: str | None = data.get("closed_synced")
        self._seen: set[str] = set()

    def _load(self) -> dict[str, Any]:
        if self._path is None:
            return {}
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != _CACHE_VERSION:
            return {}
        if data.get("project") != self._project or not isinstance(data.get("issues"), dict):
            return {}
        return data

    @staticmethod
    def _key(raw: Mapping[str, Any]) -> list[Any]:
        return [raw["updated_at"], raw.get("user_notes_count")]

    def closed_issues(self, since: datetime) -> tuple[dict[int, dict[str, Any]], datetime] | None:
        """The closed issues known at the last sync and when that was, if it covers ``since``."""
        try:
            synced = _time(self._closed_synced) if self._closed_synced else None
            closed = {int(k): dict(v) for k, v in self._closed.items()}
        except (TypeError, ValueError, AttributeError):
            return None
        if synced is None or synced < since:
            return None
        return closed, synced

    def set_closed(self, closed: Mapping[int, Mapping[str, Any]], synced: datetime) -> None:
        self._closed = {str(k): dict(v) for k, v in closed.items()}
        self._closed_synced = synced.isoformat()

    def get(self, raw: Mapping[str, Any]) -> tuple[Note, ...] | None:
        self._seen.add(str(raw["iid"]))
        entry = self._entries.get(str(raw["iid"]))
        if not isinstance(entry, dict):
            return None
        try:
            if entry["key"] != self._key(raw):
                return None
            if _time(entry["read_at"]) < _time(raw["updated_at"]) + CACHE_SETTLE:
                return None
            notes = tuple(_note(n) for n in entry["notes"])
        except (KeyError, TypeError, ValueError):
            return None
        return notes

    def put(self, raw: Mapping[str, Any], notes: list[dict[str, Any]], read_at: datetime) -> None:
        self._entries[str(raw["iid"])] = {
            "key": self._key(raw),
            "read_at": read_at.isoformat(),
            "notes": [_cached_form(n) for n in notes],
        }

    def save(self) -> None:
        if self._path is None:
            return
        entries = {k: v for k, v in self._entries.items() if k in self._seen}  # forget the gone
        data = {
            "version": _CACHE_VERSION,
            "project": self._project,
            "issues": entries,
            "closed": self._closed,
            "closed_synced": self._closed_synced,
        }
        tmp = self._path.with_name(self._path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self._path)
        except OSError as exc:
            _log.warning("note cache not saved (%s): the next run reads every issue's notes", exc)


# --- the tracker ------------------------------------------------------------------------------


class GitLabTracker:
    """:class:`pto_bot.tracker.base.Tracker` over GitLab's REST API (python-gitlab)."""

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
        now: Callable[[], datetime] = _utc_now,
        max_attempts: int = 5,
        notes_per_minute: int = 50,
        requests_per_minute: int = 600,
    ) -> None:
        self._url = url
        self._token = token
        self._project_ref = project
        self._bot_username = bot_username
        self._cache_path = cache_path
        self._sleep = sleep
        self._now = now
        self._max_attempts = max_attempts
        self._note_pace = _RollingLimit(notes_per_minute, 60.0, clock, sleep)
        request_pace = _RollingLimit(requests_per_minute, 60.0, clock, sleep)
        self._transport = _Transport(max_attempts=max_attempts, pace=request_pace, sleep=sleep)
        self._gl = gitlab.Gitlab(
            url,
            private_token=token,
            timeout=timeout,
            retry_transient_errors=False,  # _Transport retries, with the injected sleep
            session=self._transport,
            user_agent="pto-bot",
        )
        self._project = self._gl.projects.get(project, lazy=True)

    @classmethod
    def from_env(cls, env: Mapping[str, str], **kw: Any) -> GitLabTracker:
        url = env.get("GITLAB_URL") or env.get("CI_SERVER_URL") or ""
        token = env.get("GITLAB_TOKEN") or ""
        project = env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID") or ""
        problems = _env_problems(url, token, project)
        if problems:
            raise ConfigError(problems)
        return cls(url, token, int(project) if project.isdigit() else project, **kw)

    def __repr__(self) -> str:
        return f"GitLabTracker(url={self._url!r}, project={self._project_ref!r})"

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._transport.requests_made

    @property
    def bot_username(self) -> str:
        if self._bot_username is None:
            with self._reporting("read the bot's own user (GET /user)", None):
                self._gl.auth()
            assert self._gl.user is not None
            self._bot_username = str(self._gl.user.username)
        return self._bot_username

    # -- reading ----------------------------------------------------------------------------

    def read(self, labels: Sequence[str]) -> Snapshot:
        started = self._now()
        cache = _NoteCache(self._cache_path, str(self._project_ref))
        found: dict[int, dict[str, Any]] = {}
        for label in labels:
            for raw in self._list(
                f"list open issues labelled {label!r}", state="opened", labels=[label]
            ):
                found.setdefault(int(raw["iid"]), raw)
        closed = self._closed(labels, cache, started)
        for iid, raw in closed.items():
            if iid not in found:
                found[iid] = raw
        issues: list[Issue] = []
        errors: list[str] = []
        for iid in sorted(found):
            try:
                issues.append(_issue(found[iid], self._notes(found[iid], cache, started)))
            except (TrackerError, KeyError, TypeError, ValueError) as exc:
                errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
        cache.save()
        return Snapshot(
            issues=tuple(issues),
            project=str(self._project_ref),
            web_url=_project_web_url(issues),
            errors=tuple(errors),
        )

    def _list(self, what: str, **query: Any) -> list[dict[str, Any]]:
        with self._reporting(what, None):
            listed = self._project.issues.list(per_page=_PAGE, iterator=True, **query)
            return [issue.attributes for issue in listed]

    def _closed(
        self, labels: Sequence[str], cache: _NoteCache, started: datetime
    ) -> dict[int, dict[str, Any]]:
        """Closed issues that can still matter (updated within :data:`CLOSED_LOOKBACK`).

        The first run lists them by label; later runs list only the project's issues closed or
        changed since the last sync (usually none), so old history costs no requests.
        """
        since = started - CLOSED_LOOKBACK
        known = cache.closed_issues(since)
        wanted = set(labels)
        if known is None:
            closed: dict[int, dict[str, Any]] = {}
            for label in labels:
                for raw in self._list(
                    f"list closed issues labelled {label!r}",
                    state="closed",
                    labels=[label],
                    updated_after=_api_time(since),
                ):
                    closed[int(raw["iid"])] = raw
        else:
            closed, synced = known
            changed = self._list(
                "list issues closed or changed since the last run",
                state="closed",
                updated_after=_api_time(synced - CACHE_SETTLE),
            )
            for raw in changed:
                if wanted & set(raw.get("labels") or ()):
                    closed[int(raw["iid"])] = raw
                else:
                    closed.pop(int(raw["iid"]), None)
        closed = {k: v for k, v in closed.items() if _time(v["updated_at"]) >= since}
        cache.set_closed(closed, started)
        return closed

    def _notes(
        self, raw: Mapping[str, Any], cache: _NoteCache, started: datetime
    ) -> tuple[Note, ...]:
        cached = cache.get(raw)
        if cached is not None:
            return cached
        iid = int(raw["iid"])
        with self._reporting("read notes", iid):
            listed = self._issue_ref(iid).notes.list(
                sort="asc", order_by="created_at", per_page=_PAGE, iterator=True
            )
            notes = [note.attributes for note in listed]
        converted = tuple(_note(n) for n in notes)
        cache.put(raw, notes, started)
        return converted

    # -- writing ----------------------------------------------------------------------------

    def post_note(self, iid: int, body: str) -> int:
        _refuse_quick_actions("post note", iid, body)

        def post() -> int:
            self._note_pace.acquire()
            return int(self._issue_ref(iid).notes.create({"body": body}).id)

        return self._post_once(
            "post note", iid, post, lambda since: self._find_note(iid, body, since)
        )

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        _refuse_quick_actions("edit note", iid, body)
        with self._reporting(f"edit note {note_id}", iid):
            self._issue_ref(iid).notes.update(note_id, {"body": body})

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
            with self._reporting("set labels", iid):
                self._project.issues.update(iid, change)

    def create_issue(self, title: str, description: str, labels: Sequence[str]) -> int:
        _refuse_quick_actions("create issue", None, description)
        data = {"title": title, "description": description, "labels": ",".join(labels)}

        def post() -> int:
            return int(self._project.issues.create(data).iid)

        def find(since: datetime) -> int | None:
            return self._find_issue(title, description, labels, since)

        return self._post_once(f"create issue {title!r}", None, post, find)

    def link_issues(self, iid: int, other_iid: int) -> None:
        data = {
            "target_project_id": self._project_ref,
            "target_issue_iid": other_iid,
            "link_type": "relates_to",
        }

        def post() -> int:
            try:
                self._issue_ref(iid).links.create(data)
            except GitlabCreateError as exc:
                if exc.response_code != 409:  # 409: "Issue(s) already assigned": linked already
                    raise
            return other_iid

        self._post_once(f"link issue #{other_iid}", iid, post, lambda since: None)

    def edit_description(self, iid: int, description: str) -> None:
        _refuse_quick_actions("edit description", iid, description)
        with self._reporting("edit description", iid):
            self._project.issues.update(iid, {"description": description})

    def set_state(self, iid: int, state: str) -> None:
        if state not in ("close", "reopen"):
            raise TrackerError(f"set state: {state!r} is neither 'close' nor 'reopen'", iid)
        with self._reporting(f"{state} issue", iid):
            self._project.issues.update(iid, {"state_event": state})

    # -- helpers ----------------------------------------------------------------------------

    def _issue_ref(self, iid: int) -> ProjectIssue:
        return self._project.issues.get(iid, lazy=True)

    def _post_once(
        self,
        op: str,
        iid: int | None,
        post: Callable[[], int],
        find: Callable[[datetime], int | None],
    ) -> int:
        """Run ``post``; after a failure that may have been committed, ``find`` what it made
        (created since the first attempt) before trying again."""
        since = self._now() - LOOKUP_SLACK
        failure = ""
        for attempt in range(1, self._max_attempts + 1):
            with self._reporting(op, iid):
                try:
                    return post()
                except _Unsure as exc:
                    failure = str(exc)
                self._sleep(_backoff(attempt))
                found = find(since)
                if found is not None:
                    _log.warning("%s: %s, but it was applied (id %d)", op, failure, found)
                    return found
        raise TrackerError(self._where(op, iid, f"{failure}, {self._max_attempts} attempts"), iid)

    def _find_note(self, iid: int, body: str, since: datetime) -> int | None:
        latest = self._issue_ref(iid).notes.list(
            sort="desc", order_by="created_at", per_page=20, get_all=False
        )
        for note in latest:
            raw = note.attributes
            if (
                str(raw.get("body") or "").strip() == body.strip()
                and raw["author"]["username"] == self.bot_username
                and _time(raw["created_at"]) >= since
            ):
                return int(raw["id"])
        return None

    def _find_issue(
        self, title: str, description: str, labels: Sequence[str], since: datetime
    ) -> int | None:
        marker = read_marker(description)
        recent = self._project.issues.list(
            labels=list(labels),
            author_username=self.bot_username,
            created_after=_api_time(since),
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

    def _where(self, op: str, iid: int | None, detail: str) -> str:
        where = f" on issue #{iid}" if iid is not None else ""
        text = f"GitLab: {op}{where} failed: {detail}"
        return text.replace(self._token, "[token]") if self._token else text

    @contextmanager
    def _reporting(self, op: str, iid: int | None) -> Iterator[None]:
        """Turn any failure of the block into a :class:`TrackerError` naming ``op`` and ``iid``."""
        try:
            yield
        except (_TransportError, GitlabError, requests.RequestException) as exc:
            raise TrackerError(self._where(op, iid, str(exc) or type(exc).__name__), iid) from exc


def _env_problems(url: str, token: str, project: str) -> list[str]:
    problems = []
    if not url:
        problems.append(
            "GITLAB_URL (or CI_SERVER_URL) is not set: it should hold the GitLab base URL, "
            "e.g. https://gitlab.com"
        )
    elif not url.startswith(("https://", "http://")):
        problems.append("GITLAB_URL should start with https:// (e.g. https://gitlab.com)")
    if not token:
        problems.append(
            "GITLAB_TOKEN is not set: it should hold a project access token with the api scope "
            "(a CI job token cannot write notes)"
        )
    if not project:
        problems.append(
            "PTO_BOT_PROJECT (or CI_PROJECT_ID) is not set: it should hold the project's numeric "
            "ID or its path, e.g. support/ase"
        )
    return problems
