"""Reading the project: the issues of the bot's labels (open ones, and closed ones that can still
matter) with their notes, converted at the edge (:mod:`.convert`) and cached between runs
(:mod:`.cache`). A note or an issue that cannot be read is left out and named."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from ...domain.snapshot import Issue, Note, Snapshot
from ...errors import AccessError, TrackerError
from .api import PAGE, Api
from .cache import CACHE_SETTLE, NoteCache
from .config import CLOSED_LOOKBACK
from .convert import api_time, issue_from_api, notes_from_api, parse_time


def read_snapshot(api: Api, labels: Sequence[str], cache_path: Path | None) -> Snapshot:
    started = api.now()
    cache = NoteCache(cache_path, str(api.connection.project))
    found: dict[int, dict[str, Any]] = {}
    for label in labels:
        listed = api.list_issues(
            f"list open issues labelled {label!r}", state="opened", labels=[label]
        )
        for raw in listed:
            found.setdefault(int(raw["iid"]), raw)
    for iid, raw in _closed(api, labels, cache, started).items():
        found.setdefault(iid, raw)
    issues: list[Issue] = []
    errors: list[str] = []
    for iid in sorted(found):
        try:
            notes, skipped = _notes(api, found[iid], cache, started)
            issues.append(issue_from_api(found[iid], notes))
        except AccessError:
            raise  # the token, the role or GitLab itself: no other issue can be read either
        except (TrackerError, KeyError, TypeError, ValueError) as exc:
            errors.append(f"issue #{iid} left out of this run: it could not be read ({exc})")
            continue
        errors += [f"#{iid}: {line}" for line in skipped]
    cache.save()
    return Snapshot(
        issues=tuple(issues),
        project=str(api.connection.project),
        web_url=_project_web_url(issues),
        errors=tuple(errors),
    )


def _closed(
    api: Api, labels: Sequence[str], cache: NoteCache, started: datetime
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
            if wanted & set(raw.get("labels") or ()):
                closed[int(raw["iid"])] = raw
            else:
                closed.pop(int(raw["iid"]), None)
    closed = {k: v for k, v in closed.items() if parse_time(v["updated_at"]) >= since}
    cache.set_closed(closed, started)
    return closed


def _notes(
    api: Api, raw: Mapping[str, Any], cache: NoteCache, started: datetime
) -> tuple[tuple[Note, ...], list[str]]:
    cached = cache.get(raw)
    if cached is not None:
        return cached, []
    iid = int(raw["iid"])
    with api.reporting("read notes", iid):
        listed = api.issue(iid).notes.list(
            sort="asc", order_by="created_at", per_page=PAGE, iterator=True
        )
        notes = [note.attributes for note in listed]
    converted, skipped = notes_from_api(notes)
    cache.put(raw, notes, started)
    return converted, skipped


def _project_web_url(issues: Sequence[Issue]) -> str:
    for issue in issues:
        if "/-/issues/" in issue.web_url:
            return issue.web_url.split("/-/issues/")[0]
    return ""
