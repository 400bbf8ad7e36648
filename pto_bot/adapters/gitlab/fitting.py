"""The memory made to fit its issue: GitLab keeps a description of at most 1,048,576 bytes, so a
memory sealed larger than the room the issue's own text leaves it (at most :data:`MEMORY_LIMIT`)
leaves things out, each costing the next run a read rather than the memory as a whole.

First out go the comments of an issue holding a very long one (a megabyte pasted into a comment:
one read of that issue each run), then the closed issues changed longest ago (half of those left
each time: the next run reads them from GitLab), then the comments of the remaining issues,
largest first. Only when nothing is left to leave out does the memory not fit.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from .memory import KeptIssue, Memory, room_beside, seal
from .unit_of_work import last_change

#: The most the memory may take of its issue's description (GitLab allows 1,048,576 bytes).
MEMORY_LIMIT = 900_000
#: Comments this long together (characters) are left out first: one read is cheaper.
LONG_NOTES = 40_000

_log = logging.getLogger(__name__)


def _notes_size(entry: KeptIssue) -> int:
    return sum(len(str(n.get("body") or "")) for n in entry.notes or ())


def _without_notes(memory: Memory, floor: int, home: int) -> Memory | None:
    """``memory`` without the comments of its issue holding the most text, when that is more
    than ``floor`` characters."""
    sizes = [(_notes_size(e), iid) for iid, e in memory.issues.items() if e.notes]
    size, iid = max(sizes, default=(0, 0))
    if size <= floor:
        return None
    _log.warning(
        "the memory leaves out the comments of #%d (%d characters) to fit in #%d: they are "
        "read each run",
        iid,
        size,
        home,
    )
    entry = memory.issues[iid].model_copy(update={"notes": None, "settled": False})
    return memory.model_copy(update={"issues": {**memory.issues, iid: entry}})


def _without_oldest_closed(memory: Memory, home: int) -> Memory | None:
    """``memory`` without the older half of its closed issues (None: it holds none)."""
    closed = sorted(
        (last_change(e), iid)
        for iid, e in memory.issues.items()
        if e.issue.get("state") != "opened"
    )
    if not closed:
        return None
    dropped = closed[: max(1, len(closed) // 2)]
    since = dropped[-1][0] + timedelta(microseconds=1)
    gone = {iid for _, iid in dropped}
    issues = {iid: e for iid, e in memory.issues.items() if iid not in gone}
    _log.warning(
        "the memory leaves out %d closed issue(s) to fit in #%d: they are read each run",
        len(gone),
        home,
    )
    return memory.model_copy(update={"issues": issues, "since": since})


def fitted(memory: Memory, key: bytes, home: int, beside: str = "") -> tuple[Memory, str | None]:
    """``memory`` sealed for ``home``, within :data:`MEMORY_LIMIT` and the room the description
    ``beside`` it leaves (see the module); the sealed text is None when even an issue list
    without comments does not fit."""
    room = min(MEMORY_LIMIT, room_beside(beside))
    sealed = seal(memory, key, home)
    while len(sealed) > room:
        lighter = (
            _without_notes(memory, LONG_NOTES, home)
            or _without_oldest_closed(memory, home)
            or _without_notes(memory, 0, home)
        )
        if lighter is None:
            return memory, None
        memory = lighter
        sealed = seal(memory, key, home)
    return memory, sealed
