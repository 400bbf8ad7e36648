"""``pto-bot reconcile``: the scheduled job."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from .options import Subparsers, add_calendar_options, add_read_options, read_options


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "reconcile",
        help="the scheduled job: bring the whole project up to date",
        description="Read every PTO request, playbook and fallback request, "
        "evaluate them against the policy and write what changed. Needs "
        "GITLAB_URL (or CI_SERVER_URL), GITLAB_TOKEN and PTO_BOT_PROJECT "
        "(or CI_PROJECT_ID) unless --offline is given. With PTO_BOT_CALENDAR_URL (the team's "
        "secret time-off calendar feed) set, absences recorded only there are opened as PTO "
        "requests.",
    )
    add_read_options(p, writes=True)
    p.add_argument(
        "--report",
        metavar="DIR",
        help="also write the coverage report (as `pto-bot report --out DIR` does) of the "
        "coverage the run decided, the state its writes bring GitLab to, without reading GitLab "
        "again",
    )
    add_calendar_options(p, "DIR")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.reconcile import run_reconcile
    from ..app.run_log import describe, describe_warnings
    from ..errors import ConfigError

    calendar = {"public_calendar": args.public_calendar, "public_only": args.public_calendar_only}
    if args.report is None and any(calendar.values()):
        raise ConfigError(["--public-calendar and --public-calendar-only go with --report DIR"])
    if args.report is not None:  # before anything is read or written
        from ..app.report import check_report_folder, publish  # the report's templates, iCalendar

        check_report_folder("--report", Path(args.report), **calendar)
    done = run_reconcile(read_options(args), args.dry_run, os.environ)
    out.write(describe(done.plan, done.result, dry_run=args.dry_run, snapshot=done.snapshot))
    out.write(describe_warnings(done.warnings))
    if args.report is not None:
        assert done.view is not None  # a scheduled run's: the one its dashboard shows
        out.write(publish(done.view, done.plan.world.policy, Path(args.report), **calendar))
    return done.exit_code
