"""Inside one paragraph: which parts are not text GitLab reads commands or mentions from.

Hidden are code spans, raw HTML (each tag, comments, and the content of the elements GitLab's
reference filters never look into: ``<a>``, ``<code>``, ``<pre>``, ``<script>``, ``<style>``),
autolinks, links and images (their text and destination), and a backslash escape (``\\@x`` is
no mention). Precedence is CommonMark's: a code span, a tag or an autolink that starts first
wins; a link cannot contain a link. Emphasis hides nothing and needs no care.

Linear in the paragraph's length whatever it holds: one pass from left to right; each closing
backtick run is looked up in a queue (runs of each length, consumed in order); a search for a
comment's end that failed is remembered; link labels longer than CommonMark's 999 characters
are not compared; every pattern is matched at one place with possessive repetition.
"""

from __future__ import annotations

import re
from collections import deque

#: The elements whose content GitLab's reference filters skip (besides ``pre``, ``code``, ``a``
#: and ``style``, ``script``: its sanitizer drops it).
HIDING = frozenset({"a", "code", "pre", "script", "style"})

_ATTRIBUTE = (
    r"""\s++[A-Za-z_:][A-Za-z0-9_.:-]*+(?:\s*+=\s*+(?:[^\s"'=<>`]++|'[^']*+'|"[^"]*+"))?+"""
)
#: A complete open tag and a closing tag (CommonMark's raw HTML): the block reader uses them too.
OPEN_TAG = rf"<(?P<open>[A-Za-z][A-Za-z0-9-]*+)(?:{_ATTRIBUTE})*+\s*+(?P<slash>/?)>"
CLOSING_TAG = r"</(?P<close>[A-Za-z][A-Za-z0-9-]*+)\s*+>"
_AUTOLINK = r"<[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*+>"
_LABEL_PART = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_EMAIL = rf"<[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]++@{_LABEL_PART}(?:\.{_LABEL_PART})*+>"
_ANGLE = re.compile(rf"{OPEN_TAG}|{CLOSING_TAG}|{_AUTOLINK}|{_EMAIL}")
#: What follows ``](``: a destination (``<...>``, or without spaces, one level of parentheses),
#: a title, ``)``.
_INLINE_LINK = re.compile(
    r"""\(\s*+
    (?:<(?:[^<>\n\\]|\\.)*+>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*+\))++)?+
    (?:\s++(?:"(?:[^"\\]|\\.)*+"|'(?:[^'\\]|\\.)*+'|\((?:[^()\\]|\\.)*+\)))?+
    \s*+\)""",
    re.VERBOSE | re.DOTALL,
)
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.){0,999}+)\]", re.DOTALL)
_SPECIAL = re.compile(r"[\\`<\[\]]|!\[")
_BACKTICKS = re.compile(r"`+")
_BACKTICKS_OR_ESCAPE = re.compile(r"[\\`]")
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
#: Raw HTML that ends at a fixed string: comments, processing instructions, CDATA (and the
#: declarations of :func:`raw_html_end`): how it starts, its end, how far in to look for it.
_ENDS = (("<!--", "-->", 2), ("<?", "?>", 2), ("<![CDATA[", "]]>", 9))
MAX_LABEL = 999


def raw_html_end(text: str, at: int) -> tuple[str, int] | None:
    """The string that ends the raw HTML starting at ``at`` (a comment, a processing
    instruction, CDATA or a declaration) and where to look for it; None when none starts there.
    Inline HTML and HTML blocks (types 2 to 5) end alike."""
    for opening, closing, skip in _ENDS:
        if text.startswith(opening, at):
            return closing, at + skip
    if text.startswith("<!", at) and text[at + 2 : at + 3].isalpha():
        return ">", at + 2
    return None


def label_key(label: str) -> str:
    """How CommonMark compares link labels: case and runs of spaces aside."""
    return " ".join(label.split()).casefold()


