"""``pto-bot demo``: the embedded default, on a bundled offline project."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .options import Subparsers

PROCESSES = ("pods", "classic", "buddy")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "demo",
        help="run on a bundled offline copy of a team project",
        description="Copy a bundled team project to DIR/project.json, reconcile it with the "
        "policy of its way of working at 2026-11-23 14:00 UTC, print what the bot did and why, "
        "run again to show that nothing is repeated, and write DIR/transcript.md and the "
        "coverage report in DIR/public.",
    )
    p.add_argument(
        "--process",
        choices=PROCESSES,
        default="pods",
        help="pods: the AMER ASE pilot, where the pod covers its members (default); classic: "
        "backups hand-picked in each request; buddy: the TAM PTO buddy program, pairs that "
        "cover each other's whole book",
    )
    p.add_argument("--dir", default="pto-demo", help="working folder (default: %(default)s)")
    p.add_argument(
        "--policy",
        default=None,
        help="policy file (default: the bundled policy of the process, the same as policy.yaml "
        "or examples/policies/*.yaml)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.demo import run_demo

    return run_demo(Path(args.dir), args.process, args.policy, out)
