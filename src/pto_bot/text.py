"""The one escaping function for text people typed, before it reaches a note or an issue."""

from __future__ import annotations

import html
import re

_ZWSP = "\u200b"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")
_WS = re.compile(r"\s+")


def safe(text: object, limit: int = 200) -> str:
    """Make user text inert in GitLab Markdown.

    One line (no quick action can start a line), no live mention (``@all``, ``@group``),
    no HTML, no links, no emphasis, and at most ``limit`` characters.
    """
    value = _WS.sub(" ", str(text)).strip()
    if len(value) > limit:
        value = value[: limit - 1].rstrip() + "…"
    value = html.escape(value, quote=False)  # <, >, & -> entities: no HTML, no autolinks
    value = _MD_SPECIAL.sub(r"\\\1", value)
    value = value.replace("@", "@" + _ZWSP)  # @all -> @\u200ball: not a mention
    if value.startswith("/"):
        value = _ZWSP + value  # even at a line start it is not a quick action
    value = value.replace(":", ":" + _ZWSP)  # no autolinked URLs (https:\u200b//)
    return value
