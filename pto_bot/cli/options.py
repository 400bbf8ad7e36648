"""What the subcommand modules share: the read options (--policy, --now, --offline, --cache)
and the shape of a subcommand."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the app is imported when a command runs, not to parse its arguments
    from ..app.options import ReadOptions

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def read_options(args: argparse.Namespace) -> ReadOptions:
    from ..app.options import ReadOptions

    return ReadOptions(args.policy, args.now, args.offline, args.cache)


def add_calendar_options(p: argparse.ArgumentParser, folder: str) -> None:
    """--public-calendar and --public-calendar-only, for the report written to ``folder``."""
    p.add_argument(
        "--public-calendar",
        action="store_true",
        help=f"also write {folder}/pto-public.ics: who is out and when, no customer, backup or "
        "link (for a public place a calendar app can subscribe to)",
    )
    p.add_argument(
        "--public-calendar-only",
        action="store_true",
        help=f"write {folder}/pto-public.ics and no other report file (for a separate public "
        "Pages site)",
    )


def add_read_options(p: argparse.ArgumentParser, *, writes: bool = False) -> None:
    """--policy, --now, --offline and --cache; with ``writes`` also --dry-run."""
    p.add_argument("--policy", default="policy.yaml", help="policy file (default: %(default)s)")
    if writes:
        p.add_argument(
            "--dry-run",
            action="store_true",
            help="write nothing; print the writes the run would make",
        )
    p.add_argument(
        "--now", metavar="ISO-8601", help="behave as at this instant (what-if planning, tests)"
    )
    p.add_argument(
        "--offline",
        type=Path,
        metavar="FILE",
        help="use a JSON export of issues and notes instead of GitLab "
        + ("(written back unless --dry-run)" if writes else "(never written)"),
    )
    p.add_argument(
        "--cache",
        metavar="FILE",
        help="keep notes and closed issues already read here, so a run reads only what "
        "changed (default: $PTO_BOT_CACHE; none when unset). Losing it costs requests, "
        "never correctness.",
    )
