"""Writing the coverage report (``pto-bot report``, and ``reconcile --report``): its folder is
checked before anything is read or written, then the report of a plan is written there."""

from __future__ import annotations

from pathlib import Path

from ..plan.planner import Plan
from ..reports.coverage_view import build_view
from ..reports.site import report_files, write_report
from .folders import check_folder


def check_report_folder(
    option: str, folder: Path, *, public_calendar: bool, public_only: bool
) -> None:
    """The folder (named by ``option``) can take every file the report writes."""
    files = report_files(public_calendar=public_calendar, public_only=public_only)
    check_folder(option, folder, files)


def publish(
    the_plan: Plan,
    folder: Path,
    project: str,
    weeks: int | None = None,
    *,
    public_calendar: bool,
    public_only: bool,
) -> str:
    """Write the report of ``the_plan`` into ``folder``; one line per file written (its size).
    ``weeks``: the timeline's length (default: the policy's ``reports.weeks``)."""
    policy = the_plan.world.policy
    view = build_view(the_plan, weeks or policy.reports.weeks, project=project or None)
    sizes = write_report(
        view, policy, folder, public_calendar=public_calendar, public_only=public_only
    )
    return "".join(f"{folder / name} ({size:,} bytes)\n" for name, size in sizes.items())
