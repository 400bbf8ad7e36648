"""The writes of the GitLab tracker, each recorded in the run's unit of work from GitLab's
answer; a POST that failed in a way that may have been committed (5xx, read timeout) is looked
up (from just before it, by GitLab's clock) before it is repeated, so a note that succeeded
behind a 502 is never posted twice. The bot never sends a quick action: a line starting with
``/`` is refused before any request."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from gitlab.exceptions import GitlabCreateError

from ...domain.markers import read_marker
from ...errors import TrackerError
from ..pacing import Pacer
from ..tracker import Query
from .api import Api
from .guards import dropped, left_as_was, refuse_quick_actions
from .times import api_time, parse_time
from .transport import Unsure, backoff
from .unit_of_work import UnitOfWork

_log = logging.getLogger(__name__)

MEMORY_TITLE = "PTO bot memory"
MEMORY_ONLY = (
    "The PTO bot keeps what it needs from one run to the next in this issue (hidden below), so "
    "that a runner without a cache reads only what changed. The coverage dashboard is off "
    "(`reports.dashboard: false` in the policy).\n\n"
    "Leave it closed and its description as it is: an edit costs the next run extra requests, "
    "nothing worse."
)


class GitLabWrites:
    """The writes, for :class:`~.client.GitLabTracker`."""

    _api: Api
    _pacer: Pacer
    _uow: UnitOfWork
    _query: Query | None
    _user_ids: dict[str, int]

    @property
    def bot_username(self) -> str:
        raise NotImplementedError

    def post_note(self, iid: int, body: str, *, internal: bool = False) -> int:
        refuse_quick_actions("post note", iid, body)
        data: dict[str, object] = {"body": body, **({"internal": True} if internal else {})}

        def post() -> int:
            with self._pacer.write(note=True):
                note = self._api.issue(iid).notes.create(data)
            self._uow.noted(iid, note.attributes, self._api.server_now())
            return int(note.id)

        return self._post_once(
            "post note", iid, post, lambda since: self._find_note(iid, body, since)
        )

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        refuse_quick_actions("edit note", iid, body)
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
            self._update("set labels", iid, change)

    def create_issue(
        self,
        title: str,
        description: str,
        labels: Sequence[str],
        *,
        assignees: Sequence[str] = (),
        confidential: bool = False,
    ) -> int:
        refuse_quick_actions("create issue", None, description)
        data: dict[str, Any] = {
            "title": title,
            "description": description,
            "labels": ",".join(labels),
        }
        if assignees:
            data["assignee_ids"] = [self._user_id(name) for name in assignees]
        if confidential:
            data["confidential"] = True
        board = self._query is not None and self._query.board in labels

        def post() -> int:
            with self._pacer.write():
                made = self._api.project.issues.create(data)
            self._uow.created(made.attributes, self._api.server_now(), board=board)
            return int(made.iid)

        def find(since: datetime) -> int | None:
            return self._find_issue(title, description, labels, since)

        iid = self._post_once(f"create issue {title!r}", None, post, find)
        made = self._uow.issues.get(iid)
        if made is not None and assignees:
            got = {str(a.get("username")) for a in made.issue.get("assignees") or ()}
            if not {name.casefold() for name in assignees} <= {n.casefold() for n in got}:
                raise dropped(f"assign issue #{iid} (opened)", iid)
        return iid

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

    def edit_description(
        self,
        iid: int,
        description: str,
        *,
        title: str | None = None,
        confidential: bool = False,
    ) -> None:
        refuse_quick_actions("edit description", iid, description)
        if iid in self._uow.boards:  # the bot's own issue: written with its memory, at commit
            self._uow.descriptions[iid] = description
            return
        self._write_description(iid, description, title=title, confidential=confidential)

    def set_assignees(self, iid: int, assignees: Sequence[str]) -> None:
        ids = [self._user_id(name) for name in assignees]
        self._update("assign", iid, {"assignee_ids": ids or [0]})

    def set_state(self, iid: int, state: str) -> None:
        if state not in ("close", "reopen"):
            raise TrackerError(f"set state: {state!r} is neither 'close' nor 'reopen'", iid)
        self._update(f"{state} issue", iid, {"state_event": state})

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

    def _write_description(
        self,
        iid: int,
        description: str,
        close: bool = False,
        title: str | None = None,
        confidential: bool = False,
    ) -> None:
        """One write; ``close``: and close the issue (the memory's own, made closed);
        ``title``: and retitle it; ``confidential``: and make it confidential (a change GitLab
        drops for a Guest)."""
        refuse_quick_actions("edit description", iid, description)
        change: dict[str, Any] = {"description": description}
        if close:
            change["state_event"] = "close"
        if title is not None:
            change["title"] = title
        if confidential:
            change["confidential"] = True
        self._update("edit description", iid, change)

    def _update(self, op: str, iid: int, change: dict[str, Any]) -> None:
        """One ``PUT`` of the issue, recorded from GitLab's answer; a change the answer does not
        show made (:func:`~.guards.left_as_was`) stops the run (:func:`~.guards.dropped`)."""
        with self._api.reporting(op, iid), self._pacer.write():
            answer = self._api.project.issues.update(iid, change)
        self._uow.issue_written(iid, answer, self._api.server_now())
        left = left_as_was(change, answer)
        if left:
            raise dropped(op, iid, left)

    def _user_id(self, username: str) -> int:
        """The id GitLab knows ``username`` by (``GET /users?username=``), once a run."""
        found = self._user_ids.get(username.casefold())
        if found is not None:
            return found
        with self._api.reporting(f"look up the user @{username}", None):
            listed = self._api.gl.users.list(username=username, get_all=False)
        if not listed:
            raise TrackerError(f"GitLab knows no user @{username} (check policy.yaml)")
        self._user_ids[username.casefold()] = int(listed[0].id)
        return int(listed[0].id)

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
