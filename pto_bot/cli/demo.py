"""``pto-bot demo``: the embedded default, on a bundled offline project."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "demo",
        help="run on a bundled offline copy of a team project",
        description="Copy the bundled demo project (the AMER ASE roster, a "
        "playbook per account and a set of PTO requests) to DIR, reconcile it at "
        "2026-11-23 14:00 UTC, print what the bot did and why, run "
        "again to show that nothing is repeated, and write DIR/transcript.md and the "
        "coverage report in DIR/public.",
    )
    p.add_argument("--dir", default="pto-demo", help="working folder (default: %(default)s)")
    p.add_argument(
        "--policy",
        default=None,
        help="policy file (default: the bundled copy of the AMER ASE policy.yaml)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.demo import run_demo

    return run_demo(Path(args.dir), args.policy, out)
