"""A stateful fake of the GitLab REST API (v4) on top of ``responses``.

Enough of GitLab for pto_bot's adapter, with GitLab's documented behaviour where it matters:
response bodies in the documented JSON shapes, offset pagination (``X-Next-Page``, ``X-Page``,
``X-Total``, ``Link``), quick actions really executed in posted or edited notes and in issue
descriptions (a commands-only note is not stored and answers 202), GitLab's sizes (a note over
1,000,000 characters, a description over 1 MiB: 400), Free-tier labels (scoped labels
are NOT exclusive), ``updated_at`` bumped on every change but within a minute of the last for a
note or a label-only change (GitLab's ThrottledTouch, ``touch_interval``), GitLab.com's per-user
rate limits (``rate_limits``: 429 without ``Retry-After``), requests counted by method and path,
and injectable faults.

Beside issues and notes it keeps what ``pto-bot doctor`` looks at: the token's state (an expired or
revoked token answers 401 with GitLab's OAuth-style body), project members and their access levels
(the bot's role decides what it may do: a Guest's label changes are silently dropped, as GitLab
does), project labels (created on the fly when an issue gets one, 409 when created twice), files
on the default branch, pipeline schedules and webhooks (each readable only with the role GitLab
requires), and GitLab's spam check refusing new issues (``spam = 400`` or ``409``).

Who may read what, as GitLab's policies say: a confidential issue exists only for Planner/Reporter
and up, its author and its assignees (404 and left out of lists for anyone else); internal notes
(``internal``, or the older ``confidential`` flag, on creation; a reply in an internal thread is
internal) are read and written by Planner/Reporter and up only, and a Guest's "internal" note is
posted as an ordinary one. Closing and reopening are recorded with the acting user
(``closed_by``, resource state events).

Who GitLab tells of each write (``notified``), as its notification service builds recipients,
everyone on the default "Participate" level: of a new comment, the issue's participants (its
author, its assignees, everyone who commented, everyone @mentioned outside code in its
description or a comment) and whoever the comment mentions; of a new issue, its assignees and
whoever its description mentions; of closing or reopening, the participants; of a change of
assignees, the participants and the assignees before and after; of an edit of a comment or a
description, only the people it newly mentions (a To-Do). Never the author of the write.
Labels notify only their subscribers (none here).

Time is the fake's own: ``now`` (aware datetime), ``monotonic()`` and ``sleep()`` (which records
the wait and advances ``now``) are meant to be injected into the tracker under test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import requests
import responses

BASE_URL = "https://gitlab.example.com"
API = f"{BASE_URL}/api/v4"
PROJECT_ID = 42
PROJECT_PATH = "support/ase"
TOKEN = "glpat-FAKE-secret-token-0123"
BOT = "pto-bot"
GUEST, PLANNER, REPORTER, DEVELOPER, MAINTAINER = 10, 15, 20, 30, 40
LABEL_COLOR = "#6699cc"
EXPIRED = (
    '{"error":"invalid_token","error_description":"Token is expired. You can either do '
    're-authorization or token refresh."}'
)
REVOKED = (
    '{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize '
    'from the user."}'
)
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

Json = dict[str, Any]
Reply = tuple[int, dict[str, str], str]
_QUICK_ACTION = re.compile(r"^/(\w+)(?:[ \t]+(.*))?$")
_LABEL_REF = re.compile(r'~"([^"]+)"|~(\S+)')


@dataclass
class Space:
    """A project of the fake: its issues and notes (the team project, or a collaboration
    project of a customer, whose members the bot may or may not belong to)."""

    id: int
    path: str
    issues: dict[int, Json]
    notes: dict[int, list[Json]]
    role: int = REPORTER  # the bot's access level there (0: not a member)
    visibility: str = "private"
    members: dict[str, int] = field(default_factory=dict)  # others than the bot
    # CI/CD job token: "Limit access to this project" and the projects (ids) and groups (paths)
    # whose job tokens may reach it (pulling its image, say)
    job_token_limited: bool = True
    job_token_projects: list[int] = field(default_factory=list)
    job_token_groups: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Notified:
    """One write and who GitLab tells of it."""

    at: datetime
    project: str
    iid: int
    what: str  # "note", "issue", "close", "reopen", "assign", "edit"
    to: frozenset[str]
    note: int | None = None  # the comment written or edited
    by: str = ""


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"(`+).+?\1", re.DOTALL)
_HIDDEN = re.compile(r"<!--.*?-->", re.DOTALL)
_LINK = re.compile(r"\[[^\]]*\]\([^)]*\)")
_AT = re.compile(r"(?<![\w@`])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?)")


def mentioned(text: str) -> frozenset[str]:
    """Who ``text`` @mentions, as GitLab resolves it: not in code or links, not in what is
    hidden (an HTML comment)."""
    for pattern in (_FENCE, _HIDDEN, _CODE, _LINK):
        text = pattern.sub(" ", text or "")
    return frozenset(name.lower() for name in _AT.findall(text))


#: GitLab.com's limits a run can meet, per user and minute (GITLAB_FACTS "Rate limits").
RATE_LIMITS = (
    ("*", re.compile(r""), 2000),  # every API request
    ("POST", re.compile(r"/issues/\d+/(?:discussions/[^/]+/)?notes$"), 60),  # notes
    ("POST", re.compile(r"/projects/[^/]+/issues$"), 200),  # new issues
)


@dataclass
class Fault:
    """Make the next ``times`` requests matching ``method`` and ``path`` (a regex searched in the
    path after /api/v4) fail: with ``status`` or by raising ``error``; ``after`` = only once the
    request has been processed (the ambiguous case)."""

    method: str
    path: str
    status: int = 502
    error: type[requests.RequestException] | None = None
    message: str = ""
    after: bool = False
    retry_after: int | None = None
    location: str | None = None  # a redirect (status 301, 302, 307, 308) to this address
    times: int = 1


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _json_reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


#: GitLab's sizes: a note's body in characters, an issue's description in bytes.
MAX_NOTE = 1_000_000
MAX_DESCRIPTION = 1_048_576
NOTE_TOO_LONG = 'Note {:note=>["is too long (maximum is 1000000 characters)"]}'


def _too_long(params: Json, key: str) -> Reply | None:
    """GitLab's 400 for a note or a description over its size, or None when it fits."""
    value = params.get(key)
    if not isinstance(value, str):
        return None
    if key == "body" and len(value) > MAX_NOTE:
        return _json_reply(400, {"message": NOTE_TOO_LONG})
    if key == "description" and len(value.encode()) > MAX_DESCRIPTION:
        text = "is too long (1 MiB). The maximum size is 1 MiB."
        return _json_reply(400, {"message": {"description": [text]}})
    return None


