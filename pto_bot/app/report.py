"""Writing the coverage report (``pto-bot report``, and ``reconcile --report``): its folder is
checked before anything is read or written, then the report of a coverage view is written there."""

from __future__ import annotations

from pathlib import Path

from ..domain.policy import Policy
from ..reports.site import report_files, write_report
from ..reports.view import CoverageView
from .folders import check_folder


def check_report_folder(
    option: str, folder: Path, *, public_calendar: bool, public_only: bool
) -> None:
    """The folder (named by ``option``) can take every file the report writes."""
    files = report_files(public_calendar=public_calendar, public_only=public_only)
    check_folder(option, folder, files)


def publish(
    view: CoverageView,
    policy: Policy,
    folder: Path,
    *,
    public_calendar: bool,
    public_only: bool,
) -> str:
    """Write the report of ``view`` into ``folder``; one line per file written (its size)."""
    sizes = write_report(
        view, policy, folder, public_calendar=public_calendar, public_only=public_only
    )
    return "".join(f"{folder / name} ({size:,} bytes)\n" for name, size in sizes.items())
