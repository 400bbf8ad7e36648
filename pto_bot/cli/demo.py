"""``pto-bot demo``: the embedded default, on a bundled offline project."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from .options import Subparsers

PROCESSES = ("pods", "classic", "buddy")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "demo",
        help="one of the three ways of working (pods, classic, buddy) on a bundled offline project",
        description="Copy a bundled team project and the policy of its way of working to "
        "DIR (project.json, policy.yaml), reconcile it at 2026-11-23 14:00 UTC, print what "
        "the bot did and why, run again to show that nothing is repeated, write "
        "DIR/transcript.md and the coverage report in DIR/public, and print the commands to "
        "try next (check, report, metrics, a reconcile a week later), which work as printed "
        "from this folder.",
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
        metavar="FILE",
        help="policy file (default: the bundled policy of the process, the same as policy.yaml "
        "or examples/policies/*.yaml)",
    )
    p.set_defaults(func=run)


def program() -> str:
    """How to run pto-bot again from here: the plain name when it finds the same program,
    else as it was run (``.venv/bin/pto-bot``, ``python -m pto_bot``)."""
    import shlex
    import shutil

    ran = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if ran is not None and ran.parts[-2:] == ("pto_bot", "__main__.py"):
        return f"{shlex.quote(sys.executable)} -m pto_bot"
    if ran is None or ran.name != "pto-bot":
        return "pto-bot"
    found = shutil.which("pto-bot")
    if found is not None and ran.exists() and Path(found).samefile(ran):
        return "pto-bot"
    return shlex.quote(str(ran))


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.demo import run_demo

    return run_demo(Path(args.dir), args.process, args.policy, out, program())
