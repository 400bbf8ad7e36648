"""The offline tracker: a JSON file of issues and notes in GitLab's REST shapes.

Used by ``pto-bot demo`` and ``--offline FILE``: a team can try a policy change on an export of
its own project without touching GitLab. The file layout::

    {"project": {"id": 1, "path_with_namespace": "team/ase", "web_url": "..."},
     "issues": [<GitLab issue objects>],
     "notes": {"<iid>": [<GitLab note objects>]},
     "links": [{"source": <iid>, "target": <iid>}],
     "elsewhere": {"<group/project>": {"issues": [...], "notes": {"<iid>": [...]}}}}

``elsewhere`` (optional) holds collaboration projects, for the out-of-office answers. A note's
``discussion_id`` names its thread (without one, a note is a thread of its own). What a file
must hold, and what is left out when it does not: :mod:`.offline_file`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..domain.away import TEAM, Discussed, Scan
from ..domain.snapshot import Snapshot
from ..errors import ConfigError, TrackerError
from .offline_file import discussed, iid_of, iids, number, read_snapshot, shaped
from .tracker import Query


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class OfflineTracker:
    """Reads and writes the JSON file; every write stamps ``clock()`` as GitLab would."""

    def __init__(
        self,
        path: Path | None,
        bot_username: str,
        clock: Callable[[], datetime],
        data: dict[str, Any] | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.bot_username = bot_username
        self.clock = clock
        self.name = str(path) if path is not None else "the offline project"
        self.data = shaped(data if data is not None else self._load(), self.name)
        self.writes = 0

    def _load(self) -> Any:
        assert self.path is not None
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(
                [f"{self.path}: cannot read the offline project ({exc.strerror})"]
            ) from None
        except json.JSONDecodeError as exc:
            raise ConfigError(
                [f"{self.path}: not valid JSON (line {exc.lineno}: {exc.msg})"]
            ) from None
        except UnicodeDecodeError:
            raise ConfigError([f"{self.path}: not UTF-8 text"]) from None
        except RecursionError:  # the JSON parser recurses once per level of nesting
            raise ConfigError(
                [f"{self.path}: nested too deeply to read; a project export is a few levels deep"]
            ) from None

    # -- reading ---------------------------------------------------------------------------------
    pacer = None  # a file takes writes as fast as they come

    def read(self, query: Query) -> Snapshot:
        """Every issue of the query's labels in the file, open or closed: a file is read whole."""
        return read_snapshot(self.data, self.name, self.bot_username, query.labels)

    def recall(self, query: Query) -> Snapshot | None:
        """Nothing is kept between runs: the caller reads the file."""
        return None

    def commit(self, home: int | None, *, whole: bool = True) -> list[str]:
        """The file is written back whole (atomically): it is all there is to keep."""
        self.save()
        return []

    # -- out of office -----------------------------------------------------------------------------
    def unread(self, place: str, iid: int) -> None:
        """A file is read whole at every scan: nothing to forget."""

    def _space(self, place: str) -> dict[str, Any]:
        if place == TEAM:
            return self.data
        space = (self.data.get("elsewhere") or {}).get(place)
        if not isinstance(space, dict) or not isinstance(space.get("issues"), list):
            raise TrackerError(f"{place}: no such project in {self.name}")
        space.setdefault("notes", {})
        return space

    def scan(self, places: Sequence[str], floors: Mapping[str, datetime]) -> Scan:
        """Every issue of each place changed since the earliest floor, with its threads: a
        file keeps nothing between runs."""
        issues, errors = [], []
        start = min(floors.values(), default=self.clock())
        for place in places:
            try:
                space = self._space(place)
            except TrackerError as exc:
                errors.append(str(exc))
                continue
            for raw in space["issues"]:
                try:
                    found = discussed(place, raw, space["notes"])
                except (KeyError, TypeError, ValueError) as exc:
                    if place != TEAM:  # the read names the team project's own
                        errors.append(f"{place}: an issue not read ({exc})")
                    continue
                if found[1] >= start:
                    issues.append(found[0])
        return Scan(tuple(issues), tuple(errors))

    def discussed(self, place: str, iid: int, thread: str = "") -> Discussed:
        space = self._space(place)
        raw = next((i for i in space["issues"] if iid_of(i) == iid), None)
        if raw is None:
            raise TrackerError(f"{place or self.name}: issue #{iid} does not exist", iid)
        found, _ = discussed(place, raw, space["notes"])
        threads = tuple(t for t in found.threads or () if not thread or t.id == thread)
        return replace(found, threads=threads)

    def reply(self, place: str, iid: int, thread: str, body: str) -> int:
        space = self._space(place)
        raw = next((i for i in space["issues"] if iid_of(i) == iid), None)
        if raw is None:
            raise TrackerError(f"{place or self.name}: issue #{iid} does not exist", iid)
        note_id = self._next_note_id()
        note = self._note_json(iid, note_id, body)
        space["notes"].setdefault(str(iid), []).append(
            {**note, "discussion_id": thread or f"d{note_id}"}
        )
        self._touch(raw)
        return note_id

    def _next_note_id(self) -> int:
        spaces = [self.data, *(v for v in (self.data.get("elsewhere") or {}).values())]
        every = (
            n
            for space in spaces
            if isinstance(space, dict)
            for ns in (space.get("notes") or {}).values()
            if isinstance(ns, list)
            for n in ns
        )
        all_ids = [i for n in every if isinstance(n, dict) and (i := number(n.get("id")))]
        return max(all_ids, default=1000) + 1

    # -- writing ---------------------------------------------------------------------------------
    def _issue(self, iid: int) -> dict[str, Any]:
        for raw in self.data["issues"]:
            if iid_of(raw) == iid:  # an object, then
                return raw  # type: ignore[no-any-return]
        raise TrackerError(f"issue #{iid} does not exist", iid)

    def _notes(self, iid: int) -> list[Any]:
        """The notes of ``iid`` as stored, to append to (a list made where there was none)."""
        notes = self.data["notes"].get(str(iid))
        if notes is None:
            notes = self.data["notes"][str(iid)] = []
        if not isinstance(notes, list):
            raise TrackerError(f"the notes of #{iid} in {self.name} are not a list", iid)
        return notes

    def _touch(self, raw: dict[str, Any]) -> None:
        raw["updated_at"] = _iso(self.clock())
        self.writes += 1

    def _base_url(self) -> str:
        return str(self.data["project"].get("web_url") or "").rstrip("/")

    def post_note(self, iid: int, body: str, *, internal: bool = False) -> int:
        raw = self._issue(iid)
        note_id = self._next_note_id()
        self._notes(iid).append(self._note_json(iid, note_id, body) | {"internal": internal})
        self._touch(raw)
        return note_id

    def _note_json(self, iid: int, note_id: int, body: str) -> dict[str, Any]:
        """A note of the bot's, in GitLab's shape, written now."""
        now = _iso(self.clock())
        return {
            "id": note_id,
            "body": body,
            "author": {"username": self.bot_username},
            "created_at": now,
            "updated_at": now,
            "system": False,
            "noteable_type": "Issue",
            "noteable_iid": iid,
        }

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        raw = self._issue(iid)
        for note in self._notes(iid):
            if isinstance(note, dict) and number(note.get("id")) == note_id:
                note["body"] = body
                note["updated_at"] = _iso(self.clock())
                self._touch(raw)
                return
        raise TrackerError(f"note {note_id} of #{iid} does not exist", iid)

    def set_labels(self, iid: int, add: Sequence[str], remove: Sequence[str]) -> None:
        raw = self._issue(iid)
        labels = [x for x in raw.get("labels") or () if x not in set(remove)]
        labels += [x for x in add if x not in labels]
        raw["labels"] = labels
        self._touch(raw)

    def create_issue(
        self,
        title: str,
        description: str,
        labels: Sequence[str],
        *,
        assignees: Sequence[str] = (),
        confidential: bool = False,
    ) -> int:
        iid = max(iids(self.data), default=0) + 1
        now = _iso(self.clock())
        base = self._base_url()
        self.data["issues"].append(
            {
                "iid": iid,
                "title": title,
                "description": description,
                "labels": list(labels),
                "state": "opened",
                "author": {"username": self.bot_username},
                "assignees": [{"username": name} for name in assignees],
                "confidential": confidential,
                "created_at": now,
                "updated_at": now,
                "closed_at": None,
                "web_url": f"{base}/-/issues/{iid}" if base else "",
            }
        )
        self.writes += 1
        return iid

    def link_issues(self, iid: int, other_iid: int) -> None:
        self._issue(iid)
        self._issue(other_iid)
        link = {"source": iid, "target": other_iid}
        if link not in self.data["links"]:
            self.data["links"].append(link)
            self.writes += 1

    def edit_description(
        self,
        iid: int,
        description: str,
        *,
        title: str | None = None,
        confidential: bool = False,
    ) -> None:
        raw = self._issue(iid)
        raw["description"] = description
        if title is not None:
            raw["title"] = title
        if confidential:
            raw["confidential"] = True
        self._touch(raw)

    def set_assignees(self, iid: int, assignees: Sequence[str]) -> None:
        raw = self._issue(iid)
        raw["assignees"] = [{"username": name} for name in assignees]
        self._touch(raw)

    def set_state(self, iid: int, state: str) -> None:
        raw = self._issue(iid)
        if state == "close":
            raw["state"], raw["closed_at"] = "closed", _iso(self.clock())
        elif state == "reopen":
            raw["state"], raw["closed_at"] = "opened", None
        else:
            raise TrackerError(f"unknown state change {state!r}", iid)
        self._touch(raw)

    def save(self) -> None:
        """Write the file atomically: a crash never leaves half a project behind."""
        if self.path is None:
            return
        text = json.dumps(self.data, indent=1, ensure_ascii=False) + "\n"
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".pto-bot-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, self.path)
