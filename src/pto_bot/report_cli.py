"""``pto-bot report``: the static coverage report (HTML timeline, iCalendar feed, JSON).

Reads the tracker as ``reconcile`` does and plans, but never applies: it writes nothing to the
tracker, only the report files.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .cli_options import add_read_options


def add_report_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``report`` on the ``pto-bot`` sub-parsers."""
    p = sub.add_parser(
        "report",
        help="write the static coverage report (HTML, iCalendar, JSON); never writes to GitLab",
        description="Read the project, plan as the scheduled job would (without applying "
        "anything) and write OUT/index.html (a timeline of who is out, who covers, open "
        "fallback requests, fairness and rotations), OUT/pto.ics (a calendar of the PTO) and "
        "OUT/report.json (the same data).",
    )
    p.add_argument("--out", default="public", metavar="DIR", help="folder (default: %(default)s)")
    add_read_options(p)
    p.add_argument(
        "--weeks",
        type=int,
        default=None,
        metavar="N",
        help="timeline length in weeks (default: reports.weeks of the policy)",
    )
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    from .cli import EXIT_OK, EXIT_PARTIAL, problems_of, read_project
    from .coverage_view import build_view
    from .errors import ConfigError
    from .plan import plan
    from .site import write_report

    if args.weeks is not None and not 1 <= args.weeks <= 52:  # before any read
        raise ConfigError([f"--weeks: {args.weeks} is out of range; give 1 to 52"])
    policy, now, _, snapshot = read_project(args)
    weeks = args.weeks if args.weeks is not None else policy.reports.weeks  # policy: 1-52
    the_plan = plan(policy, snapshot, now)  # planned only: nothing is applied
    view = build_view(the_plan, weeks, project=snapshot.project or None)
    out_dir = Path(args.out)
    sizes = write_report(view, policy, out_dir)
    for name, size in sizes.items():
        out.write(f"{out_dir / name} ({size:,} bytes)\n")
    problems = problems_of(snapshot, the_plan)
    for problem in problems:
        out.write(f"warning: {problem}\n")
    return EXIT_PARTIAL if problems else EXIT_OK
