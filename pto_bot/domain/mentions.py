"""Who a comment or a description mentions, as GitLab resolves mentions: ``@username`` in the
prose of the text (:func:`.markdown.prose`), not inside code (spans, fences, indented blocks),
quotes (``>`` and GitLab's ``>>>`` blocks), HTML (blocks, comments, and ``<code>``, ``<a>``...),
links (their text, ``[@x](url)``, and URLs) or after a backslash (``\\@x``), anywhere in the text
however long it is. GitLab matches mentions per text node of the rendered note, so
``**@alice**`` is a mention and `` `@alice` `` is not.

Quotes are skipped on purpose (GitLab may resolve them): a quoted older comment is not someone
asking the engineer now. ``@all`` and group mentions (``@group/sub``) name nobody in particular.
Usernames compare case-insensitively, as GitLab does; the result is lower-case. Linear in the
length of the text, like the reading of its Markdown.
"""

from __future__ import annotations

import re

from .markdown import prose

#: GitLab's user reference: ``(?<!\w)@`` then a path (``Gitlab::PathRegex``), ``/`` for groups.
_SEGMENT = r"(?:[A-Za-z0-9_.][A-Za-z0-9_\-.]*[A-Za-z0-9_\-]|[A-Za-z0-9_])"
_MENTION = re.compile(rf"(?<!@)@({_SEGMENT}(?:/{_SEGMENT})*)")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bmailto:\S+|\bwww\.\S+", re.IGNORECASE)
EVERYONE = frozenset({"all", "here"})


def mentions(text: object) -> frozenset[str]:
    """The usernames ``text`` mentions (lower-case), groups and ``@all`` left out."""
    if not isinstance(text, str) or "@" not in text:
        return frozenset()
    names: set[str] = set()
    for paragraph in prose(text):
        if "@" not in paragraph.text:
            continue
        for piece in paragraph.pieces():
            if "@" not in piece:
                continue
            piece = _URL.sub(" ", piece)
            for match in _MENTION.finditer(piece):
                opened = _opened(piece, match.start())
                if opened < 0:
                    continue
                name = match.group(1).lower()
                if opened:  # ``_@alice_``: the underscores around it are emphasis
                    name = name[: len(name) - min(opened, len(name) - len(name.rstrip("_")))]
                if "/" not in name and name not in EVERYONE:
                    names.add(name)
    return frozenset(names)


def _opened(text: str, at: int) -> int:
    """How many underscores open emphasis right before the ``@`` at ``at`` (``_@alice_`` is
    ``@alice`` in italics), or -1 when a word character is right before it (``a@b.com`` is an
    address, no mention)."""
    start = at
    while start > 0 and text[start - 1] == "_":  # each underscore is passed by one match only
        start -= 1
    return at - start if start == 0 or not text[start - 1].isalnum() else -1


def added_mentions(before: object, after: object) -> frozenset[str]:
    """Who an edit newly mentions: GitLab notifies only those."""
    return mentions(after) - mentions(before)