def _message(status: int, text: str) -> Reply:
    return _json_reply(status, {"message": text})


class FakeGitLab:
    def __init__(self, mock: responses.RequestsMock, *, token: str = TOKEN, bot: str = BOT):
        self.mock = mock  # every request of the test, the ones to other hosts included
        self.now = START
        self.token = token
        self.bot = bot
        # GitLab's ThrottledTouch: a note, or a label-only change, moves an issue's updated_at
        # only when it is a minute old (0: every change moves it, for a test that says so)
        self.touch_interval = timedelta(minutes=1)
        # GitLab.com's per-user limits, in any minute: (method, path pattern, most); beyond,
        # 429 without Retry-After (GITLAB_FACTS). Empty: no limits, for a test that says so.
        self.rate_limits: list[tuple[str, re.Pattern[str], int]] = list(RATE_LIMITS)
        self.issues: dict[int, Json] = {}
        self.notes: dict[int, list[Json]] = {}
        self.team = Space(PROJECT_ID, PROJECT_PATH, self.issues, self.notes)
        self.others: dict[str, Space] = {}  # collaboration projects by path
        self._space = self.team  # the project the request being handled is about
        self.links: list[Json] = []
        self.calls: list[tuple[str, str]] = []
        self.timed: list[tuple[datetime, str, str]] = []  # (the fake's now, method, path)
        self.sleeps: list[float] = []
        self.quick_actions_run: list[str] = []
        self.notified: list[Notified] = []  # who GitLab tells of each write, in order
        self.faults: list[Fault] = []
        self._users: dict[str, int] = {}
        self.token_state = "active"  # or "expired", "revoked"
        self.members: dict[str, int] = {bot: REPORTER}  # username -> access level
        self.labels: dict[str, Json] = {}
        self.files: dict[str, str] = {}  # path on the default branch -> text
        self.default_branch = "main"
        self.schedules: list[Json] = []
        self.hooks: list[Json] = []
        self.triggers: list[Json] = []  # pipeline trigger tokens
        self.variables: dict[str, Json] = {}  # project CI/CD variables by key
        # CI/CD and visibility settings of the team project, as GitLab creates a project:
        # public pipelines on, Pages open to everyone who can see the project, pipeline
        # variables from Developers up (GitLab.com now creates projects with "no one allowed")
        self.settings: Json = {
            "public_jobs": True,
            "pages_access_level": "enabled",
            "restrict_user_defined_variables": True,
            "ci_pipeline_variables_minimum_override_role": "developer",
        }
        self.spam: int | None = None  # 400 or 409: the spam check refuses new issues
        self._next_note_id = 500
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Reply]]] = [
            ("GET", re.compile(r"/user"), self._get_user),
            ("GET", re.compile(r"/users"), self._find_users),
            ("GET", re.compile(r"/projects/([^/]+)"), self._get_project),
            ("GET", re.compile(r"/projects/([^/]+)/members/all"), self._list_members),
            ("GET", re.compile(r"/projects/([^/]+)/members/all/(\d+)"), self._get_member),
            ("GET", re.compile(r"/projects/([^/]+)/labels"), self._list_labels),
            ("POST", re.compile(r"/projects/([^/]+)/labels"), self._create_label),
            ("GET", re.compile(r"/projects/([^/]+)/repository/files/([^/]+)"), self._get_file),
            ("GET", re.compile(r"/projects/([^/]+)/pipeline_schedules"), self._list_schedules),
            ("GET", re.compile(r"/projects/([^/]+)/hooks"), self._list_hooks),
            ("GET", re.compile(r"/projects/([^/]+)/triggers"), self._list_triggers),
            ("GET", re.compile(r"/projects/([^/]+)/variables/(\w+)"), self._get_variable),
            ("GET", re.compile(r"/projects/([^/]+)/job_token_scope"), self._job_token_scope),
            (
                "GET",
                re.compile(r"/projects/([^/]+)/job_token_scope/(allowlist|groups_allowlist)"),
                self._job_token_allowlist,
            ),
            ("GET", re.compile(r"/projects/([^/]+)/issues"), self._list_issues),
            ("POST", re.compile(r"/projects/([^/]+)/issues"), self._create_issue),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)"), self._get_issue),
            ("PUT", re.compile(r"/projects/([^/]+)/issues/(\d+)"), self._update_issue),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)/notes"), self._list_notes),
            ("POST", re.compile(r"/projects/([^/]+)/issues/(\d+)/notes"), self._create_note),
            ("PUT", re.compile(r"/projects/([^/]+)/issues/(\d+)/notes/(\d+)"), self._update_note),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)/discussions"), self._list_threads),
            (
                "GET",
                re.compile(r"/projects/([^/]+)/issues/(\d+)/discussions/(\w+)"),
                self._get_thread,
            ),
            (
                "POST",
                re.compile(r"/projects/([^/]+)/issues/(\d+)/discussions/(\w+)/notes"),
                self._reply_in_thread,
            ),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)/links"), self._list_links),
            (
                "GET",
                re.compile(r"/projects/([^/]+)/issues/(\d+)/resource_state_events"),
                self._list_state_events,
            ),
            ("POST", re.compile(r"/projects/([^/]+)/issues/(\d+)/links"), self._create_link),
        ]
        for method in ("GET", "POST", "PUT", "DELETE"):
            mock.add_callback(method, re.compile(re.escape(API) + r"/.*"), callback=self._handle)

    # -- time -------------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def monotonic(self) -> float:
        return (self.now - START).total_seconds()

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    # -- setting the scene (no HTTP) --------------------------------------------------------

    def add_issue(
        self,
        title: str,
        *,
        labels: Iterable[str] = (),
        description: str = "",
        author: str = "alice",
        assignees: Iterable[str] = (),
        state: str = "opened",
        age: timedelta = timedelta(days=1),
        quick_actions: bool = False,
        confidential: bool = False,
        closed_by: str | None = None,
    ) -> int:
        """An issue as a person opened it; with ``quick_actions`` its description's quick
        actions run, as when it is opened from an issue template in GitLab's UI. A closed one
        was closed by ``closed_by`` (default: its author)."""
        iid = max(self.issues, default=0) + 1
        moment = self.now - age
        closer = (closed_by or author) if state == "closed" else None
        self.issues[iid] = {
            "iid": iid,
            "title": title,
            "description": description,
            "labels": [],
            "state": state,
            "author": author,
            "assignees": list(assignees),
            "created_at": moment,
            "updated_at": moment,
            "closed_at": moment if state == "closed" else None,
            "closed_by": closer,
            "confidential": confidential,
            "state_events": [] if closer is None else [_state_event("closed", closer, moment)],
        }
        self.notes[iid] = []
        self._add_labels(self.issues[iid], labels)
        if quick_actions:
            issue = self.issues[iid]
            issue["description"] = self._run_quick_actions(issue, description, author)
        return iid

    def add_note(
        self,
        iid: int,
        body: str,
        *,
        author: str = "alice",
        system: bool = False,
        project: str | None = None,
        thread: str | None = None,
        internal: bool = False,
    ) -> int:
        """A note as a person (or GitLab) wrote it: stored as is, no quick actions; in
        ``project`` (a collaboration project's path), as a reply in ``thread`` (internal when
        the thread is, as GitLab makes every reply of an internal thread); ``internal``: an
        internal note, which only Planner/Reporter and up read."""
        space = self.others[project] if project else self.team

        def store() -> Json:
            found = [n for n in self.notes[iid] if thread and n["discussion_id"] == thread]
            private = found[0]["internal"] if found else internal
            return self._store_note(iid, body, author, system, thread, internal=private)

        return int(self._in_space(space, store)["id"])

    def set_state(self, iid: int, event: str, by: str, project: str | None = None) -> None:
        """A person closes (``event`` "close") or reopens ("reopen") the issue in the UI."""
        space = self.others[project] if project else self.team
        self._in_space(space, lambda: self._set_state(space.issues[iid], event, by))

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        """A person edits a note in the UI: the issue is touched as GitLab touches it for a note
        (at most once a minute, with ``touch_interval``)."""
        note = next(n for n in self.notes[iid] if n["id"] == note_id)
        note["body"], note["updated_at"] = body, self.now
        self._touch(self.issues[iid], throttled=True)

    def add_users(self, usernames: Iterable[str]) -> None:
        """People who have a GitLab account (``GET /users?username=`` finds them)."""
        for name in usernames:
            self._user(name)

    def add_project(self, path: str, *, role: int = REPORTER, visibility: str = "private") -> Space:
        """A collaboration project; ``role``: the bot's there (0: not a member)."""
        space = Space(100 + len(self.others), path, {}, {}, role, visibility)
        self.others[path] = space
        return space

    def add_issue_in(self, project: str, title: str, **kw: Any) -> int:
        """An issue of the collaboration project ``project``."""
        return int(self._in_space(self.others[project], lambda: self.add_issue(title, **kw)))

    def thread_of(self, iid: int, note_id: int, project: str | None = None) -> str:
        space = self.others[project] if project else self.team
        return str(next(n for n in space.notes[iid] if n["id"] == note_id)["discussion_id"])

    def _in_space(self, space: Space, make: Callable[[], Any]) -> Any:
        self.issues, self.notes = space.issues, space.notes
        self._space = space
        try:
            return make()
        finally:
            self._space = self.team
            self.issues, self.notes = self.team.issues, self.team.notes

    def add_label(self, name: str, color: str = LABEL_COLOR, description: str = "") -> None:
        self.labels.setdefault(name, self._label_json(name, color, description or None))

    def add_schedule(self, cron: str = "0 * * * *", *, active: bool = True) -> None:
        self.schedules.append(
            {
                "id": len(self.schedules) + 1,
                "description": "pto-bot reconcile",
                "ref": f"refs/heads/{self.default_branch}",
                "cron": cron,
                "cron_timezone": "UTC",
                "next_run_at": _iso(self.now + timedelta(hours=1)),
                "active": active,
                "created_at": _iso(self.now),
                "updated_at": _iso(self.now),
                "owner": self._user("melroberts"),
            }
        )

    def add_hook(self, url: str, *, issues: bool = True, notes: bool = True) -> None:
        self.hooks.append(
            {
                "id": len(self.hooks) + 1,
                "url": url,
                "name": "",
                "description": "",
                "project_id": PROJECT_ID,
                "push_events": False,
                "issues_events": issues,
                "confidential_issues_events": issues,
                "merge_requests_events": False,
                "tag_push_events": False,
                "note_events": notes,
                "confidential_note_events": notes,
                "job_events": False,
                "pipeline_events": False,
                "wiki_page_events": False,
                "enable_ssl_verification": True,
                "alert_status": "executable",
                "disabled_until": None,
                "url_variables": [],
                "created_at": _iso(self.now),
            }
        )

    def add_trigger(self, owner: str = "melroberts", description: str = "pto-bot webhook") -> None:
        self.triggers.append(
            {
                "id": len(self.triggers) + 1,
                "description": description,
                "created_at": _iso(self.now),
                "last_used": None,
                "token": "glptt-" + "0" * 8,  # GitLab shows its owner the beginning only
                "updated_at": _iso(self.now),
                "owner": self._user(owner),
                "expires_at": None,
            }
        )

    def add_variable(
        self, key: str, *, masked: bool = True, protected: bool = True, hidden: bool = False
    ) -> None:
        self.variables[key] = {
            "variable_type": "env_var",
            "key": key,
            "value": None if hidden else self.token,
            "protected": protected,
            "masked": masked,
            "hidden": hidden,
            "raw": True,
            "environment_scope": "*",
            "description": None,
        }

    def rename_bot(self, username: str) -> None:
        """The token belongs to ``username`` from now on (with the same role)."""
        self.members[username] = self.members.pop(self.bot)
        self.bot = username

    @property
    def role(self) -> int:
        """The access level of the token's user in the project (0: not a member)."""
        return self.members.get(self.bot, 0)

    def fail(self, method: str, path: str, **kw: Any) -> None:
        self.faults.append(Fault(method, path, **kw))

    # -- inspecting -------------------------------------------------------------------------

    def count(self, method: str | None = None, path: str = "") -> int:
        """Requests received (faults included) with ``method`` and a path matching ``path``."""
        return sum(
            1
            for m, p in self.calls
            if (method is None or m == method) and re.search(path, p) is not None
        )

    def note_bodies(self, iid: int) -> list[str]:
        return [note["body"] for note in self.notes[iid]]

    # -- dispatch ---------------------------------------------------------------------------

    def _handle(self, request: requests.PreparedRequest) -> Reply:
        parts = urlsplit(request.url or "")
        path = parts.path.removeprefix("/api/v4")
        method = request.method or "GET"
        self.calls.append((method, path))
        self.timed.append((self.now, method, path))
        if request.headers.get("PRIVATE-TOKEN") != self.token:
            return _message(401, "401 Unauthorized")
        if self.token_state != "active":
            body = EXPIRED if self.token_state == "expired" else REVOKED
            return 401, {"Content-Type": "application/json"}, body
        if self._over_a_limit(method, path):
            return self._dated(_json_reply(429, {"message": "Retry later"}))
        fault = self._take_fault(method, path)
        if fault is not None and not fault.after:
            return self._dated(self._fail(fault))
        reply = self._route(method, path, request)
        return self._dated(self._fail(fault) if fault is not None else reply)

    def _over_a_limit(self, method: str, path: str) -> bool:
        """This request (already counted) goes past one of GitLab's per-minute limits."""
        minute_ago = self.now - timedelta(minutes=1)
        for verb, pattern, most in self.rate_limits:
            if (method != verb and verb != "*") or not pattern.search(path):
                continue
            recent = 0
            for at, m, p in reversed(self.timed):
                if at <= minute_ago:
                    break
                recent += (verb == "*" or m == verb) and bool(pattern.search(p))
            if recent > most:
                return True
        return False

    def _dated(self, reply: Reply) -> Reply:
        """Every HTTP response says when the server sent it (RFC 9110 ``Date``)."""
        status, headers, body = reply
        return status, {**headers, "Date": format_datetime(self.now, usegmt=True)}, body

    def _route(self, method: str, path: str, request: requests.PreparedRequest) -> Reply:
        params = _params(request)
        for verb, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                project, *ids = match.groups() or ("",)
                space = self._project(project) if project else self.team
                if space is None:
                    return _message(404, "404 Project Not Found")
                args = [int(i) if i.isdigit() else unquote(i) for i in ids]
                return self._in(space, partial(handler, params, request, *args))
        return _message(404, "404 Not Found")

    def _project(self, ref: str) -> Space | None:
        """The project a URL names (its id, or its URL-encoded path), as the token sees it: a
        private project the bot is not a member of does not exist for it."""
        for space in (self.team, *self.others.values()):
            if ref in (str(space.id), space.path.replace("/", "%2F"), space.path):
                # an internal project is visible to every signed-in user, a public one to all
                visible = space is self.team or space.role or space.visibility != "private"
                return space if visible else None
        return None

    def _in(self, space: Space, handle: Callable[[], Reply]) -> Reply:
        """Handle a request about ``space``'s issues and notes."""
        return self._in_space(space, handle)  # type: ignore[no-any-return]

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and re.search(fault.path, path) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _fail(self, fault: Fault) -> Reply:
        if fault.error is not None:
            raise fault.error(fault.message or f"fake: {fault.error.__name__}")
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
        if fault.location is not None:
            headers["Location"] = fault.location
        return _json_reply(fault.status, {"message": f"{fault.status} (injected)"}, headers)

    # -- JSON shapes ------------------------------------------------------------------------

    def _user(self, username: str) -> Json:
        user_id = self._users.setdefault(username, len(self._users) + 1)
        return {
            "id": user_id,
            "username": username,
            "name": username.title(),
            "state": "active",
            "locked": False,
            "avatar_url": None,
            "web_url": f"{BASE_URL}/{username}",
        }

    def _issue_json(self, issue: Json) -> Json:
        """The Issues API's shape (doc/api/issues.md). ``user_notes_count`` counts every
        non-system note, internal ones too, whoever asks (``Note.count_for_collection``)."""
        iid = issue["iid"]
        assignees = [self._user(name) for name in issue["assignees"]]
        space = self._space
        closer = issue.get("closed_by") if issue["state"] == "closed" else None
        api = f"{API}/projects/{space.id}"
        return {
            "id": 9000 + iid,
            "iid": iid,
            "project_id": space.id,
            "title": issue["title"],
            "description": issue["description"],
            "state": issue["state"],
            "created_at": _iso(issue["created_at"]),
            "updated_at": _iso(issue["updated_at"]),
            "closed_at": _iso(issue["closed_at"]) if issue["closed_at"] else None,
            "closed_by": self._user(closer) if closer else None,
            "labels": list(issue["labels"]),
            "milestone": None,
            "assignees": assignees,
            "author": self._user(issue["author"]),
            "type": "ISSUE",
            "assignee": assignees[0] if assignees else None,
            "user_notes_count": sum(not n["system"] for n in self.notes[iid]),
            "merge_requests_count": 0,
            "upvotes": 0,
            "downvotes": 0,
            "due_date": None,
            "moved_to_id": None,
            "service_desk_reply_to": None,
            "imported": False,
            "imported_from": "none",
            "subscribed": issue["author"] == self.bot,
            "confidential": bool(issue.get("confidential")),
            "discussion_locked": None,
            "issue_type": "issue",
            "severity": "UNKNOWN",
            "web_url": f"{BASE_URL}/{space.path}/-/issues/{iid}",
            "time_stats": {
                "time_estimate": 0,
                "total_time_spent": 0,
                "human_time_estimate": None,
                "human_total_time_spent": None,
            },
            "has_tasks": False,
            "task_completion_status": {"count": 0, "completed_count": 0},
            "references": {
                "short": f"#{iid}",
                "relative": f"#{iid}",
                "full": f"{space.path}#{iid}",
            },
            "_links": {
                "self": f"{api}/issues/{iid}",
                "notes": f"{api}/issues/{iid}/notes",
                "award_emoji": f"{api}/issues/{iid}/award_emoji",
                "project": api,
                "closed_as_duplicate_of": None,
            },
        }

    def _note_json(self, note: Json) -> Json:
        """The Notes API's shape (doc/api/notes.md): ``internal`` and its older name
        ``confidential`` say the same; no ``discussion_id`` (the Discussions API groups them)."""
        internal = bool(note.get("internal"))
        return {
            "id": note["id"],
            "type": "DiscussionNote" if note.get("threaded") else None,
            "body": note["body"],
            "attachment": None,
            "author": self._user(note["author"]),
            "created_at": _iso(note["created_at"]),
            "updated_at": _iso(note["updated_at"]),
            "system": note["system"],
            "noteable_id": 9000 + note["iid"],
            "noteable_type": "Issue",
            "project_id": self._space.id,
            "resolvable": False,
            "confidential": internal,
            "internal": internal,
            "imported": False,
            "imported_from": "none",
            "noteable_iid": note["iid"],
            "commands_changes": {},
        }

    def _state_event_json(self, issue: Json, number: int, event: Json) -> Json:
        """doc/api/resource_state_events.md: who closed or reopened the issue, and when."""
        return {
            "id": 7000 + 100 * issue["iid"] + number,
            "user": self._user(event["user"]),
            "created_at": _iso(event["created_at"]),
            "resource_type": "Issue",
            "resource_id": 9000 + issue["iid"],
            "state": event["state"],
        }

    # -- state changes ----------------------------------------------------------------------

    def _touch(self, issue: Json, *, throttled: bool = False) -> None:
        stale = self.now - issue["updated_at"] > self.touch_interval
        if not throttled or not self.touch_interval or stale:
            issue["updated_at"] = self.now

    def _store_note(
        self,
        iid: int,
        body: str,
        author: str,
        system: bool,
        thread: str | None = None,
        *,
        internal: bool = False,
    ) -> Json:
        self._next_note_id += 1
        note = {
            "id": self._next_note_id,
            "iid": iid,
            "body": body,
            "author": author,
            "system": system,
            "created_at": self.now,
            "updated_at": self.now,
            # GitLab's discussion ids are 40 hex digits; a reply shares its thread's
            "discussion_id": thread or hashlib.sha1(str(self._next_note_id).encode()).hexdigest(),
            "threaded": thread is not None,
            "internal": internal,
        }
        self.notes[iid].append(note)
        self._touch(self.issues[iid], throttled=True)
        return note

    def _run_quick_actions(self, issue: Json, text: str, actor: str | None = None) -> str:
        """Execute the quick actions of ``text`` on ``issue`` as ``actor`` (the token's user by
        default); return the rest of the text."""
        who = actor or self.bot
        kept: list[str] = []
        fenced = False
        for line in text.split("\n"):
            fenced ^= line.startswith("```")
            match = None if fenced else _QUICK_ACTION.match(line)
            command = self._quick_action(match.group(1), who) if match else None
            if match and command:
                command(issue, match.group(2) or "")
                self.quick_actions_run.append(line)
                self._touch(issue)
            else:
                kept.append(line)
        return "\n".join(kept).strip()

    def _quick_action(self, name: str, actor: str) -> Callable[[Json, str], None] | None:
        return {
            "close": lambda issue, _: self._set_state(issue, "close", actor),
            "reopen": lambda issue, _: self._set_state(issue, "reopen", actor),
            "confidential": lambda issue, _: issue.update(confidential=True),
            "label": lambda issue, arg: self._add_labels(  # only labels that already exist
                issue, [label for label in _label_refs(arg) if label in self.labels]
            ),
            "unlabel": lambda issue, arg: self._remove_labels(issue, _label_refs(arg)),
            "assign": lambda issue, arg: issue["assignees"].extend(
                name.lstrip("@") for name in arg.split() if name.startswith("@")
            ),
        }.get(name)

    def _set_state(self, issue: Json, event: str, actor: str) -> None:
        """Close or reopen as ``actor``: GitLab's state machine records who closed it
        (``closed_by``, cleared on reopening) and a resource state event; closing a closed
        issue (or reopening an open one) is no transition and changes nothing."""
        closing = event == "close"
        if closing == (issue["state"] == "closed"):
            return
        issue["state"] = "closed" if closing else "opened"
        issue["closed_at"] = self.now if closing else None
        issue["closed_by"] = actor if closing else None
        state = "closed" if closing else "reopened"
        issue.setdefault("state_events", []).append(_state_event(state, actor, self.now))

    def _add_labels(self, issue: Json, labels: Iterable[str]) -> None:
        # Free tier: scoped labels are not exclusive, an old `scope::value` stays. The API
        # creates a label that does not exist yet (with a default colour).
        for label in labels:
            self.add_label(label)
            if label not in issue["labels"]:
                issue["labels"].append(label)

    @staticmethod
    def _remove_labels(issue: Json, labels: Iterable[str]) -> None:
        gone = set(labels)
        issue["labels"] = [label for label in issue["labels"] if label not in gone]

    # -- who GitLab tells -------------------------------------------------------------------

    def participants(self, issue: Json) -> frozenset[str]:
        """The issue's participants: author, assignees, who commented, who is mentioned."""
        found = {issue["author"].lower(), *(a.lower() for a in issue["assignees"])}
        found |= mentioned(issue["description"] or "")
        for note in self.notes[issue["iid"]]:
            if not note["system"]:
                found.add(note["author"].lower())
                found |= mentioned(note["body"])
        return frozenset(found)

    def _tell(self, issue: Json, what: str, to: Iterable[str], note: int | None = None) -> None:
        actor = self.bot.lower()
        self.notified.append(
            Notified(
                self.now, self._space.path, issue["iid"], what, frozenset(to) - {actor}, note, actor
            )
        )

    # -- endpoints --------------------------------------------------------------------------

    def _get_user(self, params: Json, request: requests.PreparedRequest) -> Reply:
        return _json_reply(200, self._user(self.bot))

    def _find_users(self, params: Json, request: requests.PreparedRequest) -> Reply:
        """``GET /users?username=x``: the user, whatever the case (GitLab's usernames do not
        tell case apart), as a list of one; an empty list for a name nobody has."""
        wanted = str(params.get("username") or "")
        known = [*self._users, *self.members, self.bot]
        found = [name for name in dict.fromkeys(known) if name.casefold() == wanted.casefold()]
        return _json_reply(200, [self._user(name) for name in found[:1]])

    def _assignees(self, params: Json) -> list[str] | None:
        """The usernames ``assignee_ids`` names (None: the request names none)."""
        if "assignee_ids" not in params and "assignee_ids[]" not in params:
            return None
        raw = params.get("assignee_ids", params.get("assignee_ids[]"))
        ids = raw if isinstance(raw, list) else [raw]
        by_id = {v: k for k, v in self._users.items()}
        return [by_id[int(i)] for i in ids if str(i).isdigit() and int(i) in by_id]

    def _get_project(self, params: Json, request: requests.PreparedRequest) -> Reply:
        space = self._space
        role = self.role if space is self.team else space.role
        if not role and space.visibility == "private":
            return _message(404, "404 Project Not Found")
        access = {"access_level": role, "notification_level": 3} if role else None
        body: Json = {
            "id": space.id,
            "name": space.path.rsplit("/", 1)[-1],
            "path_with_namespace": space.path,
            "web_url": f"{BASE_URL}/{space.path}",
            "visibility": space.visibility,
            "issues_enabled": True,
            "permissions": {"project_access": access, "group_access": None},
        }
        if role >= REPORTER:  # exposed only to users who may read code
            body["default_branch"] = self.default_branch
        if space is self.team:
            body["namespace"] = {"id": 7, "full_path": space.path.rsplit("/", 1)[0]}
            body["public_jobs"] = self.settings["public_jobs"]
            body["pages_access_level"] = self.settings["pages_access_level"]
            if role >= MAINTAINER:  # CI/CD settings: to users who may change them
                for key in (
                    "restrict_user_defined_variables",
                    "ci_pipeline_variables_minimum_override_role",
                ):
                    body[key] = self.settings[key]
        return _json_reply(200, body)

    def _member_json(self, username: str) -> Json:
        return {**self._user(username), "access_level": self.members[username], "expires_at": None}

    def _list_members(self, params: Json, request: requests.PreparedRequest) -> Reply:
        members = [self._member_json(name) for name in sorted(self.members)]
        return self._page(request, params, members)

    def _get_member(self, params: Json, request: requests.PreparedRequest, user_id: int) -> Reply:
        space = self._space
        members = self.members if space is self.team else {self.bot: space.role, **space.members}
        for name, level in members.items():
            if self._users.get(name) == user_id and level:
                body = {**self._user(name), "access_level": level, "expires_at": None}
                return _json_reply(200, body)
        return _message(404, "404 Not found")

    def _list_triggers(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if self.role < MAINTAINER:
            return _message(403, "403 Forbidden")
        return self._page(request, params, list(self.triggers))

    def _get_variable(self, params: Json, request: requests.PreparedRequest, key: str) -> Reply:
        if self.role < MAINTAINER:
            return _message(403, "403 Forbidden")
        if key not in self.variables:
            return _message(404, "404 Variable Not Found")
        return _json_reply(200, self.variables[key])

    def _job_token_scope(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if self._space.role < MAINTAINER:
            return _message(403, "403 Forbidden")
        body = {"inbound_enabled": self._space.job_token_limited, "outbound_enabled": False}
        return _json_reply(200, body)

    def _job_token_allowlist(
        self, params: Json, request: requests.PreparedRequest, which: object
    ) -> Reply:
        space = self._space
        if space.role < MAINTAINER:
            return _message(403, "403 Forbidden")
        if which == "allowlist":
            listed = [
                {"id": pid, "path_with_namespace": f"project-{pid}"}
                for pid in space.job_token_projects
            ]
            listed.append({"id": space.id, "path_with_namespace": space.path})  # itself
        else:
            listed = [
                {"id": 900 + n, "full_path": path} for n, path in enumerate(space.job_token_groups)
            ]
        return self._page(request, params, listed)

    @staticmethod
    def _label_json(name: str, color: str, description: str | None) -> Json:
        return {
            "id": abs(hash(name)) % 100000,
            "name": name,
            "color": color,
            "text_color": "#FFFFFF",
            "description": description,
            "description_html": description or "",
            "open_issues_count": 0,
            "closed_issues_count": 0,
            "open_merge_requests_count": 0,
            "subscribed": False,
            "priority": None,
            "is_project_label": True,
            "archived": False,
        }

    def _list_labels(self, params: Json, request: requests.PreparedRequest) -> Reply:
        found = [label for name, label in sorted(self.labels.items())]
        return self._page(request, params, found)

    def _create_label(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if self.role < PLANNER:
            return _message(403, "403 Forbidden")
        for key in ("name", "color"):
            if not params.get(key):
                return _json_reply(400, {"error": f"{key} is missing"})
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", params["color"]):
            return _json_reply(400, {"message": {"color": ["must be a valid color code"]}})
        if params["name"] in self.labels:
            return _message(409, "Label already exists")
        self.add_label(params["name"], params["color"], params.get("description") or "")
        return _json_reply(201, self.labels[params["name"]])

    def _get_file(self, params: Json, request: requests.PreparedRequest, path: str) -> Reply:
        if self.role < REPORTER:  # a private project's code: Planner and Guest may not read it
            return _message(403, "403 Forbidden")
        if params.get("ref") not in (self.default_branch, "HEAD"):
            return _message(404, "404 Commit Not Found")
        if path not in self.files:
            return _message(404, "404 File Not Found")
        content = self.files[path].encode()
        return _json_reply(
            200,
            {
                "file_name": path.rsplit("/", 1)[-1],
                "file_path": path,
                "size": len(content),
                "encoding": "base64",
                "content": base64.b64encode(content).decode(),
                "ref": params["ref"],
                "blob_id": "0" * 40,
                "commit_id": "1" * 40,
                "last_commit_id": "1" * 40,
            },
        )

    def _list_schedules(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if self.role < REPORTER:
            return _message(403, "403 Forbidden")
        return self._page(request, params, list(self.schedules))

    def _list_hooks(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if self.role < MAINTAINER:
            return _message(403, "403 Forbidden")
        return self._page(request, params, list(self.hooks))

    def _role_here(self) -> int:
        """The token's user's access level in the project the request is about."""
        return self.role if self._space is self.team else self._space.role

    def _can_read(self, issue: Json) -> bool:
        """A confidential issue is read by Planner/Reporter and up, its author and its
        assignees only (IssuePolicy ``can_read_confidential``): for anyone else it does not
        exist (404, left out of lists)."""
        if not issue.get("confidential"):
            return True
        me = self.bot
        return self._role_here() >= PLANNER or me in (issue["author"], *issue["assignees"])

    def _readable(self, iid: int) -> Json | None:
        issue = self.issues.get(iid)
        return issue if issue is not None and self._can_read(issue) else None

    def _sees(self, note: Json) -> bool:
        """Internal notes are read by Planner/Reporter and up only, never by a Guest, even the
        issue's author (``read_internal_note``)."""
        return not note.get("internal") or self._role_here() >= PLANNER

    def _visible_notes(self, iid: int) -> list[Json]:
        return [note for note in self.notes[iid] if self._sees(note)]

    def _list_issues(self, params: Json, request: requests.PreparedRequest) -> Reply:
        wanted = [label for label in params.get("labels", "").split(",") if label]
        found = [
            issue
            for issue in self.issues.values()
            if all(label in issue["labels"] for label in wanted)
            and _issue_matches(issue, params)
            and self._can_read(issue)
        ]
        key = "updated_at" if params.get("order_by") == "updated_at" else "created_at"
        found.sort(key=lambda i: (i[key], i["iid"]), reverse=params.get("sort", "desc") == "desc")
        return self._page(request, params, [self._issue_json(issue) for issue in found])

    def _create_issue(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if not params.get("title"):
            return _json_reply(400, {"error": "title is missing"})
        if refused := _too_long(params, "description"):
            return refused
        if self.spam == 400:
            text = "Your issue has been recognized as spam. Please, change the content to proceed."
            return _json_reply(400, {"message": {"base": [text]}})
        if self.spam == 409:
            text = (
                "Your issue has been recognized as spam. Please, change the content or solve "
                "the reCAPTCHA to proceed."
            )
            body = {
                "needs_captcha_response": True,
                "spam_log_id": 42,
                "captcha_site_key": "site-key",
                "message": {"error": text},
            }
            return _json_reply(409, body)
        labels = params.get("labels", "")
        assignees = self._assignees(params) if self._role_here() >= PLANNER else None
        iid = self.add_issue(
            params["title"],
            labels=labels.split(",") if isinstance(labels, str) and labels else labels or [],
            author=self.bot,
            age=timedelta(0),
            confidential=_flag(params.get("confidential")),  # any member may, on creation
            assignees=assignees or (),
        )
        issue = self.issues[iid]
        issue["description"] = self._run_quick_actions(issue, params.get("description") or "")
        to = {a.lower() for a in issue["assignees"]} | mentioned(issue["description"])
        self._tell(issue, "issue", to)
        return _json_reply(201, self._issue_json(issue))

    def _get_issue(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        issue = self._readable(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        return _json_reply(200, self._issue_json(issue))

    def _update_issue(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        issue = self._readable(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        if refused := _too_long(params, "description"):
            return refused
        if self._role_here() < PLANNER:
            if params.get("state_event") and issue["author"] != self.bot:
                return _message(403, "403 Forbidden")
            # silently dropped, as GitLab does without the right to set issue metadata
            for key in (
                "labels",
                "add_labels",
                "remove_labels",
                "confidential",
                "assignee_ids",
                "assignee_ids[]",
            ):
                params.pop(key, None)
        if "labels" in params:
            issue["labels"] = []
            self._add_labels(issue, [label for label in params["labels"].split(",") if label])
        self._add_labels(issue, [x for x in params.get("add_labels", "").split(",") if x])
        self._remove_labels(issue, [x for x in params.get("remove_labels", "").split(",") if x])
        if params.get("state_event") in ("close", "reopen"):
            was = issue["state"]
            self._set_state(issue, params["state_event"], self.bot)
            if issue["state"] != was:
                self._tell(issue, params["state_event"], self.participants(issue))
        if "confidential" in params:
            issue["confidential"] = _flag(params["confidential"])
        assignees = self._assignees(params)
        if assignees is not None and sorted(assignees) != sorted(issue["assignees"]):
            before = {a.lower() for a in issue["assignees"]}
            issue["assignees"] = assignees
            after = {a.lower() for a in assignees}
            self._tell(issue, "assign", self.participants(issue) | before | after)
        if "title" in params:
            issue["title"] = params["title"]
        if "description" in params:
            old = mentioned(issue["description"] or "")
            issue["description"] = self._run_quick_actions(issue, params["description"] or "")
            self._tell(issue, "edit", mentioned(issue["description"]) - old)
        # a change of labels alone is throttled like a note (ThrottledTouch)
        self._touch(issue, throttled=set(params) <= {"labels", "add_labels", "remove_labels"})
        return _json_reply(200, self._issue_json(issue))

    def _list_state_events(
        self, params: Json, request: requests.PreparedRequest, iid: int
    ) -> Reply:
        issue = self._readable(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        events = issue.get("state_events", [])
        found = [self._state_event_json(issue, n, e) for n, e in enumerate(events, 1)]
        return self._page(request, params, found)

    def _list_notes(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        if self._readable(iid) is None:
            return _message(404, "404 Issue Not Found")
        key = "updated_at" if params.get("order_by") == "updated_at" else "created_at"
        notes = sorted(
            self._visible_notes(iid),
            key=lambda n: (n[key], n["id"]),
            reverse=params.get("sort", "desc") == "desc",
        )
        return self._page(request, params, [self._note_json(note) for note in notes])

    def _may_comment(self) -> bool:
        """Guest and up may comment; on a public project any signed-in user."""
        space = self._space
        return space is self.team or space.role >= GUEST or space.visibility == "public"

    def _create_note(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        issue = self._readable(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        if not self._may_comment():
            return _message(403, "403 Forbidden")
        if not params.get("body"):
            return _json_reply(400, {"error": "body is missing"})
        if refused := _too_long(params, "body"):
            return refused
        # `internal`, or its older name `confidential` (either true makes it internal), is
        # kept only for who may mark notes internal (Planner/Reporter and up); a Guest's note
        # is stored as an ordinary comment, silently (Notes::BuildService)
        wanted = _flag(params.get("internal")) or _flag(params.get("confidential"))
        ran = len(self.quick_actions_run)
        text = self._run_quick_actions(issue, params["body"])
        if len(self.quick_actions_run) > ran and not text:
            return _json_reply(202, {"commands_changes": {}, "summary": ["Quick actions ran."]})
        internal = wanted and self._role_here() >= PLANNER
        to = self.participants(issue) | mentioned(text)
        note = self._store_note(iid, text, self.bot, False, internal=internal)
        self._tell(issue, "note", to, note["id"])
        return _json_reply(201, self._note_json(note))

    def _update_note(
        self, params: Json, request: requests.PreparedRequest, iid: int, note_id: int
    ) -> Reply:
        issue = self._readable(iid)
        found = self._visible_notes(iid) if issue is not None else []
        note = next((n for n in found if n["id"] == note_id), None)
        if issue is None or note is None:
            return _message(404, "404 Note Not Found")
        if refused := _too_long(params, "body"):
            return refused
        text = self._run_quick_actions(issue, params.get("body") or "")
        if not text:  # an edit that leaves only commands deletes the note
            self.notes[iid].remove(note)
            return _json_reply(200, self._note_json(note))
        self._tell(issue, "edit", mentioned(text) - mentioned(note["body"]), note["id"])
        note["body"] = text  # an edit never changes whether a note is internal
        note["updated_at"] = self.now
        self._touch(issue, throttled=True)
        return _json_reply(200, self._note_json(note))

    def _thread_json(self, notes: list[Json]) -> Json:
        """GitLab's discussion shape: its id, whether it is a lone note, its notes in order."""
        return {
            "id": notes[0]["discussion_id"],
            "individual_note": not any(n.get("threaded") for n in notes),
            "notes": [self._note_json(n) for n in notes],
        }

    def _threads(self, iid: int) -> list[list[Json]]:
        """The threads as the token's user reads them: notes it may not read are left out, and
        so is a thread of nothing else."""
        grouped: dict[str, list[Json]] = {}
        for note in sorted(self._visible_notes(iid), key=lambda n: (n["created_at"], n["id"])):
            grouped.setdefault(note["discussion_id"], []).append(note)
        return list(grouped.values())

    def _list_threads(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        if self._readable(iid) is None:
            return _message(404, "404 Issue Not Found")
        return self._page(request, params, [self._thread_json(t) for t in self._threads(iid)])

    def _get_thread(
        self, params: Json, request: requests.PreparedRequest, iid: int, thread: object
    ) -> Reply:
        if self._readable(iid) is None:
            return _message(404, "404 Issue Not Found")
        for notes in self._threads(iid):
            if notes[0]["discussion_id"] == str(thread):
                return _json_reply(200, self._thread_json(notes))
        return _message(404, "404 Discussion Not Found")

    def _reply_in_thread(
        self, params: Json, request: requests.PreparedRequest, iid: int, thread: object
    ) -> Reply:
        """``POST .../discussions/:id/notes``: a reply; a lone note becomes a thread, and a
        reply in an internal thread is internal (a thread one cannot read is not found)."""
        issue = self._readable(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        if not self._may_comment():
            return _message(403, "403 Forbidden")
        found = [n for n in self._visible_notes(iid) if n["discussion_id"] == str(thread)]
        if not found:
            return _message(404, "404 Discussion Not Found")
        if not params.get("body"):
            return _json_reply(400, {"error": "body is missing"})
        if refused := _too_long(params, "body"):
            return refused
        text = self._run_quick_actions(issue, params["body"])
        for note in found:
            note["threaded"] = True
        internal = bool(found[0].get("internal"))
        to = self.participants(issue) | mentioned(text)
        stored = self._store_note(iid, text, self.bot, False, str(thread), internal=internal)
        self._tell(issue, "note", to, stored["id"])
        return _json_reply(201, self._note_json(stored))

    def _list_links(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        if self._readable(iid) is None:
            return _message(404, "404 Issue Not Found")
        linked = []
        for link in self.links:
            if iid in (link["source"], link["target"]):
                other = link["target"] if link["source"] == iid else link["source"]
                if self._readable(other) is None:  # a linked issue one may not read is not listed
                    continue
                linked.append(
                    {
                        **self._issue_json(self.issues[other]),
                        "issue_link_id": link["id"],
                        "link_type": link["link_type"],
                        "link_created_at": _iso(link["created_at"]),
                        "link_updated_at": _iso(link["created_at"]),
                    }
                )
        return _json_reply(200, linked)

    def _create_link(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        target = int(params.get("target_issue_iid", 0))
        if str(params.get("target_project_id")) not in (str(PROJECT_ID), PROJECT_PATH):
            return _message(404, "404 Project Not Found")
        if self._readable(iid) is None or self._readable(target) is None:
            return _message(404, "404 Not found")
        if any({link["source"], link["target"]} == {iid, target} for link in self.links):
            return _message(409, "Issue(s) already assigned")
        link = {
            "id": len(self.links) + 1,
            "source": iid,
            "target": target,
            "link_type": params.get("link_type") or "relates_to",
            "created_at": self.now,
        }
        self.links.append(link)
        body = {
            "source_issue": self._issue_json(self.issues[iid]),
            "target_issue": self._issue_json(self.issues[target]),
            "link_type": link["link_type"],
        }
        return _json_reply(201, body)

    # -- pagination -------------------------------------------------------------------------

    def _page(self, request: requests.PreparedRequest, params: Json, items: list[Json]) -> Reply:
        per_page = max(1, min(int(params.get("per_page", 20)), 100))
        page = max(1, int(params.get("page", 1)))
        pages = max(1, math.ceil(len(items) / per_page))
        headers = {
            "X-Page": str(page),
            "X-Per-Page": str(per_page),
            "X-Total": str(len(items)),
            "X-Total-Pages": str(pages),
            "X-Next-Page": str(page + 1) if page < pages else "",
            "X-Prev-Page": str(page - 1) if page > 1 else "",
        }
        rels = [("first", 1), ("last", pages)]
        rels += [("next", page + 1)] if page < pages else []
        rels += [("prev", page - 1)] if page > 1 else []
        url = request.url or ""
        headers["Link"] = ", ".join(f'<{_with_page(url, n)}>; rel="{rel}"' for rel, n in rels)
        chunk = items[(page - 1) * per_page : page * per_page]
        return _json_reply(200, chunk, headers)


def _params(request: requests.PreparedRequest) -> Json:
    """Query parameters and JSON or form body, merged (python-gitlab sends JSON bodies)."""
    params: Json = {k: v[-1] for k, v in parse_qs(urlsplit(request.url or "").query).items()}
    body = request.body
    if body:
        text = body.decode() if isinstance(body, bytes) else str(body)
        try:
            params.update(json.loads(text))
        except ValueError:
            params.update({k: v[-1] for k, v in parse_qs(text).items()})
    return params


def _with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    query["page"] = str(page)
    return urlunsplit(parts._replace(query=urlencode(query)))


def _state_event(state: str, user: str, moment: datetime) -> Json:
    return {"state": state, "user": user, "created_at": moment}


def _flag(value: Any) -> bool:
    """A boolean parameter, from a JSON body (``true``) or a query string or form (``"true"``)."""
    return value is True or str(value).lower() in ("true", "1")


def _label_refs(arg: str) -> list[str]:
    return [quoted or bare for quoted, bare in _LABEL_REF.findall(arg)]


def _issue_matches(issue: Json, params: Json) -> bool:
    state = params.get("state", "all")
    checks = [
        state == "all" or issue["state"] == state,
        "updated_after" not in params
        or issue["updated_at"] >= datetime.fromisoformat(params["updated_after"]),
        "created_after" not in params
        or issue["created_at"] >= datetime.fromisoformat(params["created_after"]),
        "author_username" not in params or issue["author"] == params["author_username"],
        "confidential" not in params
        or bool(issue.get("confidential")) == _flag(params["confidential"]),
    ]
    return all(checks)
