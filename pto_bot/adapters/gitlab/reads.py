"""Reading the project: the open issues of the bot's labels and the closed ones that can still
matter, each with all its notes, converted at the edge (:mod:`.convert`).

With the memory of the last run (:mod:`.memory`), a run lists the open issues of each label and
the issues changed since the memory was written (one request, whatever the history), and reads
an issue's notes only when its list fields show a change or it is the issue an event is about
(:meth:`~.unit_of_work.UnitOfWork.notes_hold`); a closed issue unchanged since comes from the
memory whole. Without memory (the first run; a lost or edited dashboard) the closed issues
changed since ``query.since`` are listed and every issue's notes are read: about one request per
issue that can still matter. Either way the snapshot is the same. An issue whose notes cannot be
read is left out and named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from ...domain.snapshot import Issue, Snapshot
from ...errors import AccessError, TrackerError
from ..tracker import Query
from .api import PAGE, Api
from .convert import issue_from_api, notes_from_api
from .memory import SETTLE, without_memory
from .times import api_time, parse_time
from .unit_of_work import UnitOfWork, last_change

Raw = dict[str, Any]


def list_open(
    api: Api, labels: Iterable[str], board: str | None
) -> tuple[dict[int, Raw], datetime]:
    """The open issues of each of ``labels`` (``board``'s open or closed), as listed, and when
    the first list was answered (GitLab's clock): what the listing holds is no older."""
    found: dict[int, Raw] = {}
    answered: datetime | None = None
    for label in labels:
        state = "all" if label == board else "opened"
        what = f"list {'' if state == 'all' else 'open '}issues labelled {label!r}"
        listed = api.list_issues(what, state=state, labels=[label])
        answered = answered or api.server_now()
        for raw in listed:
            found.setdefault(int(raw["iid"]), raw)
    return found, answered or api.server_now()


def list_closed(api: Api, labels: Iterable[str], since: datetime) -> dict[int, Raw]:
    """The closed issues of each of ``labels`` changed since ``since``, as listed."""
    closed: dict[int, Raw] = {}
    for label in labels:
        for raw in api.list_issues(
            f"list closed issues labelled {label!r}",
            state="closed",
            labels=[label],
            updated_after=api_time(since),
        ):
            closed[int(raw["iid"])] = raw
    return closed


def read_notes(api: Api, iid: int) -> list[Raw]:
    """Every note of the issue ``iid``, oldest first, as GitLab lists them."""
    with api.reporting("read notes", iid):
        listed = api.issue(iid).notes.list(
            sort="asc", order_by="created_at", per_page=PAGE, iterator=True
        )
        return [note.asdict() for note in listed]


def project_id_of(listed: Mapping[int, Raw]) -> int | None:
    """The project's numeric id, as GitLab lists its issues (None: none listed)."""
    ids = (raw.get("project_id") for raw in listed.values())
    return next((found for found in ids if isinstance(found, int)), None)


def is_board(raw: Mapping[str, Any], query: Query) -> bool:
    """The bot's own issue (the dashboard, its memory): the board label and none of the others
    (a fallback request someone gave the label is read as a fallback request)."""
    labels = set(raw.get("labels") or ())
    others = set(query.labels) - {query.board}
    return query.board is not None and query.board in labels and not labels & others


def read_snapshot(api: Api, query: Query, uow: UnitOfWork, listed: dict[int, Raw]) -> Snapshot:
    """The complete snapshot ``query`` asks for, from the issues ``listed`` by
    :func:`list_open` and the memory ``uow`` started from."""
    boards = {iid: raw for iid, raw in listed.items() if is_board(raw, query)}
    issues = {iid: raw for iid, raw in listed.items() if iid not in boards}
    memory = uow.found
    kept: list[int] = []
    if memory is not None and memory.since <= query.since:
        changed = _changed_since(api, memory.synced)
        for iid, raw in changed.items():
            if iid not in issues and iid not in boards and _closed_and_ours(raw, query):
                issues[iid] = raw
        kept = [
            iid
            for iid, entry in memory.issues.items()
            if iid not in issues
            and iid not in changed
            and iid not in boards
            and entry.issue.get("state") != "opened"
            and last_change(entry) >= query.since
        ]
    else:
        for iid, raw in list_closed(api, query.closed, query.since).items():
            issues.setdefault(iid, raw)
    errors: list[str] = []
    for iid in sorted(issues):
        _read_one(api, uow, query, issues[iid], iid in query.fresh, errors)
    for iid in kept:
        entry = memory.issues[iid] if memory is not None else None
        assert entry is not None
        if entry.settled and entry.notes is not None:
            uow.keep_as_is(iid, entry)
        else:
            _read_one(api, uow, query, entry.issue, True, errors)
    uow.boards = {iid: without_memory(raw) for iid, raw in boards.items()}
    return snapshot_of(api, uow, errors)


def _read_one(
    api: Api,
    uow: UnitOfWork,
    query: Query,
    raw: Mapping[str, Any],
    fresh: bool,
    errors: list[str],
) -> None:
    """Take the issue ``raw`` into the run: its notes as held, none when they cannot hold
    anything (:class:`~..tracker.Query`), or read now."""
    iid = int(raw["iid"])
    if uow.notes_hold(raw, fresh) is not None:
        uow.hold(raw)
        return
    if _nothing_to_read(raw, query):
        uow.read_issue(raw, [])
        return
    try:
        notes = read_notes(api, iid)
    except AccessError:
        raise  # the token, the role or GitLab itself: no other issue can be read either
    except TrackerError as exc:
        errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
        return
    uow.read_issue(raw, notes)


def snapshot_of(api: Api, uow: UnitOfWork, errors: list[str]) -> Snapshot:
    issues: list[Issue] = []
    for iid, entry in sorted(uow.issues.items()):
        notes, skipped = notes_from_api(entry.notes or ())
        errors.extend(f"#{iid}: {line}" for line in skipped)
        try:
            issues.append(issue_from_api(entry.issue, notes))
        except ValueError as exc:
            errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
    for iid, raw in sorted(uow.boards.items()):
        try:
            issues.append(issue_from_api(raw, ()))  # the dashboard: its comments are never read
        except ValueError as exc:
            errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
    issues.sort(key=lambda i: i.iid)
    configured = api.connection.project
    return Snapshot(
        issues=tuple(issues),
        project=str(configured),
        project_id=uow.project_id or (configured if isinstance(configured, int) else None),
        web_url=_project_web_url(issues),
        errors=tuple(errors),
    )


def _nothing_to_read(raw: Mapping[str, Any], query: Query) -> bool:
    labels = set(raw.get("labels") or ())
    if raw.get("user_notes_count") == 0 and not labels & set(query.system_notes):
        return True
    if raw.get("state") == "opened" or query.silent_before is None:
        return False
    try:
        return parse_time(raw["updated_at"]) < query.silent_before
    except (KeyError, ValueError):
        return False


def _closed_and_ours(raw: Mapping[str, Any], query: Query) -> bool:
    labels = set(raw.get("labels") or ())
    try:
        recent = parse_time(raw["updated_at"]) >= query.since
    except (KeyError, ValueError):
        return False
    return raw.get("state") != "opened" and bool(labels & set(query.closed)) and recent


def _changed_since(api: Api, synced: datetime) -> dict[int, Raw]:
    """Every issue of the project changed since the memory was written (usually few): one
    request, whatever the history. A closed issue among them is read afresh; one the memory
    keeps that is no longer the bot's (reopened and relabelled) is let go."""
    changed = api.list_issues(
        "list issues changed since the last run",
        state="all",
        updated_after=api_time(synced - SETTLE),
    )
    return {int(raw["iid"]): raw for raw in changed}


def _project_web_url(issues: Iterable[Issue]) -> str:
    for issue in issues:
        if "/-/issues/" in issue.web_url:
            return issue.web_url.split("/-/issues/")[0]
    return ""
