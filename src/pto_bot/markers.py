"""Hidden markers: how the bot recognises its own notes and issues and keeps state in them.

A marker is an HTML comment at the end of a body: ``<!-- pto-bot {"t": "coverage", ...} -->``.
GitLab does not render it; the planner reads it back on the next run.
"""

from __future__ import annotations

import json
import re
from typing import Any

_PREFIX = "<!-- pto-bot "
_MARKER_RE = re.compile(r"<!-- pto-bot (\{.*?\}) -->", re.DOTALL)


def marker(topic: str, **data: Any) -> str:
    payload = {"t": topic, **data}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    # JSON allows \u escapes inside strings; use them so user text can never close the comment.
    text = text.replace("-", "\\u002d").replace(">", "\\u003e").replace("<", "\\u003c")
    text = text.replace("@", "\\u0040")  # no mention, even hidden
    return f"{_PREFIX}{text} -->"


def with_marker(body: str, topic: str, **data: Any) -> str:
    return f"{body.rstrip()}\n\n{marker(topic, **data)}\n"


def read_marker(body: str) -> dict[str, Any] | None:
    """The last marker in ``body``, or None when there is none or it is not ours."""
    found = _MARKER_RE.findall(body or "")
    if not found:
        return None
    try:
        data = json.loads(found[-1])
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("t"), str):
        return None
    return data


def strip_marker(body: str) -> str:
    return _MARKER_RE.sub("", body or "").rstrip()
