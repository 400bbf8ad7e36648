"""A problem found in what people wrote, worded so the bot's text and theirs stay apart.

``text`` is the bot's own wording, Markdown to be shown as written (the field forms and label
names people copy from it must work when pasted); ``{0}``, ``{1}`` stand for ``values``, taken
from what people typed, which the render layer passes through its one escaping function (or,
for a :class:`Code` value, shows as an inert code span to copy). ``message`` is the plain text.
"""

from __future__ import annotations

from dataclasses import dataclass


class Code(str):
    """A value to show as typed, for copying: a label name, a form to paste."""

    __slots__ = ()


@dataclass(frozen=True)
class Problem:
    field: str  # a field of the request form, or what the problem is about ("labels", ...)
    text: str  # the bot's wording; {0}, {1}, ... stand for the values
    values: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return self.text.format(*self.values)

    def __str__(self) -> str:
        return self.message


def problem(field: str, text: str, *values: str) -> Problem:
    return Problem(field, text, values)
