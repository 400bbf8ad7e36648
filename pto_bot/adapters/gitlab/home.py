"""Where the tracker's memory lives: found among the bot's own issues (the board label), or in
the runner's copy; the newest that only this bot, on this project, can have sealed for the
issue it is in wins. A copy the runner knows to be older than the last one written is not
believed (a replayed dashboard)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .memory import Memory, split, unseal
from .runner_copy import RunnerCopy


def find_memory(
    boards: Mapping[int, Mapping[str, Any]], key: bytes, runner: RunnerCopy | None
) -> tuple[Memory | None, int | None]:
    """The memory to start from and the issue it lives in (None, None: none)."""
    found: list[tuple[Memory, int]] = []
    for iid, raw in sorted(boards.items()):
        memory = unseal(split(str(raw.get("description") or ""))[1], key, iid)
        if memory is not None:
            found.append((memory, iid))
    if runner is not None:
        memory = unseal(runner.sealed, key, runner.home)
        if memory is not None:
            found.append((memory, runner.home))
    if not found:
        return None, None
    memory, home = max(found, key=lambda pair: pair[0].synced)
    if runner is not None and memory.synced < runner.synced:
        return None, None  # the runner saw a newer one written: this one was put back
    if home not in boards:
        # the runner's copy names an issue that is no longer the bot's: a fresh home is made
        return memory, None
    return memory, home
