"""``pto-bot check``: what a PTO request for these days would get, before anyone opens one."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from .options import Subparsers, add_read_options, read_options


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "check",
        help="what-if: what a PTO request for these days would get (writes nothing)",
        description="Answer before anyone opens an issue: plan the project with a PTO request "
        "for ENGINEER from START to END added, and print how many are out each working day, "
        "whether the manager must approve, the backup each account would get (or the fallback "
        "request that would open), holidays and the lead-time warning. Nothing is written.",
    )
    p.add_argument("--engineer", required=True, metavar="USER", help="GitLab username")
    p.add_argument("--start", required=True, metavar="DATE", help="first day off (YYYY-MM-DD)")
    p.add_argument("--end", required=True, metavar="DATE", help="last day off, inclusive")
    p.add_argument("--emergency", action="store_true", help="an emergency request")
    p.add_argument(
        "--backups",
        default="",
        metavar="TEXT",
        help="hand-picked backups as in the template, e.g. '@dbass90 Acme Corp; @andsmith3'",
    )
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.exits import EXIT_OK, EXIT_PARTIAL
    from ..app.read import chat_configured, read_project
    from ..app.run_log import problems_of
    from ..reports.whatif import what_if
    from ..reports.whatif_text import render_what_if

    project = read_project(read_options(args), os.environ)
    answer, the_plan = what_if(
        project.policy,
        project.snapshot,
        project.now,
        args.engineer,
        args.start,
        args.end,
        args.emergency,
        args.backups,
        chat=chat_configured(read_options(args), os.environ),
        bot=project.bot,
    )
    out.write(render_what_if(answer))
    problems = problems_of(the_plan)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return EXIT_PARTIAL if problems else EXIT_OK
