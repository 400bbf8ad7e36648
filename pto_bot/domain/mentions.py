"""Who a comment or a description mentions, as GitLab resolves mentions: ``@username`` in text,
not inside code (spans, fences, indented blocks), links (``[@x](url)``, autolinked URLs), quotes
(``>`` and GitLab's ``>>>`` blocks) or HTML. Parsed with markdown-it-py (CommonMark), the way
GitLab matches mentions per rendered text node, so ``**@alice**`` is a mention and `` `@alice` ``
is not.

Quotes are skipped on purpose (GitLab may resolve them): a quoted older comment is not someone
asking the engineer now. ``@all`` and group mentions (``@group/sub``) name nobody in particular.
Usernames compare case-insensitively, as GitLab does; the result is lower-case.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded when a text has an "@": most webhook events are judged without it
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: GitLab's user reference: ``(?<!\w)@`` then a path (``Gitlab::PathRegex``), ``/`` for groups.
_SEGMENT = r"(?:[A-Za-z0-9_.][A-Za-z0-9_\-.]*[A-Za-z0-9_\-]|[A-Za-z0-9_])"
_MENTION = re.compile(rf"(?<![\w@])@({_SEGMENT}(?:/{_SEGMENT})*)")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bmailto:\S+|\bwww\.\S+", re.IGNORECASE)
_MULTILINE_QUOTE = re.compile(r"^>>>[ \t]*$")
MAX_CHARS = 100_000  # only the first 100 kB of a text are read
EVERYONE = frozenset({"all", "here"})


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True})


def _without_multiline_quotes(text: str) -> str:
    """GitLab's ``>>>`` ... ``>>>`` quote blocks, blanked (CommonMark does not know them)."""
    kept, inside = [], False
    for line in text.split("\n"):
        if _MULTILINE_QUOTE.match(line):
            inside = not inside
            kept.append("")
            continue
        kept.append("" if inside else line)
    return "\n".join(kept)


def _text_nodes(tokens: list[Token]) -> list[str]:
    """The text GitLab scans for references: outside code, links, quotes and HTML."""
    found: list[str] = []
    quoted = 0
    for token in tokens:
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif token.type == "inline" and not quoted and token.children:
            linked = 0
            for child in token.children:
                if child.type == "link_open":
                    linked += 1
                elif child.type == "link_close":
                    linked -= 1
                elif child.type == "text" and not linked:
                    found.append(child.content)
    return found


def mentions(text: object) -> frozenset[str]:
    """The usernames ``text`` mentions (lower-case), groups and ``@all`` left out."""
    if not isinstance(text, str) or "@" not in text:
        return frozenset()
    source = _without_multiline_quotes(text[:MAX_CHARS].replace("\r\n", "\n"))
    try:
        tokens = _parser().parse(source)
    except RecursionError:  # nested too deeply to be a comment anyone typed: no mention
        return frozenset()
    names: set[str] = set()
    for node in _text_nodes(tokens):
        for match in _MENTION.finditer(_URL.sub(" ", node)):
            name = match.group(1).lower()
            if "/" not in name and name not in EVERYONE:
                names.add(name)
    return frozenset(names)


def added_mentions(before: object, after: object) -> frozenset[str]:
    """Who an edit newly mentions: GitLab notifies only those."""
    return mentions(after) - mentions(before)
