"""``pto-bot``: the parser of every subcommand, and the one place a failure becomes a message.

Exit codes: 0 done; 1 some issues could not be processed (the others were); 2 bad configuration
or usage, with a message that names the file, the field and the problem.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO, cast

# No pydantic plugin hooks into the bot's models: without this, the first model built looks for
# plugins among the entry points of every installed distribution, on every run (pydantic's
# documented switch; a value already set is kept).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from .. import __version__
from . import (
    check,
    demo,
    doctor,
    export,
    handle_event,
    init,
    metrics,
    reconcile,
    report,
    schema,
    validate,
)
from .stdout import Stdout

SUBCOMMANDS = (
    reconcile,
    handle_event,
    demo,
    init,
    doctor,
    validate,
    report,
    metrics,
    check,
    export,
    schema,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pto-bot",
        description="PTO coverage for a support team that plans in GitLab issues.",
        epilog="Exit codes: 0 done, 1 some issues failed (others were processed), "
        "2 bad configuration or usage.",
    )
    parser.add_argument("--version", action="version", version=f"pto-bot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in SUBCOMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    if out is not None:
        return _run(argv, out)
    stdout = Stdout(sys.stdout)
    try:
        return _run(argv, cast(TextIO, stdout))  # a TextIO in all a subcommand uses: write, flush
    finally:
        stdout.flush()  # also what argparse printed straight to sys.stdout (--help)


def _run(argv: Sequence[str] | None, out: TextIO) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.func(args, out))
    except Exception as exc:  # every failure ends the job with a message, never a traceback
        from ..app.exits import explain, secrets_in

        code, lines = explain(exc, secrets_in(os.environ))
        for line in lines:
            print(f"error: {line}", file=sys.stderr)
        return code
