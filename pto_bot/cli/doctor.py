"""``pto-bot doctor``: check a live project (token, role, labels, files, schedule, webhook, what
keeps the token safe, the component's project, roster, playbooks); ``--fix`` creates the
missing labels."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "doctor",
        help="check that a GitLab project is ready for the bot; --fix creates missing labels",
        description="Check the project of GITLAB_URL, GITLAB_TOKEN and PTO_BOT_PROJECT (or "
        "CI_SERVER_URL and CI_PROJECT_ID) — the token, its role, labels, files, schedule, "
        "webhook, pipeline variables, the GITLAB_TOKEN variable, public pipelines, Pages, the "
        "component's project, roster, playbooks — line by line: ✓ fine, ✗ what to do, ? what the "
        "token's role may not see and should be checked by hand. Writes nothing without --fix. "
        "Exit 0 when all is well, 1 when something needs doing, 2 when GitLab cannot be reached "
        "or the configuration cannot be used (as for reconcile).",
    )
    p.add_argument("--policy", default="policy.yaml", help="policy file (default: %(default)s)")
    p.add_argument(
        "--fix",
        action="store_true",
        help="create the labels the policy names that the project lacks (with a colour and a "
        "description); nothing else is ever written",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.doctor import run_doctor

    code, lines = run_doctor(args.policy, args.fix, os.environ)
    for line in lines:
        out.write(line + "\n")
    return code
