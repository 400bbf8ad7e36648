"""The folder a command writes its files into (``report --out``, ``demo --dir``, ``init --dir``),
checked before anything is read or written: a command that cannot finish writes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import ConfigError

FILE, FOLDER = "a file, not a folder", "a folder, not a file"


def check_folder(option: str, folder: Path, names: Iterable[str | Path] = ()) -> None:
    """Refuse ``folder`` (given as ``option``) when it is a file or lies below one, or when one
    of the files ``names`` (relative to it) would be written where a folder is, or below a file."""

    def refuse(where: Path, what: str) -> ConfigError:
        named = f"{option} {folder}" + ("" if where == folder else f": {where}")
        return ConfigError([f"{named} is {what}; nothing was written"])

    for above in (folder, *folder.parents):
        if above.exists():  # the nearest that exists must be a folder
            if not above.is_dir():
                raise refuse(above, FILE)
            break
    for name in names:
        for inside in reversed(Path(name).parents[:-1]):
            if (folder / inside).exists() and not (folder / inside).is_dir():
                raise refuse(folder / inside, FILE)
        if (folder / name).is_dir():
            raise refuse(folder / name, FOLDER)