def hidden_spans(text: str, labels: frozenset[str]) -> list[tuple[int, int]]:
    """The parts of ``text`` (one paragraph) that are not prose, as sorted, disjoint
    ``(start, end)`` spans; ``labels``: the link reference definitions of the document."""
    return _merged(_Scan(text, labels).run())


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where the code spans of ``text`` are, as sorted ``(start, end)`` spans (backslash escapes
    respected; nothing else of Markdown looked at)."""
    return _Scan(text, frozenset()).code_only()


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


class _Scan:
    def __init__(self, text: str, labels: frozenset[str]) -> None:
        self.text = text
        self.labels = labels
        self.spans: list[tuple[int, int]] = []
        self.runs: dict[int, deque[int]] | None = None  # backtick runs by length, built once
        self.searched: dict[str, tuple[int, int]] = {}  # needle -> (from, found there or -1)
        self.brackets: list[tuple[int, bool, int]] = []  # (where, an image, links before it)
        self.links = 0
        self.elements: list[str] = []  # open hiding elements, innermost last
        self.open: dict[str, int] = {}  # how many of each are open
        self.element_start = 0

    def run(self) -> list[tuple[int, int]]:
        text, pos = self.text, 0
        while (found := _SPECIAL.search(text, pos)) is not None:
            at = found.start()
            char = text[at]
            if char == "\\":
                pos = self._escape(at)
            elif char == "`":
                pos = self._code_span(at)
            elif char == "<":
                pos = self._angle(at)
            elif char == "]":
                pos = self._close_bracket(at)
            else:  # "[" or "!["
                image = char == "!"
                self.brackets.append((at, image, self.links))
                pos = at + 2 if image else at + 1
        if self.elements:  # an element left open ends with its paragraph
            self.spans.append((self.element_start, len(text)))
        return self.spans

    def code_only(self) -> list[tuple[int, int]]:
        text, pos = self.text, 0
        while (found := _BACKTICKS_OR_ESCAPE.search(text, pos)) is not None:
            at = found.start()
            pos = self._escape(at) if text[at] == "\\" else self._code_span(at)
        return [span for span in self.spans if text[span[0]] == "`"]

    def _escape(self, at: int) -> int:
        escaped = self.text[at + 1 : at + 2]
        if not escaped or escaped not in _PUNCTUATION:
            return at + 1
        # the backslash goes; an escaped "@" is no mention (GitLab's escaped references)
        self.spans.append((at, at + 2 if escaped == "@" else at + 1))
        return at + 2

    def _code_span(self, at: int) -> int:
        text = self.text
        length = _BACKTICKS.match(text, at).end() - at  # type: ignore[union-attr]
        if self.runs is None:
            self.runs = {}
            for run in _BACKTICKS.finditer(text):
                self.runs.setdefault(run.end() - run.start(), deque()).append(run.start())
        queue = self.runs.get(length)
        while queue and queue[0] < at + length:
            queue.popleft()
        if not queue:  # no closing run of that length: the backticks are text
            return at + length
        end = queue.popleft() + length
        self.spans.append((at, end))
        return end

    def _find(self, needle: str, start: int) -> int:
        """``text.find(needle, start)``, remembering the last answer: the scan moves forward, so
        each part of the text is searched once per needle."""
        since, found = self.searched.get(needle, (len(self.text) + 1, -1))
        if since <= start and (found == -1 or found >= start):
            return found
        found = self.text.find(needle, start)
        self.searched[needle] = (start, found)
        return found

    def _angle(self, at: int) -> int:
        text = self.text
        ending = raw_html_end(text, at)
        if ending is not None:
            closing, start = ending
            found = self._find(closing, start)
            if found < 0:
                return at + 1
            self.spans.append((at, found + len(closing)))
            return found + len(closing)
        tag = _ANGLE.match(text, at)
        if tag is None:
            return at + 1
        self.spans.append((at, tag.end()))
        self._element(at, tag)
        return tag.end()

    def _element(self, at: int, tag: re.Match[str]) -> None:
        opened, closed = tag["open"], tag["close"]
        if opened and opened.lower() in HIDING and not tag["slash"]:
            if not self.elements:
                self.element_start = at
            name = opened.lower()
            self.elements.append(name)
            self.open[name] = self.open.get(name, 0) + 1
        elif closed and self.open.get(closed.lower()):
            name = closed.lower()
            while True:  # each open element is closed once
                inner = self.elements.pop()
                self.open[inner] -= 1
                if inner == name:
                    break
            if not self.elements:
                self.spans.append((self.element_start, tag.end()))

    def _close_bracket(self, at: int) -> int:
        if not self.brackets:
            return at + 1
        start, image, links_before = self.brackets.pop()
        if not image and links_before < self.links:  # inside a link: a link holds no link
            return at + 1
        end = self._link_end(at, start + (2 if image else 1))
        if end < 0:
            return at + 1
        self.spans.append((start, end))
        if not image:
            self.links += 1
        return end

    def _link_end(self, at: int, inner: int) -> int:
        """Where the link whose text ends at ``at`` ends, or -1 when ``]`` ends no link."""
        text = self.text
        if text.startswith("(", at + 1):
            tail = _INLINE_LINK.match(text, at + 1)
            if tail is not None:
                return tail.end()
        if not self.labels:
            return -1
        if text.startswith("[", at + 1):
            full = _LABEL.match(text, at + 1)
            if full is not None:
                named = full[1].strip() != ""
                known = self._known(full[1]) if named else self._known_text(inner, at)
                return full.end() if known else -1
        return at + 1 if self._known_text(inner, at) else -1

    def _known_text(self, start: int, end: int) -> bool:
        return end - start <= MAX_LABEL and self._known(self.text[start:end])

    def _known(self, label: str) -> bool:
        return label_key(label) in self.labels
