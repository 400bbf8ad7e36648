"""Out of office on GitLab: the threads of an issue in the team project or a collaboration
project (the Discussions API: a thread's id is what a reply needs), the issues changed in each
while someone was away, and an answer in a thread.

A collaboration project the token cannot see or comment on is that project's problem, never the
run's: its failures are reported and the others go on (the token and GitLab itself failing
still stop the run, as everywhere).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from gitlab.v4.objects import Project, ProjectIssue

from ...domain.away import TEAM, Discussed, Scan, Thread, ThreadNote
from ...domain.usernames import same_user
from ...errors import AccessError, TrackerError
from .api import PAGE, Api
from .times import api_time, parse_time
from .unit_of_work import UnitOfWork


def project(api: Api, place: str) -> Project:
    return api.project if place == TEAM else api.gl.projects.get(place, lazy=True)


def issue(api: Api, place: str, iid: int, lazy: bool = True) -> ProjectIssue:
    return project(api, place).issues.get(iid, lazy=lazy)


@contextmanager
def elsewhere(place: str, iid: int | None) -> Iterator[None]:
    """In a collaboration project, "not found" or "forbidden" is that project's problem: a
    plain :class:`TrackerError` (the run goes on), saying which project."""
    try:
        yield
    except AccessError as exc:
        if place == TEAM or exc.kind not in ("not-found", "forbidden"):
            raise
        raise TrackerError(
            f"{place}: {exc} — give the bot's user the role Guest or higher there (see "
            "`pto-bot doctor`)",
            iid,
        ) from exc


def _note(raw: Mapping[str, Any]) -> ThreadNote | None:
    try:
        author = raw.get("author")
        name = author.get("username") if isinstance(author, Mapping) else author
        return ThreadNote(
            id=int(raw["id"]),
            author=str(name or ""),
            body=str(raw.get("body") or ""),
            created_at=parse_time(raw["created_at"]),
            system=bool(raw.get("system")),
        )
    except (KeyError, TypeError, ValueError):
        return None  # a note that does not fit is not read


def thread_of(raw: Mapping[str, Any]) -> Thread:
    notes = [n for item in raw.get("notes") or () if (n := _note(item)) is not None]
    notes.sort(key=lambda n: (n.created_at, n.id))
    return Thread(str(raw.get("id") or ""), tuple(notes))


def read_threads(api: Api, place: str, iid: int, thread: str = "") -> tuple[Thread, ...]:
    what = f"read the threads of {place or 'the team project'}#{iid}"
    with elsewhere(place, iid), api.reporting(what, iid):
        discussions = issue(api, place, iid).discussions
        if thread:
            return (thread_of(discussions.get(thread).attributes),)
        listed = discussions.list(per_page=PAGE, iterator=True)
        return tuple(thread_of(d.attributes) for d in listed)


def read_discussed(api: Api, place: str, iid: int, thread: str = "") -> Discussed:
    """The issue as GitLab has it, and its threads (or that one): what a webhook event about
    it is only a hint of."""
    with elsewhere(place, iid), api.reporting(f"read {place or 'the team project'}#{iid}", iid):
        raw = dict(issue(api, place, iid, lazy=False).attributes)
    return _as_discussed(place, raw, read_threads(api, place, iid, thread))


def post_reply(api: Api, place: str, iid: int, thread: str, body: str) -> dict[str, Any]:
    """Answer in ``thread`` (or in a new comment): GitLab's note; the caller reports failures."""
    target = issue(api, place, iid)
    if thread:
        discussion = target.discussions.get(thread, lazy=True)
        return dict(discussion.notes.create({"body": body}).attributes)
    return dict(target.notes.create({"body": body}).attributes)


def find_reply(
    api: Api, place: str, iid: int, thread: str, body: str, bot: str, since: datetime
) -> int | None:
    """The answer the bot posted after ``since`` with this ``body``, if a failure hid it."""
    for t in read_threads(api, place, iid, thread):
        for note in t.notes:
            same = note.body.strip() == body.strip() and same_user(note.author, bot)
            if same and note.created_at >= since:
                return note.id
    return None


def scan(api: Api, places: Sequence[str], floors: Mapping[str, datetime], uow: UnitOfWork) -> Scan:
    """The issues of each place changed since the scan last read it, or since the first day of
    an absence it has not read for (one list each); the threads of those with comments not read
    before (or to be read again: an answer there failed)."""
    issues: list[Discussed] = []
    errors: list[str] = []
    for place in places:
        start = uow.scan_from(place, floors)
        before = api.server_now()  # GitLab's time before the list: the next list starts there
        try:
            with elsewhere(place, None):
                listed = api.list_issues(
                    f"list the issues of {place or 'the team project'} changed lately",
                    project=project(api, place),
                    updated_after=api_time(start),
                )
        except AccessError:
            raise
        except TrackerError as exc:
            errors.append(str(exc))
            continue
        uow.listed(place, before, floors)
        seen = {int(raw["iid"]) for raw in listed}
        for iid in uow.place(place).again:  # an answer there was not written: read it again
            if iid not in seen:
                try:
                    with elsewhere(place, iid), api.reporting(f"read {place}#{iid}", iid):
                        listed.append(dict(issue(api, place, iid, lazy=False).attributes))
                except AccessError:
                    raise
                except TrackerError as exc:
                    errors.append(str(exc))
        for raw in listed:
            try:
                found = _discussed(api, place, raw, uow)
            except AccessError:
                raise
            except (TrackerError, KeyError, TypeError, ValueError) as exc:
                errors.append(f"{place or 'the team project'}#{raw.get('iid')}: not read ({exc})")
                continue
            issues.append(found)
    return Scan(tuple(issues), tuple(errors))


def _discussed(api: Api, place: str, raw: Mapping[str, Any], uow: UnitOfWork) -> Discussed:
    iid = int(raw["iid"])
    count = int(raw.get("user_notes_count") or 0)
    seen = uow.place(place)
    known = seen.counts.get(iid)
    fresh = count > 0 and (known != count or iid in seen.again)
    threads = read_threads(api, place, iid) if fresh else None
    # its description was judged with its threads, when they were last read: an edit of its
    # title or labels since is no new mention (an answer would be given twice)
    description = "" if threads is None and known is not None else raw.get("description")
    if threads is not None:
        uow.threads_read(place, iid, count)
    return _as_discussed(place, {**raw, "description": description}, threads)


def _as_discussed(
    place: str, raw: Mapping[str, Any], threads: tuple[Thread, ...] | None
) -> Discussed:
    author = raw.get("author")
    return Discussed(
        place=place,
        iid=int(raw["iid"]),
        author=str(author.get("username") if isinstance(author, Mapping) else author or ""),
        description=str(raw.get("description") or ""),
        created_at=parse_time(raw["created_at"]),
        web_url=str(raw.get("web_url") or ""),
        labels=tuple(str(label) for label in raw.get("labels") or ()),
        threads=threads,
    )
