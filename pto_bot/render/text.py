"""The one escaping function for text people typed, before it reaches a note or an issue."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from ..domain.markdown_inline import code_spans

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


_LIVE_MENTION = re.compile(r"(?<![\w`@])@([A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_])?)")


def unmention(body: str) -> str:
    """``body`` with every live ``@user`` turned into a plain ```user``` (code spans kept).

    GitLab notifies nobody for a mention added by editing a note, so text the bot rewrites must
    not pretend to tell anyone: a person is told in a new note instead.
    """
    return _outside_code(body, lambda part: _LIVE_MENTION.sub(r"`\1`", part))


def unmention_only(body: str, users: frozenset[str]) -> str:
    """``body`` with the live mentions of ``users`` (lower-case usernames) shown as code."""
    if not users:
        return body

    def plain(match: re.Match[str]) -> str:
        return f"`{match.group(1)}`" if match.group(1).casefold() in users else match.group(0)

    return _outside_code(body, lambda part: _LIVE_MENTION.sub(plain, part))


def policy_markdown(text: object) -> str:
    """Markdown the team wrote in its policy (a checklist item), shown as written: its links,
    emphasis and code spans work and nothing is escaped that needs no escaping.

    Trusted text, yet never acting on its own: one line (no quick action can start a line, and a
    leading ``/`` is escaped), a mention shown as code (```@all```: it notifies nobody), no HTML.
    """
    value = _WS.sub(" ", str(text)).strip()
    value = _outside_code(
        value, lambda part: _LIVE_MENTION.sub(r"`@\1`", part.replace("<", "&lt;"))
    )
    return "\\" + value if value.startswith("/") else value


def _outside_code(body: str, change: Callable[[str], str]) -> str:
    """``body`` with ``change`` applied to the text outside its code spans (found as GitLab
    finds them, in one pass: a note may have been edited to hold anything)."""
    out, last = [], 0
    for start, end in code_spans(body):
        out.append(change(body[last:start]))
        out.append(body[start:end])
        last = end
    out.append(change(body[last:]))
    return "".join(out)


_BACKTICKS = re.compile(r"`+")


def code(value: object, limit: int = 200) -> str:
    """``value`` as an inline code span people can copy: shown as typed, inert (no mention, no
    quick action, no markup), on one line, in a fence longer than any backtick run inside."""
    text = _WS.sub(" ", str(value)).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
