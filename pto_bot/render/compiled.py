"""Templates compiled once per version: Jinja's bytecode, written into the installed package when
the container image is built (``python -m pto_bot.app.templates``), read by every job after.

Why not a cache written at run time: the only place a job could keep one is the runner cache,
which any pipeline on a branch that shares it may write, and bytecode is code that runs with
the bot's token; the image is read-only and built once per version. A template whose source
differs from the one compiled (another version, an edit in a checkout) fails Jinja's checksum
and is compiled as before, so compiled code is never served stale; so is any template when the
folder is missing (an install from the wheel, a checkout).
"""

from __future__ import annotations

from hashlib import sha1
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2.bccache import Bucket, BytecodeCache

if TYPE_CHECKING:
    from jinja2 import Environment

#: Where the image keeps the compiled templates: inside the installed package.
FOLDER = Path(__file__).resolve().parent.parent / "_compiled_templates"


class Compiled(BytecodeCache):
    """The bytecode of one set of templates (``name``: notes, pages) in ``folder``: read when it
    is there, never written (``write``: only when the image is built)."""

    def __init__(self, name: str, folder: Path = FOLDER, write: bool = False) -> None:
        self.name, self.folder, self.write = name, folder, write

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # by the template's name alone: the same key wherever the package is installed
        return f"{self.name}-{sha1(name.encode('utf-8')).hexdigest()}"

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            with self._path(bucket).open("rb") as stored:
                bucket.load_bytecode(stored)  # another source or Python: left empty
        except OSError:
            pass

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.write:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._path(bucket).write_bytes(bucket.bytecode_to_string())


def compile_all(environment: Environment) -> int:
    """Compile every template of ``environment`` (its bytecode cache stores them); how many."""
    names = environment.list_templates(extensions=["j2"])
    for name in names:
        environment.get_template(name)
    return len(names)
