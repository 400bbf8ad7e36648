"""Reading the project: the open issues of the bot's labels and the closed ones that can still
matter, with their notes, converted at the edge (:mod:`.convert`).

With the bot's memory (kept in its dashboard issue, :mod:`.recall`), a run lists the open issues
of each label and the closed issues changed since the memory was written, and reads an issue's
notes only when its list fields show a change (``updated_at``, note count) or when it is the
issue an event is about; everything else stands in from memory, and closed history is never
listed again. Without memory (the first run; a lost or edited dashboard) the closed issues of
``wanted.closed`` changed since ``wanted.since`` are listed and every issue's notes are read:
about one request per issue that can still matter. The runner-local cache (:mod:`.cache`) is
an optimisation on top of either. A note or an issue that cannot be read is left out and named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ...domain.memory import SETTLE, Memory, RememberedIssue
from ...domain.snapshot import Issue, Note, Snapshot
from ...errors import AccessError, TrackerError
from ..tracker import Wanted
from .api import PAGE, Api
from .cache import CACHE_SETTLE, NoteCache
from .config import CLOSED_LOOKBACK
from .convert import api_time, issue_from_api, notes_from_api, parse_time
from .recall import (
    find_memory,
    ghost,
    ghost_raw,
    ghosts,
    remembered_issue,
    trusted,
)

Raw = dict[str, Any]


@dataclass
class _Read:
    """One read in progress: where it reads from, and what it found."""

    api: Api
    wanted: Wanted
    cache: NoteCache
    started: datetime  # the runner's clock: the runner-local cache
    synced: datetime  # GitLab's clock: when the notes read now were read, for the memory
    memory: Memory | None = None
    issues: list[Issue] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, iid: int, make: Any) -> None:
        """Add the issue ``make()`` reads; one that cannot be read is left out and named."""
        try:
            issue, skipped = make()
        except AccessError:
            raise  # the token, the role or GitLab itself: no other issue can be read either
        except (TrackerError, KeyError, TypeError, ValueError) as exc:
            self.errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
            return
        self.issues.append(issue)
        self.errors.extend(f"#{iid}: {line}" for line in skipped)


def read_snapshot(
    api: Api,
    labels: Sequence[str],
    wanted: Wanted | None,
    cache_path: Path | None,
    key: bytes,
) -> Snapshot:
    started = api.now()
    if wanted is None:
        wanted = Wanted(closed=tuple(labels), since=started - CLOSED_LOOKBACK, remember=False)
    found: dict[int, Raw] = {}
    synced: datetime | None = None
    for label in labels:
        # the bot's own issue holds its memory, closed when the dashboard is off
        state = "all" if label == wanted.board else "opened"
        what = f"list {'' if state == 'all' else 'open '}issues labelled {label!r}"
        listed = api.list_issues(what, state=state, labels=[label])
        synced = synced or api.server_now()  # GitLab's time of the first list
        for raw in listed:
            found.setdefault(int(raw["iid"]), raw)
    synced = synced or api.server_now()
    run = _Read(api, wanted, NoteCache(cache_path, str(api.connection.project)), started, synced)
    if wanted.remember:
        run.memory = find_memory(found.values(), wanted, key)
    kept: dict[int, RememberedIssue] = {}
    if run.memory is not None:
        changed = _changed_since(run, run.memory)
        kept = ghosts(run.memory, found, changed, wanted.since)
        closed = {iid: raw for iid, raw in changed.items() if _ours_and_recent(raw, wanted)}
    else:
        closed = _closed(api, wanted, run.cache, started)
    for iid, raw in closed.items():
        found.setdefault(iid, raw)
    for iid in sorted(set(found) | set(kept)):
        if iid in found:
            run.add(iid, lambda raw=found[iid]: _listed(run, raw))
        else:
            run.add(iid, lambda iid=iid: _ghost(run, iid, kept[iid]))
    # with memory, closed history is not listed: its cached notes stay for a rebuild
    run.cache.save(whole=run.memory is None, since=started - CLOSED_LOOKBACK)
    memory = run.memory
    return Snapshot(
        issues=tuple(run.issues),
        project=str(api.connection.project),
        web_url=_project_web_url(run.issues),
        errors=tuple(run.errors),
        folded=dict(memory.folded) if memory is not None else {},
        synced=synced,
        remembered=memory,
    )


def _ours_and_recent(raw: Mapping[str, Any], wanted: Wanted) -> bool:
    labels = set(raw.get("labels") or ())
    try:
        return bool(labels & set(wanted.closed)) and parse_time(raw["updated_at"]) >= wanted.since
    except (KeyError, ValueError):
        return False


def _changed_since(run: _Read, memory: Memory) -> dict[int, Raw]:
    """Every issue of the project changed since the memory was written (usually few): one
    request, whatever the history. Open ones among them are the lists' business; they are here
    so that a closed issue kept in memory and since reopened and relabelled is let go."""
    changed = run.api.list_issues(
        "list issues changed since the last run",
        state="all",
        updated_after=api_time(memory.synced - SETTLE),
    )
    return {int(raw["iid"]): raw for raw in changed}


def _listed(run: _Read, raw: Raw) -> tuple[Issue, list[str]]:
    """An issue as listed, its notes from memory, the cache or GitLab."""
    iid = int(raw["iid"])
    wanted = run.wanted
    if wanted.board is not None and wanted.board in (raw.get("labels") or ()):
        return issue_from_api(raw, ()), []  # the dashboard: its comments are never read
    entry = run.memory.issues.get(iid) if run.memory is not None else None
    if entry is not None and wanted.bot is not None and trusted(entry, raw, wanted):
        run.cache.keep(iid)
        return remembered_issue(issue_from_api(raw, ()), entry, wanted.bot), []
    notes, skipped = _notes(run, raw)
    return replace(issue_from_api(raw, notes), read_at=run.synced), skipped


def _ghost(run: _Read, iid: int, entry: RememberedIssue) -> tuple[Issue, list[str]]:
    """A closed issue kept in memory and unchanged since: read from memory, its notes too
    unless they were not to be trusted."""
    bot = run.wanted.bot
    assert bot is not None
    if entry.read_at is not None and entry.read_at >= entry.updated_at + SETTLE:
        run.cache.keep(iid)
        return ghost(iid, entry, bot), []
    notes, skipped = _notes(run, ghost_raw(iid, entry))
    return ghost(iid, entry, bot, notes, run.synced), skipped


def _closed(api: Api, wanted: Wanted, cache: NoteCache, started: datetime) -> dict[int, Raw]:
    """Closed issues that can still matter (changed since ``wanted.since``), without memory.

    The first run lists them by label; later runs with a runner-local cache list only the
    project's issues closed or changed since the last sync (usually none).
    """
    since = wanted.since
    known = cache.closed_issues(since)
    labels = set(wanted.closed)
    if known is None:
        closed: dict[int, Raw] = {}
        for label in wanted.closed:
            for raw in api.list_issues(
                f"list closed issues labelled {label!r}",
                state="closed",
                labels=[label],
                updated_after=api_time(since),
            ):
                closed[int(raw["iid"])] = raw
    else:
        closed, synced = known
        changed = api.list_issues(
            "list issues closed or changed since the last run",
            state="closed",
            updated_after=api_time(synced - CACHE_SETTLE),
        )
        for raw in changed:
            if labels & set(raw.get("labels") or ()):
                closed[int(raw["iid"])] = raw
            else:
                closed.pop(int(raw["iid"]), None)
    closed = {k: v for k, v in closed.items() if parse_time(v["updated_at"]) >= since}
    cache.set_closed(closed, started)
    return closed


def _notes(run: _Read, raw: Mapping[str, Any]) -> tuple[tuple[Note, ...], list[str]]:
    cached = run.cache.get(raw)
    if cached is not None and int(raw["iid"]) not in run.wanted.fresh:
        return cached, []
    iid = int(raw["iid"])
    with run.api.reporting("read notes", iid):
        listed = run.api.issue(iid).notes.list(
            sort="asc", order_by="created_at", per_page=PAGE, iterator=True
        )
        notes = [note.attributes for note in listed]
    converted, skipped = notes_from_api(notes)
    run.cache.put(raw, notes, run.started)
    return converted, skipped


def _project_web_url(issues: Sequence[Issue]) -> str:
    for issue in issues:
        if "/-/issues/" in issue.web_url:
            return issue.web_url.split("/-/issues/")[0]
    return ""
