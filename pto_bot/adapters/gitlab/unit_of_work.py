"""One run's work with GitLab: what it read and wrote, as GitLab returned it, and what the next
run is handed (:class:`~.memory.Memory`).

Reads fill it (:mod:`.reads`); every write the tracker makes is recorded from GitLab's answer
(the note it created, the issue as it stands after a label change), so that at the end of the
run it holds the state the run left behind without reading it back. Whether the notes it holds
of an issue are still that issue's notes, when the issue is listed again, is decided here and
nowhere else (:meth:`UnitOfWork.notes_hold`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from .memory import SETTLE, KeptIssue, Memory, Place, without_memory
from .times import parse_time

Raw = dict[str, Any]

#: GitLab's ``Date`` header has a second's resolution, its ``updated_at`` a millisecond's: an
#: ``updated_at`` this close after the bot's last write to an issue is that write's.
WRITE_SLACK = timedelta(seconds=2)
#: Note counts kept per project for the out-of-office scan: the oldest are forgotten.
PLACE_LIMIT = 1000

_ISSUE_FIELDS = (
    "iid",
    "title",
    "description",
    "labels",
    "state",
    "author",
    "created_at",
    "updated_at",
    "closed_at",
    "closed_by",
    "assignees",
    "web_url",
    "user_notes_count",
    "confidential",
)
_NOTE_FIELDS = ("id", "body", "created_at", "updated_at", "system", "internal", "author")


def _user(value: Any) -> Any:
    return {"username": value.get("username")} if isinstance(value, Mapping) else value


def issue_fields(raw: Mapping[str, Any]) -> Raw:
    """The part of GitLab's issue JSON that pto_bot reads (and so keeps)."""
    kept = {k: raw.get(k) for k in _ISSUE_FIELDS if k in raw}
    for who in ("author", "closed_by"):
        if who in kept:
            kept[who] = _user(kept[who])
    if "assignees" in kept:
        kept["assignees"] = [_user(a) for a in kept["assignees"] or ()]
    return kept


def note_fields(raw: Mapping[str, Any]) -> Raw:
    """The part of GitLab's note JSON that pto_bot reads."""
    kept = {k: raw.get(k) for k in _NOTE_FIELDS if k in raw}
    if "author" in kept:
        kept["author"] = _user(kept["author"])
    return kept


def last_change(entry: KeptIssue) -> datetime:
    """When the issue last changed, as far as the tracker knows."""
    return _time(entry.issue, "updated_at") or entry.updated_at


def _time(raw: Mapping[str, Any], key: str) -> datetime | None:
    try:
        return parse_time(raw[key])
    except (KeyError, TypeError, ValueError):
        return None


