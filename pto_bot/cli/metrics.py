"""``pto-bot metrics``: the numbers the pilot's check-in review needs (writes nothing)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from typing import TextIO

from .options import Subparsers, add_read_options, read_options


def day_argument(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2025-11-15"
        ) from None


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "metrics",
        help="pilot metrics: requests, overlap, fallbacks, fallback weeks (writes nothing)",
        description="Read the project like reconcile, plan without writing, and print the "
        "pilot's numbers for the PTO requests starting in the range: requests and working "
        "days off by status, lead time, overlap, fallback requests and the time to cover "
        "them, escalations, approvals and denials, fallback weeks per engineer.",
    )
    p.add_argument(
        "--since",
        type=day_argument,
        metavar="DATE",
        help="first start day (default: the policy's pilot.start)",
    )
    p.add_argument(
        "--until", type=day_argument, metavar="DATE", help="last start day (default: open)"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    add_read_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.exits import EXIT_OK, EXIT_PARTIAL
    from ..app.read import first_day, history_horizon, planned, read_policy
    from ..app.run_log import problems_of
    from ..errors import ConfigError
    from ..reports.metrics import compute_metrics
    from ..reports.metrics_text import render_markdown, to_json

    options = read_options(args)
    policy = read_policy(options)
    since = first_day(policy, args.since)
    if args.until is not None and args.until < since:
        raise ConfigError([f"metrics: --until {args.until} is before --since {since}"])
    project, the_plan = planned(options, os.environ, full=True, policy=policy)
    metrics = compute_metrics(the_plan, since, args.until)
    if args.json:
        out.write(json.dumps(to_json(metrics), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_markdown(metrics))
    problems = problems_of(the_plan)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    horizon = history_horizon(options, project.now)
    if horizon is not None and since < horizon:
        print(
            f"warning: --since {since}: closed issues last changed before "
            f"{horizon} are not read from GitLab; older requests may be missing",
            file=sys.stderr,
        )
    return EXIT_PARTIAL if problems else EXIT_OK
