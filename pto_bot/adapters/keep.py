"""Files kept beside the runner cache (``PTO_BOT_CACHE``): written whole or not at all, and a
failure to write is a warning, never an error (the cache is an optimisation)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

_log = logging.getLogger(__name__)


def keep_json(path: Path, data: Any, what: str) -> None:
    """Write ``data`` as JSON to ``path`` atomically; ``what`` the warning names if it fails."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        _log.warning("%s (%s)", what, exc)
