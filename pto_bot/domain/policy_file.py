"""Reading ``policy.yaml``: YAML that refuses duplicate keys, validation errors as messages that
name the file, the key path and what was expected, e.g.
``policy.yaml: pods.beta.members[1]: 'klang ' is not a GitLab username``; and the JSON Schema.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..errors import ConfigError
from .policy import Policy


class _UniqueKeys:
    """Refuses a key given twice (plain YAML silently keeps the last)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[attr-defined]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)  # type: ignore[misc, no-any-return]


class _UniqueKeyLoader(_UniqueKeys, yaml.SafeLoader):
    """PyYAML's safe loader: its messages name the character and the place it failed at."""


# libyaml's parser, when PyYAML was built with it: ten times as fast on a policy file. A file it
# refuses, or one nested deeper than a policy is, is read again by PyYAML's own parser: its
# messages say where and why, and it stops at Python's recursion limit as it always has.
_FastLoader: type[yaml.SafeLoader] = _UniqueKeyLoader
if hasattr(yaml, "CSafeLoader"):

    class _FastLoader(_UniqueKeys, yaml.CSafeLoader):  # type: ignore[no-redef]
        pass


_POLICY_DEPTH = 16  # a policy is a few levels deep


def _deeper_than(data: Any, levels: int) -> bool:
    """Whether lists and mappings nest in ``data`` more than ``levels`` deep (no recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > levels:
            return True
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return False


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _read_as_comment(loc: tuple[Any, ...], text: str | None) -> str:
    """Why a text value is empty: YAML took a value that starts with '#' for a comment."""
    key = next((part for part in reversed(loc) if isinstance(part, str)), "")
    pattern = re.compile(rf"^\s*{re.escape(key)}:\s+(#\S*)")
    for number, line in enumerate((text or "").splitlines(), start=1):
        found = pattern.match(line)
        if found:
            return (
                f"line {number}: YAML reads everything from '#' as a comment, so the value is "
                f'empty: put it in quotes, {key}: "{found.group(1)}"'
            )
    return "empty: expected text (a value that starts with '#' goes in quotes)"


def format_validation_error(
    source: str, exc: ValidationError, text: str | None = None
) -> list[str]:
    """One message per problem; ``text`` (the file as written) lets a message name its line."""
    messages: list[str] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling; see policy.schema.json for the keys)"
        elif err["type"] == "missing":
            msg = "missing (required)"
        elif err["type"] == "string_type" and isinstance(err.get("input"), bool):
            msg = 'YAML read this as true/false: put it in quotes, e.g. "ON"'
        elif err["type"] == "string_type" and err.get("input") is None:
            msg = _read_as_comment(loc, text)
        elif err["type"].startswith("date_"):
            msg += " (expected YYYY-MM-DD)"
        where = _format_loc(loc)
        prefix = f"{source}: {where + ': ' if where else ''}"
        messages.extend(prefix + m for m in msg.split("\n"))
    return messages


def parse_policy(data: Any, source: str = "policy.yaml", text: str | None = None) -> Policy:
    """The policy in ``data`` (read from ``source``, written as ``text`` when known)."""
    if data is None:
        raise ConfigError([f"{source}: the file is empty; expected the policy's keys (team, ...)"])
    if not isinstance(data, dict):
        found = type(data).__name__
        raise ConfigError([f"{source}: expected a mapping of keys at the top, got a {found}"])
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(source, exc, text)) from None


def _unreadable_value(text: str, exc: Exception) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        for token in re.findall(r"\b\d{4}-\d{2}-\d{2}\b", line):
            try:
                date.fromisoformat(token)
            except ValueError:
                return f"line {number}: {token} is not a real date (expected YYYY-MM-DD)"
    return f"a value cannot be read ({exc})"


def load_policy(path: Path | str) -> Policy:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the policy file ({exc.strerror})"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: not UTF-8 text (byte {exc.start})"]) from None
    try:
        try:
            data = yaml.load(text, Loader=_FastLoader)  # a SafeLoader's constructor
        except yaml.YAMLError:
            data = None
        if data is None or _deeper_than(data, _POLICY_DEPTH):
            data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{path}:{where}: not valid YAML: {problem}"]) from None
    except (ValueError, TypeError) as exc:  # e.g. an impossible date such as 2025-11-31
        raise ConfigError([f"{path}: {_unreadable_value(text, exc)}"]) from None
    except RecursionError:  # the YAML composer recurses once per level of nesting
        raise ConfigError(
            [f"{path}: nested too deeply to read; a policy is a few levels deep"]
        ) from None
    return parse_policy(data, str(path), text)


def policy_schema() -> str:
    schema = Policy.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "pto_bot policy.yaml"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
