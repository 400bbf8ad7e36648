"""The prose of a comment or a description, as GitLab reads its Markdown: where commands
(:mod:`..commands.parse`) and mentions (:mod:`.mentions`) are found, one reading for both.

Left out are fenced code (a fence of any length closes only with the same character, at least as
long), indented code, quotes (``>`` with their lazy continuation lines, and GitLab's ``>>>``
blocks), HTML blocks and comments (:mod:`.markdown_blocks`), and link reference definitions;
inside each paragraph, what :mod:`.markdown_inline` hides (code spans, inline HTML, links).

Linear in the length of the text whatever it holds, like both readers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .markdown_blocks import paragraph_lines
from .markdown_inline import hidden_spans, label_key

_DEFINITION = re.compile(r" {0,3}\[((?:[^\[\]\\]|\\.){1,999}+)\]:[ ]*+(?:<[^<>]*+>|\S)")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph (or a heading) of prose: its lines joined by ``\\n``, without the list
    markers and indentation of the items it is in."""

    text: str
    labels: frozenset[str] = field(repr=False)  # the document's link reference definitions

    @cached_property
    def hidden(self) -> list[tuple[int, int]]:
        """Code spans, inline HTML and links, as sorted disjoint ``(start, end)`` spans."""
        return hidden_spans(self.text, self.labels)

    def lines(self) -> Iterator[str]:
        """The lines that begin in prose, not inside a code span, an HTML comment or element,
        or a link's text: where a command can be."""
        text, spans, index, start = self.text, self.hidden, 0, 0
        while start <= len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end
            while index < len(spans) and spans[index][1] <= start:
                index += 1
            if not (index < len(spans) and spans[index][0] < start):
                yield text[start:end]
            start = end + 1

    def pieces(self) -> Iterator[str]:
        """The text between hidden parts: the text nodes GitLab scans for references."""
        at = 0
        for start, end in self.hidden:
            if start > at:
                yield self.text[at:start]
            at = end
        if at < len(self.text):
            yield self.text[at:]


@lru_cache(maxsize=16)  # one comment is read for its commands and its mentions, in several places
def prose(text: str) -> tuple[Paragraph, ...]:
    """The paragraphs of prose of ``text``, in order."""
    labels: set[str] = set()
    kept = []
    for lines in paragraph_lines(text):
        first = 0
        while first < len(lines) and (definition := _DEFINITION.match(lines[first])):
            labels.add(label_key(definition[1]))
            first += 1
        if first < len(lines):
            kept.append("\n".join(lines[first:]))
    known = frozenset(labels)
    return tuple(Paragraph(paragraph, known) for paragraph in kept)
