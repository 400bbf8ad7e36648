"""The block structure of a Markdown text, as far as its prose needs it: which lines are
paragraphs (and headings), and which are fenced or indented code, quotes (``>`` with their lazy
continuation lines, GitLab's ``>>>`` blocks) or HTML blocks and comments. CommonMark 0.31 block
structure with GitLab's multi-line quotes; list items are followed as far as their indentation
decides what is code.

Linear in the length of the text whatever it holds: each line is read once, by patterns matched
at one place; nesting is counted (open list items are a stack of columns, a quote its depth and
the state of its innermost content), never recursed into.
"""

from __future__ import annotations

import re

from .markdown_inline import CLOSING_TAG, OPEN_TAG, raw_html_end

_NONE, _PARAGRAPH, _FENCE, _HTML, _CODE = range(5)

_SPACES = re.compile(r" *+")
_FENCE_OPEN = re.compile(r"(`{3,}+|~{3,}+)(.*)")
_FENCE_CLOSE = {"`": re.compile(r"(`++)[ ]*+$"), "~": re.compile(r"(~++)[ ]*+$")}
_THEMATIC = re.compile(r"(?:(?:\*[ ]*+){3,}+|(?:-[ ]*+){3,}+|(?:_[ ]*+){3,}+)$")
_ATX = re.compile(r"#{1,6}+(?: |$)")
_SETEXT = re.compile(r"=++[ ]*+$")
_BULLET = re.compile(r"[-+*](?= |$)")
_ORDERED = re.compile(r"([0-9]{1,9}+)[.)](?= |$)")
_MULTI_QUOTE = re.compile(r"(>{3,}+)[ ]*+$")
_HTML_1 = re.compile(r"<(?:pre|script|style|textarea)(?:[ >]|$)", re.IGNORECASE)
_HTML_1_END = re.compile(r"</(?:pre|script|style|textarea)>", re.IGNORECASE)
_HTML_6 = re.compile(
    r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    r"|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset"
    r"|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol"
    r"|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr"
    r"|track|ul)(?:[ >]|/>|$)",
    re.IGNORECASE,
)
_HTML_7 = re.compile(rf"(?:{OPEN_TAG}|{CLOSING_TAG})[ ]*+$")
HtmlEnd = str | re.Pattern[str] | None  # None: the block ends at a blank line
_BLOCK_STARTS = frozenset(">`~<*-_#=+0123456789")  # a line starting otherwise is prose


def paragraph_lines(text: str) -> list[list[str]]:
    """The lines of each paragraph of ``text``, in order, without the list markers and the
    indentation of the items they are in."""
    found: list[list[str]] = []
    reader = _Blocks(found)
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        reader.feed(line.expandtabs(4) if "\t" in line else line)
    reader.end_leaf()
    return found


def _indent(line: str, start: int = 0) -> int:
    """Where the first character that is not a space is, from ``start``."""
    spaces = _SPACES.match(line, start) if line.startswith(" ", start) else None
    return start if spaces is None else spaces.end()


def _found(end: HtmlEnd, line: str, start: int) -> bool:
    if isinstance(end, str):
        return line.find(end, start) >= 0
    return end is not None and end.search(line, start) is not None


def _html_block(line: str, pos: int, in_paragraph: bool) -> tuple[HtmlEnd, int] | None:
    """The end of the HTML block that starts at ``pos`` and where to look for it on this line,
    or None when none starts there (a lone tag cannot interrupt a paragraph)."""
    if _HTML_1.match(line, pos):
        return _HTML_1_END, pos
    ending = raw_html_end(line, pos)  # types 2 to 5: they end at a string
    if ending is not None:
        return ending
    if _HTML_6.match(line, pos) or (not in_paragraph and _HTML_7.match(line, pos)):
        return None, pos
    return None


def _item(line: str, pos: int, strict: bool) -> tuple[int, int] | None:
    """A list item's content column and where its content starts, or None when no item starts
    at ``pos``; ``strict``: it would interrupt a paragraph (it must have content, and an ordered
    one must start at 1)."""
    bullet = _BULLET.match(line, pos)
    ordered = None if bullet else _ORDERED.match(line, pos)
    marker = bullet or ordered
    if marker is None:
        return None
    after = _indent(line, marker.end())
    empty = after == len(line)
    if strict and (empty or (ordered is not None and int(ordered[1]) != 1)):
        return None
    if empty or after - marker.end() > 4:  # more than 4 spaces: the content is indented code
        return marker.end() + 1, after
    return after, after


def _markers(line: str, pos: int) -> tuple[int, int]:
    """How many ``>`` quote markers start at ``pos``, and where the content after them is."""
    depth = 0
    while pos < len(line) and line[pos] == ">":
        depth += 1
        pos += 1 + (line.startswith(" ", pos + 1))
        following = _indent(line, pos)
        if following - pos > 3 or not line.startswith(">", following):
            break
        pos = following
    return depth, pos


