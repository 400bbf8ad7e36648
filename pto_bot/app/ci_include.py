"""pto_bot's include added to a team's existing ``.gitlab-ci.yml``, and nothing else changed.

The file is edited as text, line by line: every job, comment, quote and indentation of the
team's file stays as it was, and only lines are added (the include as one more item of
``include:``, the component's stage as one more item of ``stages:`` when the file lists stages
without it). A YAML round trip would re-emit the whole file in its own style. What the edit
produced is then read back and compared with what was meant (the same configuration plus the
include and the stage); when it differs, or the file is written in a way the edit does not
handle, nothing is written and the message gives the lines to add by hand. A file that already
includes the component is left as it is, so ``init`` run twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import ConfigError

CI_FILE = ".gitlab-ci.yml"
COMPONENT_NAME = "pto-bot"  # the component's name in its project (templates/pto-bot.yml)
_TOP_KEY = re.compile(r"""^(?P<key>[A-Za-z0-9_.$"'][^:#]*?)\s*:(?:\s+(?P<rest>.*?))?\s*$""")


@dataclass(frozen=True)
class Added:
    """The file with the include added, and what was added (empty: it was there already)."""

    text: str
    changes: tuple[str, ...]


def _refuse(why: str, item: str) -> ConfigError:
    [entry] = yaml.safe_load(item)
    one_line = yaml.safe_dump(entry, default_flow_style=True, width=10_000).strip()
    return ConfigError(
        [
            f"init: {CI_FILE}: {why}; nothing was written. Add pto_bot's include under "
            f"include: by hand: - {one_line}"
        ]
    )


def _documents(text: str, item: str) -> tuple[int, dict[str, Any]]:
    """The line where the configuration starts (after a ``spec:`` header) and the configuration."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise _refuse(f"{where}not valid YAML ({getattr(exc, 'problem', exc)})", item) from None
    if len(documents) > 2:
        raise _refuse(f"{len(documents)} YAML documents, expected one (or a spec: header)", item)
    config = documents[-1] if documents else None
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise _refuse("its top level is not a mapping of jobs and keywords", item)
    start = 0
    if len(documents) == 2:
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if line.rstrip() == "---") + 1
    return start, config


def component_reference(config: dict[str, Any], name: str = COMPONENT_NAME) -> str | None:
    """Where the configuration includes the component ``name`` from, as its ``include:`` says
    (``$CI_SERVER_FQDN/<project path>/<name>``, without ``@<version>``); None when it does not."""
    found = config.get("include")
    entries = found if isinstance(found, list) else [found]
    for entry in entries:
        reference = entry.get("component") if isinstance(entry, dict) else None
        if isinstance(reference, str):
            where = reference.partition("@")[0]
            if where.rsplit("/", 1)[-1] == name:
                return where
    return None


def configuration(text: str) -> dict[str, Any] | None:
    """The configuration of a ``.gitlab-ci.yml`` (after its ``spec:`` header, if any); None when
    it is no YAML mapping."""
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None
    config = documents[-1] if documents else None
    return config if isinstance(config, dict) else None


def _block(lines: list[str], start: int, key: str) -> tuple[int, int, str] | None:
    """The line of top-level ``key``, the last line of its value, and the rest of its line."""
    for number in range(start, len(lines)):
        found = _TOP_KEY.match(lines[number])
        if found is None or found["key"].strip("\"'") != key:
            continue
        end = number
        for later in range(number + 1, len(lines)):
            line = lines[later]
            if line.strip() == "" or line.startswith("#"):
                continue
            if not line[0].isspace() and not line.startswith("-"):  # the next top-level key
                break
            end = later
        return number, end, found["rest"] or ""
    return None


def _without_comment(rest: str) -> tuple[str, str]:
    value, sep, comment = rest.partition(" #")
    return value.strip(), (sep + comment) if sep else ""


def _indent(lines: list[str], start: int, end: int) -> int | None:
    for line in lines[start : end + 1]:
        if line.strip() and not line.lstrip().startswith("#"):
            return len(line) - len(line.lstrip())
    return None


def _shifted(item: str, by: int) -> list[str]:
    return [(" " * by + line) if line else line for line in item.splitlines()]


def _add_include(lines: list[str], start: int, item: str) -> list[str]:
    found = _block(lines, start, "include")
    if found is None:  # a new top-level key at the end: no comment of the team is split
        tail = [""] if lines and lines[-1].strip() else []
        return [*lines, *tail, "include:", *_shifted(item, 2)]
    number, end, rest = found
    value, comment = _without_comment(rest)
    if value:  # `include: a.yml`, `include: [a, b]`, `include: {local: a}`: one line
        parsed = yaml.safe_load(value)
        entries = parsed if isinstance(parsed, list) else [parsed]
        items = [
            "  - " + yaml.safe_dump(e, default_flow_style=True, width=10_000).strip()
            for e in entries
        ]
        items = [i.removesuffix("\n...") for i in items]
        return [
            *lines[:number],
            f"{lines[number][: lines[number].index(':') + 1]}{comment}",
            *items,
            *_shifted(item, 2),
            *lines[number + 1 :],
        ]
    indent = _indent(lines, number + 1, end)
    if indent is None:
        raise ValueError("include: has no value")
    body = lines[number + 1 : end + 1]
    first = next(i for i, line in enumerate(body) if line.strip() and line.strip()[0] != "#")
    if body[first].lstrip().startswith("-"):  # a list already: one more item
        return [*lines[: end + 1], *_shifted(item, indent), *lines[end + 1 :]]
    # one include written as a mapping: it becomes the first item of a list
    moved = []
    for i, line in enumerate(body):
        if i == first:
            moved.append(f"{' ' * indent}- {line[indent:]}")
        elif i > first and line.strip():
            moved.append("  " + line)
        else:
            moved.append(line)
    return [*lines[: number + 1], *moved, *_shifted(item, indent), *lines[end + 1 :]]


def _add_stage(lines: list[str], start: int, stage: str) -> list[str]:
    found = _block(lines, start, "stages")
    if found is None:
        raise ValueError("stages: not found")
    number, end, rest = found
    value, comment = _without_comment(rest)
    if value:  # `stages: [build, test]`
        closing = lines[number].rindex("]", 0, len(lines[number]) - len(comment))
        line = lines[number]
        comma = ", " if value.strip("[] ") else ""
        return [
            *lines[:number],
            f"{line[:closing].rstrip()}{comma}{stage}{line[closing:]}",
            *lines[number + 1 :],
        ]
    indent = _indent(lines, number + 1, end)
    return [*lines[: end + 1], f"{' ' * (indent or 0)}- {stage}", *lines[end + 1 :]]


def add_include(text: str, item: str, name: str, stage: str) -> Added:
    """``text`` (a ``.gitlab-ci.yml``) with ``item`` (one entry of ``include:``, of the component
    ``name``) added, and ``stage`` added to its ``stages:`` when it lists stages without it."""
    start, config = _documents(text, item)
    if component_reference(config, name) is not None:
        return Added(text, ())
    lines = text.splitlines()
    changes = ["pto_bot's include"]
    stages = config.get("stages")
    want_stage = isinstance(stages, list) and stage not in stages
    listed: list[Any] = stages if isinstance(stages, list) else []
    try:
        edited = _add_include(lines, start, item)
        if want_stage:
            edited = _add_stage(edited, start, stage)
            changes.append(f"the stage {stage}")
        result = "\n".join(edited) + "\n"
        _, after = _documents(result, item)
    except (ValueError, ConfigError, StopIteration, yaml.YAMLError):
        raise _refuse("it is written in a way this edit does not handle", item) from None
    expected = dict(config)
    old = config.get("include")
    expected["include"] = [
        *(old if isinstance(old, list) else [] if old is None else [old]),
        yaml.safe_load(item)[0],
    ]
    if want_stage:
        expected["stages"] = [*listed, stage]
    if after != expected:
        raise _refuse("the edit would change more than the include", item)
    return Added(result, tuple(changes))