class UnitOfWork:
    """The state of one run: the memory it started from, the issues as it knows them now."""

    def __init__(
        self,
        memory: Memory | None = None,
        home: int | None = None,
        *,
        synced: datetime | None = None,
        since: datetime | None = None,
        project_id: int | None = None,
    ) -> None:
        self.found = memory  # the memory the run started from
        self.home = home  # the issue it was found in
        self.synced = synced  # GitLab's time when this run began reading
        self.since = since  # closed issues changed since then can still matter
        self.project_id = project_id  # the project's numeric id, as GitLab lists it
        self.issues: dict[int, KeptIssue] = {}
        self.boards: dict[int, Raw] = {}  # the bot's own issues (dashboard), as listed
        self.places: dict[str, Place] = dict(memory.places) if memory else {}
        self.descriptions: dict[int, str] = {}  # a description edit of the home, kept for commit

    # -- reading ---------------------------------------------------------------------------------

    def kept(self, iid: int) -> KeptIssue | None:
        return self.found.issues.get(iid) if self.found is not None else None

    def notes_hold(self, raw: Mapping[str, Any], fresh: bool) -> tuple[Raw, ...] | None:
        """The notes kept of the issue ``raw`` lists, when they are still all its notes: nothing
        was said since they were read (same note count), nothing changed on it but what the bot
        itself wrote, and they were read long enough after its last change (GitLab bumps
        ``updated_at`` for a note at most once a minute: :data:`~.memory.SETTLE`)."""
        iid = int(raw["iid"])
        entry = self.kept(iid)
        if fresh or entry is None or entry.notes is None or not entry.settled:
            return None
        updated = _time(raw, "updated_at")
        if updated is None or raw.get("user_notes_count") != entry.count:
            return None
        ours = entry.wrote_at is not None and entry.updated_at <= updated <= entry.wrote_at + (
            WRITE_SLACK
        )
        return entry.notes if updated == entry.updated_at or ours else None

    def hold(self, raw: Mapping[str, Any]) -> None:
        """The issue as listed now, its notes as kept (:meth:`notes_hold` said they hold)."""
        fields = issue_fields(raw)
        entry = self.kept(int(fields["iid"]))
        assert entry is not None
        self.issues[int(fields["iid"])] = entry.model_copy(update={"issue": fields})

    def read_issue(self, raw: Mapping[str, Any], notes: list[Raw] | None) -> None:
        """The issue as listed, and its notes as read now (None: they could not be read)."""
        fields = issue_fields(raw)
        assert self.synced is not None
        updated = _time(fields, "updated_at") or self.synced
        self.issues[int(fields["iid"])] = KeptIssue(
            issue=fields,
            notes=None if notes is None else tuple(note_fields(n) for n in notes),
            updated_at=updated,
            count=fields.get("user_notes_count"),
            settled=notes is not None and self.synced >= updated + SETTLE,
        )

    def keep_as_is(self, iid: int, entry: KeptIssue) -> None:
        """A closed issue kept from the last run and unchanged since."""
        self.issues[iid] = entry

    # -- writing -----------------------------------------------------------------------------
    # What was read of an issue (``updated_at``, ``count``: what its notes are trusted against)
    # stays as read; what the bot wrote is added to it, and when (``wrote_at``).

    def noted(self, iid: int, note: Mapping[str, Any], when: datetime) -> None:
        """The bot posted ``note`` on ``iid`` (GitLab's answer), at GitLab's time ``when``."""
        entry = self.issues.get(iid)
        if entry is None:
            return
        notes = None if entry.notes is None else (*entry.notes, note_fields(note))
        count = None if entry.count is None else entry.count + 1
        self.issues[iid] = entry.model_copy(
            update={"notes": notes, "count": count, "wrote_at": when}
        )

    def note_edited(self, iid: int, note: Mapping[str, Any], when: datetime) -> None:
        entry = self.issues.get(iid)
        if entry is None:
            return
        edited = note_fields(note)
        notes = (
            None
            if entry.notes is None
            else tuple(edited if n.get("id") == edited.get("id") else n for n in entry.notes)
        )
        self.issues[iid] = entry.model_copy(update={"notes": notes, "wrote_at": when})

    def issue_written(self, iid: int, raw: Mapping[str, Any], when: datetime) -> None:
        """The issue as GitLab answered a write to it (labels, description, state)."""
        fields = issue_fields(raw)
        if iid in self.boards:
            self.boards[iid] = without_memory({**self.boards[iid], **fields})
            return
        entry = self.issues.get(iid)
        if entry is None:
            return
        # someone commented since the notes were read: they are read again next time
        missed = fields.get("user_notes_count") not in (None, entry.count)
        self.issues[iid] = entry.model_copy(
            update={"issue": fields, "wrote_at": when, "settled": entry.settled and not missed}
        )

    def created(self, raw: Mapping[str, Any], when: datetime, board: bool) -> None:
        """An issue the bot opened (GitLab's answer): it has no notes yet."""
        fields = issue_fields(raw)
        iid = int(fields["iid"])
        if board:
            self.boards[iid] = without_memory(fields)
            return
        updated = _time(fields, "updated_at") or when
        self.issues[iid] = KeptIssue(
            issue=fields, notes=(), updated_at=updated, count=0, settled=True, wrote_at=when
        )

    # -- the out-of-office scan --------------------------------------------------------------

    def place(self, place: str) -> Place:
        return self.places.get(place, Place())

    def scan_from(self, place: str, floors: Mapping[str, datetime]) -> datetime:
        """Where the scan of ``place`` starts: the earliest floor of what it has not read for
        yet, else a settle time before where it last listed it."""
        old = self.place(place)
        new = [when for key, when in floors.items() if key not in old.keys]
        if old.listed_at is None:
            return min(floors.values())
        return min([old.listed_at - SETTLE, *new])

    def listed(self, place: str, at: datetime, keys: Iterable[str]) -> None:
        old = self.place(place)
        self.places[place] = old.model_copy(update={"listed_at": at, "keys": tuple(sorted(keys))})

    def threads_read(self, place: str, iid: int, count: int) -> None:
        old = self.place(place)
        counts = {k: v for k, v in old.counts.items() if k != iid}
        counts[iid] = count  # the last read last: the oldest are forgotten first
        kept = dict(list(counts.items())[-PLACE_LIMIT:])
        again = tuple(i for i in old.again if i != iid)
        self.places[place] = old.model_copy(update={"counts": kept, "again": again})

    def unread(self, place: str, iid: int) -> None:
        old = self.place(place)
        counts = {k: v for k, v in old.counts.items() if k != iid}
        again = old.again if iid in old.again else (*old.again, iid)
        self.places[place] = old.model_copy(update={"counts": counts, "again": again})

    # -- what the next run is handed ----------------------------------------------------------

    def memory(self) -> Memory | None:
        """The memory of the state this run leaves: the issues that can still matter (open, or
        changed since the history the run was asked for), the scan's counts."""
        if self.synced is None or self.since is None:
            return None
        since = self.since
        issues = {
            iid: entry
            for iid, entry in sorted(self.issues.items())
            if entry.issue.get("state") == "opened" or last_change(entry) >= since
        }
        places = {p: self.places[p] for p in sorted(self.places) if self.places[p] != Place()}
        return Memory(synced=self.synced, since=since, issues=issues, places=places)
