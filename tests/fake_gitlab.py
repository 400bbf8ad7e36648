"""A stateful fake of the GitLab REST API (v4) on top of ``responses``.

Enough of GitLab for pto_bot's adapter, with GitLab's documented behaviour where it matters:
response bodies in the documented JSON shapes, offset pagination (``X-Next-Page``, ``X-Page``,
``X-Total``, ``Link``), quick actions really executed in posted or edited notes and in issue
descriptions (a commands-only note is not stored and answers 202), Free-tier labels (scoped labels
are NOT exclusive), ``updated_at`` bumped on every change (``touch_interval`` emulates GitLab's
one-minute throttle for notes), requests counted by method and path, and injectable faults.

Time is the fake's own: ``now`` (aware datetime), ``monotonic()`` and ``sleep()`` (which records
the wait and advances ``now``) are meant to be injected into the tracker under test.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import requests
import responses

BASE_URL = "https://gitlab.example.com"
API = f"{BASE_URL}/api/v4"
PROJECT_ID = 42
PROJECT_PATH = "support/ase"
TOKEN = "glpat-FAKE-secret-token-0123"
BOT = "pto-bot"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

Json = dict[str, Any]
Reply = tuple[int, dict[str, str], str]
_QUICK_ACTION = re.compile(r"^/(\w+)(?:[ \t]+(.*))?$")
_LABEL_REF = re.compile(r'~"([^"]+)"|~(\S+)')


@dataclass
class Fault:
    """Make the next ``times`` requests matching ``method`` and ``path`` (a regex searched in the
    path after /api/v4) fail: with ``status`` or by raising ``error``; ``after`` = only once the
    request has been processed (the ambiguous case)."""

    method: str
    path: str
    status: int = 502
    error: type[requests.RequestException] | None = None
    after: bool = False
    retry_after: int | None = None
    times: int = 1


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _json_reply(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Reply:
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)


def _message(status: int, text: str) -> Reply:
    return _json_reply(status, {"message": text})


class FakeGitLab:
    def __init__(self, mock: responses.RequestsMock, *, token: str = TOKEN, bot: str = BOT):
        self.now = START
        self.token = token
        self.bot = bot
        self.touch_interval = timedelta(0)
        self.issues: dict[int, Json] = {}
        self.notes: dict[int, list[Json]] = {}
        self.links: list[Json] = []
        self.calls: list[tuple[str, str]] = []
        self.sleeps: list[float] = []
        self.quick_actions_run: list[str] = []
        self.faults: list[Fault] = []
        self._users: dict[str, int] = {}
        self._next_note_id = 500
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Reply]]] = [
            ("GET", re.compile(r"/user"), self._get_user),
            ("GET", re.compile(r"/projects/([^/]+)/issues"), self._list_issues),
            ("POST", re.compile(r"/projects/([^/]+)/issues"), self._create_issue),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)"), self._get_issue),
            ("PUT", re.compile(r"/projects/([^/]+)/issues/(\d+)"), self._update_issue),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)/notes"), self._list_notes),
            ("POST", re.compile(r"/projects/([^/]+)/issues/(\d+)/notes"), self._create_note),
            ("PUT", re.compile(r"/projects/([^/]+)/issues/(\d+)/notes/(\d+)"), self._update_note),
            ("GET", re.compile(r"/projects/([^/]+)/issues/(\d+)/links"), self._list_links),
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
    ) -> int:
        iid = max(self.issues, default=0) + 1
        moment = self.now - age
        self.issues[iid] = {
            "iid": iid,
            "title": title,
            "description": description,
            "labels": list(labels),
            "state": state,
            "author": author,
            "assignees": list(assignees),
            "created_at": moment,
            "updated_at": moment,
            "closed_at": moment if state == "closed" else None,
        }
        self.notes[iid] = []
        return iid

    def add_note(self, iid: int, body: str, *, author: str = "alice", system: bool = False) -> int:
        """A note as a person (or GitLab) wrote it: stored as is, no quick actions."""
        return int(self._store_note(iid, body, author, system)["id"])

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
        if request.headers.get("PRIVATE-TOKEN") != self.token:
            return _message(401, "401 Unauthorized")
        fault = self._take_fault(method, path)
        if fault is not None and not fault.after:
            return self._fail(fault)
        reply = self._route(method, path, request)
        return self._fail(fault) if fault is not None else reply

    def _route(self, method: str, path: str, request: requests.PreparedRequest) -> Reply:
        params = _params(request)
        for verb, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if verb == method and match:
                project, *ids = match.groups() or ("",)
                if project and project not in (str(PROJECT_ID), PROJECT_PATH.replace("/", "%2F")):
                    return _message(404, "404 Project Not Found")
                return handler(params, request, *(int(i) for i in ids))
        return _message(404, "404 Not Found")

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and re.search(fault.path, path) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _fail(self, fault: Fault) -> Reply:
        if fault.error is not None:
            raise fault.error(f"fake: {fault.error.__name__}")
        headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
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
        iid = issue["iid"]
        assignees = [self._user(name) for name in issue["assignees"]]
        return {
            "id": 9000 + iid,
            "iid": iid,
            "project_id": PROJECT_ID,
            "title": issue["title"],
            "description": issue["description"],
            "state": issue["state"],
            "created_at": _iso(issue["created_at"]),
            "updated_at": _iso(issue["updated_at"]),
            "closed_at": _iso(issue["closed_at"]) if issue["closed_at"] else None,
            "closed_by": None,
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
            "confidential": False,
            "discussion_locked": None,
            "issue_type": "issue",
            "web_url": f"{BASE_URL}/{PROJECT_PATH}/-/issues/{iid}",
            "time_stats": {"time_estimate": 0, "total_time_spent": 0},
            "task_completion_status": {"count": 0, "completed_count": 0},
            "references": {"short": f"#{iid}", "full": f"{PROJECT_PATH}#{iid}"},
        }

    def _note_json(self, note: Json) -> Json:
        return {
            "id": note["id"],
            "type": None,
            "body": note["body"],
            "attachment": None,
            "author": self._user(note["author"]),
            "created_at": _iso(note["created_at"]),
            "updated_at": _iso(note["updated_at"]),
            "system": note["system"],
            "noteable_id": 9000 + note["iid"],
            "noteable_type": "Issue",
            "project_id": PROJECT_ID,
            "resolvable": False,
            "confidential": False,
            "internal": False,
            "noteable_iid": note["iid"],
            "commands_changes": {},
        }

    # -- state changes ----------------------------------------------------------------------

    def _touch(self, issue: Json, *, throttled: bool = False) -> None:
        stale = self.now - issue["updated_at"] > self.touch_interval
        if not throttled or not self.touch_interval or stale:
            issue["updated_at"] = self.now

    def _store_note(self, iid: int, body: str, author: str, system: bool) -> Json:
        self._next_note_id += 1
        note = {
            "id": self._next_note_id,
            "iid": iid,
            "body": body,
            "author": author,
            "system": system,
            "created_at": self.now,
            "updated_at": self.now,
        }
        self.notes[iid].append(note)
        self._touch(self.issues[iid], throttled=True)
        return note

    def _run_quick_actions(self, issue: Json, text: str) -> str:
        """Execute the quick actions of ``text`` on ``issue``; return the rest of the text."""
        kept: list[str] = []
        fenced = False
        for line in text.split("\n"):
            fenced ^= line.startswith("```")
            match = None if fenced else _QUICK_ACTION.match(line)
            command = self._quick_action(match.group(1)) if match else None
            if match and command:
                command(issue, match.group(2) or "")
                self.quick_actions_run.append(line)
                self._touch(issue)
            else:
                kept.append(line)
        return "\n".join(kept).strip()

    def _quick_action(self, name: str) -> Callable[[Json, str], None] | None:
        return {
            "close": lambda issue, _: self._set_state(issue, "close"),
            "reopen": lambda issue, _: self._set_state(issue, "reopen"),
            "label": lambda issue, arg: self._add_labels(issue, _label_refs(arg)),
            "unlabel": lambda issue, arg: self._remove_labels(issue, _label_refs(arg)),
            "assign": lambda issue, arg: issue["assignees"].extend(
                name.lstrip("@") for name in arg.split() if name.startswith("@")
            ),
        }.get(name)

    def _set_state(self, issue: Json, event: str) -> None:
        issue["state"] = "closed" if event == "close" else "opened"
        issue["closed_at"] = self.now if event == "close" else None

    @staticmethod
    def _add_labels(issue: Json, labels: Iterable[str]) -> None:
        # Free tier: scoped labels are not exclusive, an old `scope::value` stays.
        issue["labels"].extend(label for label in labels if label not in issue["labels"])

    @staticmethod
    def _remove_labels(issue: Json, labels: Iterable[str]) -> None:
        gone = set(labels)
        issue["labels"] = [label for label in issue["labels"] if label not in gone]

    # -- endpoints --------------------------------------------------------------------------

    def _get_user(self, params: Json, request: requests.PreparedRequest) -> Reply:
        return _json_reply(200, self._user(self.bot))

    def _list_issues(self, params: Json, request: requests.PreparedRequest) -> Reply:
        wanted = [label for label in params.get("labels", "").split(",") if label]
        found = [
            issue
            for issue in self.issues.values()
            if all(label in issue["labels"] for label in wanted) and _issue_matches(issue, params)
        ]
        key = "updated_at" if params.get("order_by") == "updated_at" else "created_at"
        found.sort(key=lambda i: (i[key], i["iid"]), reverse=params.get("sort", "desc") == "desc")
        return self._page(request, params, [self._issue_json(issue) for issue in found])

    def _create_issue(self, params: Json, request: requests.PreparedRequest) -> Reply:
        if not params.get("title"):
            return _json_reply(400, {"error": "title is missing"})
        labels = params.get("labels", "")
        iid = self.add_issue(
            params["title"],
            labels=labels.split(",") if isinstance(labels, str) and labels else labels or [],
            author=self.bot,
            age=timedelta(0),
        )
        issue = self.issues[iid]
        issue["description"] = self._run_quick_actions(issue, params.get("description") or "")
        return _json_reply(201, self._issue_json(issue))

    def _get_issue(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        if iid not in self.issues:
            return _message(404, "404 Issue Not Found")
        return _json_reply(200, self._issue_json(self.issues[iid]))

    def _update_issue(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        issue = self.issues.get(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        if "labels" in params:
            issue["labels"] = [label for label in params["labels"].split(",") if label]
        self._add_labels(issue, [x for x in params.get("add_labels", "").split(",") if x])
        self._remove_labels(issue, [x for x in params.get("remove_labels", "").split(",") if x])
        if params.get("state_event") in ("close", "reopen"):
            self._set_state(issue, params["state_event"])
        if "title" in params:
            issue["title"] = params["title"]
        if "description" in params:
            issue["description"] = self._run_quick_actions(issue, params["description"] or "")
        self._touch(issue)
        return _json_reply(200, self._issue_json(issue))

    def _list_notes(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        if iid not in self.issues:
            return _message(404, "404 Issue Not Found")
        key = "updated_at" if params.get("order_by") == "updated_at" else "created_at"
        notes = sorted(
            self.notes[iid],
            key=lambda n: (n[key], n["id"]),
            reverse=params.get("sort", "desc") == "desc",
        )
        return self._page(request, params, [self._note_json(note) for note in notes])

    def _create_note(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        issue = self.issues.get(iid)
        if issue is None:
            return _message(404, "404 Issue Not Found")
        if not params.get("body"):
            return _json_reply(400, {"error": "body is missing"})
        ran = len(self.quick_actions_run)
        text = self._run_quick_actions(issue, params["body"])
        if len(self.quick_actions_run) > ran and not text:
            return _json_reply(202, {"commands_changes": {}, "summary": ["Quick actions ran."]})
        return _json_reply(201, self._note_json(self._store_note(iid, text, self.bot, False)))

    def _update_note(
        self, params: Json, request: requests.PreparedRequest, iid: int, note_id: int
    ) -> Reply:
        issue = self.issues.get(iid)
        note = next((n for n in self.notes.get(iid, []) if n["id"] == note_id), None)
        if issue is None or note is None:
            return _message(404, "404 Note Not Found")
        text = self._run_quick_actions(issue, params.get("body") or "")
        if not text:  # an edit that leaves only commands deletes the note
            self.notes[iid].remove(note)
            return _json_reply(200, self._note_json(note))
        note["body"] = text
        note["updated_at"] = self.now
        self._touch(issue, throttled=True)
        return _json_reply(200, self._note_json(note))

    def _list_links(self, params: Json, request: requests.PreparedRequest, iid: int) -> Reply:
        linked = []
        for link in self.links:
            if iid in (link["source"], link["target"]):
                other = link["target"] if link["source"] == iid else link["source"]
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
        if iid not in self.issues or target not in self.issues:
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
    ]
    return all(checks)
