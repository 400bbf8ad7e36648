"""The scaffold's templates (``pto_bot/scaffold``) and the YAML they are filled with: every value
``init`` writes reads back as given."""

from __future__ import annotations

import re
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined


def _yaml(value: Any) -> str:
    """A YAML scalar that reads back as ``value``: bare when it can be, else double-quoted with
    YAML's own escapes (a newline, a control character, a quote: whatever was given)."""
    text = str(value)
    plain = re.fullmatch(r"[A-Za-z0-9_][\w.\-/ ]*", text) and not text.endswith(" ")
    if plain and yaml.safe_load(text) == text:
        return text
    quoted = yaml.safe_dump(text, default_style='"', width=float("inf"), allow_unicode=True)
    return quoted.rstrip("\n")


def _comment(value: Any) -> str:
    """``value`` on one comment line: every run of whitespace, line breaks included, one space."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("pto_bot", "scaffold"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, not HTML: values pass the yaml filter instead
    )
    env.filters["yaml"] = _yaml
    env.filters["comment"] = _comment
    return env
