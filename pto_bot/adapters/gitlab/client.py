"""The GitLab tracker: REST API in, plain snapshots out; the few writes pto_bot makes, done safely.

Reads list the issues of the bot's labels (open ones, and closed ones that can still matter) and
their notes, converted at the edge (:mod:`.convert`) and cached between runs (:mod:`.cache`).
Every HTTP request goes through :mod:`.transport`. A POST that failed in a way that may have been
committed (5xx, read timeout) is looked up before it is repeated, so a note that succeeded behind
a 502 is never posted twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gitlab
import requests
from gitlab.exceptions import GitlabCreateError, GitlabError
from gitlab.v4.objects import ProjectIssue

from ...domain.markers import read_marker
from ...domain.snapshot import Issue, Note, Snapshot
from ...errors import ConfigError, TrackerError
from .cache import CACHE_SETTLE, NoteCache
from .convert import api_time, issue_from_api, notes_from_api, parse_time
from .transport import RollingLimit, Transport, TransportError, Unsure, backoff

_log = logging.getLogger(__name__)

#: Closed issues updated longer ago than this cannot matter any more.
CLOSED_LOOKBACK = timedelta(days=400)
#: How far back a lookup for an ambiguous create searches (clock skew between runner and server).
LOOKUP_SLACK = timedelta(minutes=5)
_PAGE = 100


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        self._note_pace = RollingLimit(notes_per_minute, 60.0, clock, sleep)
        request_pace = RollingLimit(requests_per_minute, 60.0, clock, sleep)
        self._transport = Transport(max_attempts=max_attempts, pace=request_pace, sleep=sleep)
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
        cache = NoteCache(self._cache_path, str(self._project_ref))
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
                notes, skipped = self._notes(found[iid], cache, started)
                issues.append(issue_from_api(found[iid], notes))
            except (TrackerError, KeyError, TypeError, ValueError) as exc:
                errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
                continue
            errors += [f"#{iid}: {line}" for line in skipped]
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
        self, labels: Sequence[str], cache: NoteCache, started: datetime
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
                    updated_after=api_time(since),
                ):
                    closed[int(raw["iid"])] = raw
        else:
            closed, synced = known
            changed = self._list(
                "list issues closed or changed since the last run",
                state="closed",
                updated_after=api_time(synced - CACHE_SETTLE),
            )
            for raw in changed:
                if wanted & set(raw.get("labels") or ()):
                    closed[int(raw["iid"])] = raw
                else:
                    closed.pop(int(raw["iid"]), None)
        closed = {k: v for k, v in closed.items() if parse_time(v["updated_at"]) >= since}
        cache.set_closed(closed, started)
        return closed

    def _notes(
        self, raw: Mapping[str, Any], cache: NoteCache, started: datetime
    ) -> tuple[tuple[Note, ...], list[str]]:
        cached = cache.get(raw)
        if cached is not None:
            return cached, []
        iid = int(raw["iid"])
        with self._reporting("read notes", iid):
            listed = self._issue_ref(iid).notes.list(
                sort="asc", order_by="created_at", per_page=_PAGE, iterator=True
            )
            notes = [note.attributes for note in listed]
        converted, skipped = notes_from_api(notes)
        cache.put(raw, notes, started)
        return converted, skipped

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
                except Unsure as exc:
                    failure = str(exc)
                self._sleep(backoff(attempt))
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
                and parse_time(raw["created_at"]) >= since
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

    def _where(self, op: str, iid: int | None, detail: str) -> str:
        where = f" on issue #{iid}" if iid is not None else ""
        text = f"GitLab: {op}{where} failed: {detail}"
        return text.replace(self._token, "[token]") if self._token else text

    @contextmanager
    def _reporting(self, op: str, iid: int | None) -> Iterator[None]:
        """Turn any failure of the block into a :class:`TrackerError` naming ``op`` and ``iid``."""
        try:
            yield
        except (TransportError, GitlabError, requests.RequestException) as exc:
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
