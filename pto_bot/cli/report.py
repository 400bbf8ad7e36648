"""``pto-bot report``: the static coverage report (HTML timeline, iCalendar feed, JSON).

Reads the tracker as ``reconcile`` does and plans, but never applies: it writes nothing to the
tracker, only the report files.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from .options import Subparsers, add_calendar_options, add_read_options, read_options


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "report",
        help="write the static coverage report (HTML, iCalendar, JSON); never writes to GitLab",
        description="Read the project, plan as the scheduled job would (without applying "
        "anything) and write OUT/index.html (a timeline of who is out, who covers, open "
        "fallback requests, fairness and rotations), OUT/pto.ics (a calendar of the PTO) and "
        "OUT/report.json (the same data). They name customers and who is out: publish them "
        "behind Pages access control; --public-calendar adds a feed of who is out only.",
    )
    p.add_argument("--out", default="public", metavar="DIR", help="folder (default: %(default)s)")
    add_read_options(p)
    add_calendar_options(p, "OUT")
    p.add_argument(
        "--weeks",
        type=int,
        default=None,
        metavar="N",
        help="timeline length in weeks (default: reports.weeks of the policy)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.exits import EXIT_OK, EXIT_PARTIAL
    from ..app.read import planned
    from ..app.report import check_report_folder, publish
    from ..app.run_log import problems_of
    from ..errors import ConfigError
    from ..reports.coverage_view import build_view

    if args.weeks is not None and not 1 <= args.weeks <= 52:  # before any read
        raise ConfigError([f"--weeks: {args.weeks} is out of range; give 1 to 52"])
    calendar = {"public_calendar": args.public_calendar, "public_only": args.public_calendar_only}
    check_report_folder("--out", Path(args.out), **calendar)
    project, the_plan = planned(read_options(args), os.environ)  # nothing is applied
    policy = the_plan.world.policy
    path = project.snapshot.project or None
    view = build_view(the_plan, args.weeks or policy.reports.weeks, project=path)
    out.write(publish(view, policy, Path(args.out), **calendar))
    problems = problems_of(the_plan)
    for problem in problems:
        out.write(f"warning: {problem}\n")
    return EXIT_PARTIAL if problems else EXIT_OK