class _Blocks:
    """Reads the lines of the document (paragraphs go to ``found``), or of a quote's content
    (``found`` None: nothing is kept, and ``>`` is counted by :class:`_Quote`)."""

    def __init__(self, found: list[list[str]] | None) -> None:
        self.found = found
        self.items: list[int] = []  # the content columns of the open list items
        self.leaf = _NONE
        self.fence = ("", 0)
        self.html_end: HtmlEnd = None
        self.lines: list[str] = []
        self.quote: _Quote | None = None
        self.multi: list[int] = []  # the open ``>>>`` fences' lengths
        self.inside: _Blocks | None = None  # the reader of the innermost ``>>>`` block's content
        self.multi_column = 0

    def feed(self, line: str) -> None:
        if self.multi:
            self._in_multi_quote(line)
        elif self.quote is None or not self.quote.takes(line):
            self.quote = None
            self.read(line)

    def read(self, line: str) -> None:
        pos = _indent(line)
        if pos == len(line):
            if self.leaf == _PARAGRAPH or (self.leaf == _HTML and self.html_end is None):
                self.end_leaf()
            return
        if self.items and pos < self.items[-1]:
            if self.lazy(line, pos):
                self.add_line(line)
                return
            while self.items and pos < self.items[-1]:
                self.items.pop()
            self.end_leaf()
        base = self.items[-1] if self.items else 0
        if self.leaf == _FENCE:
            if pos - base < 4 and self._closes_fence(line, pos):
                self.leaf = _NONE
        elif self.leaf == _HTML:
            if _found(self.html_end, line, 0):
                self.leaf = _NONE
        elif pos - base >= 4:  # indented code, or a paragraph's continuation
            if self.leaf == _PARAGRAPH:
                self.add_line(line[base:])
            else:
                self.leaf = _CODE
        else:
            if self.leaf == _CODE:
                self.leaf = _NONE
            self._start(line, pos, base)

    def lazy(self, line: str, pos: int) -> bool:
        """Whether ``line`` continues the open paragraph though its containers do not."""
        return self.leaf == _PARAGRAPH and pos < len(line) and not self._interrupts(line, pos)

    def add_line(self, line: str) -> None:
        self.leaf = _PARAGRAPH
        if self.found is not None:
            self.lines.append(line)

    def end_leaf(self) -> None:
        if self.leaf == _PARAGRAPH and self.found is not None and self.lines:
            self.found.append(self.lines)
            self.lines = []
        self.leaf = _NONE

    def _start(self, line: str, pos: int, base: int) -> None:
        """A line at most 3 columns into its container: a block starts, or a paragraph goes on."""
        while True:
            char = line[pos]
            if char not in _BLOCK_STARTS:
                break
            in_paragraph = self.leaf == _PARAGRAPH
            if char == ">" and self.found is not None:
                self.end_leaf()
                multi = _MULTI_QUOTE.match(line, pos)
                if multi is not None:  # GitLab's multi-line quote, to its closing fence
                    self.multi, self.multi_column = [len(multi[1])], base
                    self.inside = _Blocks(None)
                else:
                    self.quote = _Quote(base)
                    self.quote.takes(line)
                return
            fence = _FENCE_OPEN.match(line, pos) if char in "`~" else None
            if fence is not None and not (char == "`" and "`" in fence[2]):
                self.end_leaf()
                self.leaf, self.fence = _FENCE, (char, len(fence[1]))
                return
            html = _html_block(line, pos, in_paragraph) if char == "<" else None
            if html is not None:
                self.end_leaf()
                self.html_end = html[0]
                ends_here = html[0] is not None and _found(html[0], line, html[1])
                self.leaf = _NONE if ends_here else _HTML
                return
            if (char in "*-_" and _THEMATIC.match(line, pos)) or (
                char == "=" and in_paragraph and _SETEXT.match(line, pos)
            ):
                self.end_leaf()
                return
            if char == "#" and _ATX.match(line, pos):  # a heading: one line of prose
                self.end_leaf()
                self.add_line(line[base:])
                self.end_leaf()
                return
            item = _item(line, pos, strict=in_paragraph)
            if item is None:
                break
            self.end_leaf()
            base, pos = item
            self.items.append(base)
            if pos == len(line):
                return
            if pos - base >= 4:
                self.leaf = _CODE
                return
        self.add_line(line[base:])

    def _interrupts(self, line: str, pos: int) -> bool:
        """Whether ``line`` starts a block that ends a paragraph (so it is no lazy line)."""
        char = line[pos]
        if pos >= 4:
            return False
        if char == ">" or (char in "*-_" and _THEMATIC.match(line, pos)):
            return True
        if char in "`~" and _FENCE_OPEN.match(line, pos):
            return True
        if char == "<" and _html_block(line, pos, in_paragraph=True) is not None:
            return True
        if char == "#" and _ATX.match(line, pos):
            return True
        item = _item(line, pos, strict=not self.items)
        return item is not None and item[1] < len(line)  # an empty item interrupts nothing

    def _closes_fence(self, line: str, pos: int) -> bool:
        char, length = self.fence
        closing = _FENCE_CLOSE[char].match(line, pos)
        return closing is not None and len(closing[1]) >= length

    def _in_multi_quote(self, line: str) -> None:
        inside = self.inside = self.inside or _Blocks(None)
        pos = _indent(line)
        verbatim = inside.leaf in (_FENCE, _HTML)
        fence = None if verbatim or pos > self.multi_column + 3 else _MULTI_QUOTE.match(line, pos)
        if fence is None:
            inside.read(line)
            return
        if len(fence[1]) >= self.multi[-1]:
            self.multi.pop()
        else:  # a shorter fence opens a quote inside
            self.multi.append(len(fence[1]))
        self.inside = _Blocks(None)


class _Quote:
    """An open ``>`` quote: how deep it is, and a reader of its innermost content, which says
    whether a line without markers continues it lazily."""

    def __init__(self, column: int) -> None:
        self.column = column
        self.depth = 0
        self.inner = _Blocks(None)

    def takes(self, line: str) -> bool:
        pos = _indent(line)
        if pos == len(line):  # a blank line ends a quote
            return False
        if self.column <= pos <= self.column + 3 and line[pos] == ">":
            depth, rest = _markers(line, pos)
            content = line[rest:]
            if depth < self.depth and self.inner.lazy(content, _indent(content)):
                self.inner.add_line(content)
                return True
            if depth != self.depth:
                self.depth, self.inner = depth, _Blocks(None)
            self.inner.read(content)
            return True
        if self.inner.lazy(line, pos):
            self.inner.add_line(line)
            return True
        return False
