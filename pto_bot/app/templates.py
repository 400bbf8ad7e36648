"""Compile every template of the installed package into it, once per version: the container
image does it when it is built (``python -m pto_bot.app.templates``), so that no job compiles a
note's or the report's template again (:mod:`pto_bot.render.compiled`)."""

from __future__ import annotations

import sys
from pathlib import Path

from ..render import engine
from ..render.compiled import FOLDER, Compiled, compile_all
from ..reports import site


def compile_templates(folder: Path = FOLDER) -> int:
    """Write the bytecode of the notes' and the report's templates into ``folder``; how many."""
    count = 0
    for name, environment in (("notes", engine.environment()), ("pages", site.environment())):
        writing = environment.overlay(
            bytecode_cache=Compiled(name, folder, write=True), cache_size=0
        )
        count += compile_all(writing)
    return count


if __name__ == "__main__":
    done = compile_templates()
    print(f"pto-bot: {done} templates compiled into {FOLDER}", file=sys.stdout)
