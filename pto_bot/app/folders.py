"""The folder a command writes its files into (``report --out``, ``demo --dir``, ``init --dir``),
checked before anything is read or written: a command that cannot finish writes nothing; and
writing several files there all or none."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
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


def write_files(root: Path, files: Mapping[Path, str]) -> None:
    """Every file or none: each is written beside its place first, then all are moved in; a
    failure on the way removes what was written and puts back what was there."""
    made_folders: list[Path] = []
    staged: list[tuple[Path, Path]] = []
    moved: list[tuple[Path, bytes | None]] = []
    try:
        for path, text in files.items():
            target = root / path
            made_folders += [p for p in reversed(target.parents) if not p.exists()]
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.pto-bot-init")
            temporary.write_text(text, encoding="utf-8")
            staged.append((temporary, target))
        for temporary, target in staged:
            before = target.read_bytes() if target.exists() else None
            os.replace(temporary, target)
            moved.append((target, before))
    except (OSError, KeyboardInterrupt) as exc:
        for target, before in reversed(moved):
            if before is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(before)
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in sorted(set(made_folders), key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: it held something of the team's
                folder.rmdir()
        if isinstance(exc, KeyboardInterrupt):
            raise ConfigError(["interrupted while writing; nothing was written"]) from None
        where = exc.filename or root
        raise ConfigError(
            [f"cannot write {where} ({exc.strerror or exc}); nothing was written"]
        ) from None
