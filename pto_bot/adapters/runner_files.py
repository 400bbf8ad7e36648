"""Files kept beside the runner cache (``PTO_BOT_CACHE``): the tracker's copy of its memory, the
last minute's writes, who is away. Best effort: a failure to write is a warning, a file that is
missing, damaged or not a plain file reads as nothing, never an error.

The cache folder is shared by every job of the project on that runner, and its files come back
from a cache anyone who can push a branch may have written: a file is never read or written
through a symbolic link (a link to the token's file, or to a file the runner's user may write,
is refused), and a file larger than :data:`LIMIT` is not read.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)

LIMIT = 8 * 1024 * 1024  # bytes: the largest file kept beside the cache that is read


def read_json(path: Path) -> Any:
    """The JSON in ``path``, or None when it is missing, a link, too large or not JSON."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(LIMIT + 1)
    except OSError:
        return None
    if len(data) > LIMIT:
        _log.warning("%s is larger than %d bytes: not read", path.name, LIMIT)
        return None
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def write_json(path: Path, data: Any, what: str) -> None:
    """Write ``data`` as JSON to ``path`` whole or not at all, never through a link (the file
    is replaced, a link at ``path`` included); ``what`` the warning names if it fails."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(data))
        os.replace(tmp, path)
    except OSError as exc:
        _log.warning("%s (%s)", what, exc)
        with contextlib.suppress(OSError):
            tmp.unlink()
