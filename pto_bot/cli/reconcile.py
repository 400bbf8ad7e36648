"""``pto-bot reconcile``: the scheduled job."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from .options import Subparsers, add_read_options, read_options


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "reconcile",
        help="the scheduled job: bring the whole project up to date",
        description="Read every PTO request, playbook and fallback request, "
        "evaluate them against the policy and write what changed. Needs "
        "GITLAB_URL (or CI_SERVER_URL), GITLAB_TOKEN and PTO_BOT_PROJECT "
        "(or CI_PROJECT_ID) unless --offline is given.",
    )
    add_read_options(p, writes=True)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.account import describe
    from ..app.reconcile import run_reconcile

    done = run_reconcile(read_options(args), args.dry_run, os.environ)
    out.write(describe(done.plan, done.result, dry_run=args.dry_run, snapshot=done.snapshot))
    return done.exit_code
