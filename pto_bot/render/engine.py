"""Jinja2 rendering of every note and issue body the bot writes.

Templates hold wording only. Every value a template prints passes :func:`pto_bot.render.text.safe`
unless it is :class:`Trusted` (text the bot composed itself) — escaping is the default, not a
filter someone may forget. Mentions go through the ``mention`` filter, which only accepts valid
usernames; Markdown the team wrote in its policy (checklist items) through ``policy_markdown``,
which keeps it as written but inert.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, tzinfo
from functools import cache
from typing import TYPE_CHECKING, Any

from ..domain.policy import USERNAME_RE
from .text import code, policy_markdown, safe

if TYPE_CHECKING:  # Jinja is loaded by the first note rendered, not by importing the planner
    from jinja2 import Environment


class Trusted(str):
    """Text composed by the bot (already escaped where it embeds user text)."""

    __slots__ = ()


def _finalize(value: Any) -> Any:
    if isinstance(value, Trusted):
        return str(value)
    if isinstance(value, datetime):
        # a time must say its zone: wording passes local_time(...), in the team's zone
        raise TypeError(f"a time reached a template unformatted ({value!r}): use local_time()")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    return safe(value, limit=500)


def mention(username: str) -> Trusted:
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        return Trusted(safe(username))
    return Trusted(f"@{username}")


def plain(username: str) -> Trusted:
    """A username named without notifying them."""
    return Trusted(f"`{username}`") if USERNAME_RE.match(username) else Trusted(safe(username))


def days_text(stretches: Iterable[tuple[date, date]], *, weekday: bool = False) -> Trusted:
    """Stretches of days as people read them: ``2026-12-07 – 2026-12-09, 2026-12-11`` (a
    one-day stretch is its day), each day with its weekday (``Mon 2026-12-07``) when
    ``weekday``; "" for none."""
    form = "%a %Y-%m-%d" if weekday else "%Y-%m-%d"
    return Trusted(
        ", ".join(
            a.strftime(form) if a == b else f"{a.strftime(form)} – {b.strftime(form)}"
            for a, b in stretches
        )
    )


def dates_of(start: date, end: date) -> Trusted:
    """One stretch of days, each with its weekday: ``Mon 2026-12-07 – Fri 2026-12-11``."""
    return days_text(((start, end),), weekday=True)


def local_time(moment: datetime, tz: tzinfo) -> Trusted:
    """A time as people read it: its weekday, in the team's zone, which it names
    (``Tue 2026-11-24 09:00 EST``)."""
    return Trusted(moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z"))


def _hours(value: float) -> Trusted:
    return Trusted(f"{value:g}")


@cache
def environment() -> Environment:
    """The notes' templates, compiled once per version when the image has them
    (:mod:`.compiled`)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    from .compiled import Compiled

    env = Environment(
        loader=PackageLoader("pto_bot.render", "notes"),
        bytecode_cache=Compiled("notes"),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["mention"] = mention
    env.filters["plain"] = plain
    env.filters["hours"] = _hours
    env.filters["code"] = lambda value: Trusted(code(value))
    env.filters["policy_markdown"] = lambda value: Trusted(policy_markdown(value))
    env.globals["dates"] = dates_of
    env.globals["eol"] = Trusted("")  # ends a line whose last tag is a block: keeps its newline
    return env


def render(template: str, **context: Any) -> str:
    text = environment().get_template(template).render(**context)
    lines = [line.rstrip() for line in text.splitlines()]
    # collapse runs of blank lines left by conditionals
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n"
