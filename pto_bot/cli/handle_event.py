"""``pto-bot handle-event``: the webhook job."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from .options import Subparsers, add_read_options, read_options


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "handle-event",
        help="the webhook job: react to one issue or comment event",
        description="Read a GitLab Issue Hook or Note Hook payload (the pipeline "
        "trigger's TRIGGER_PAYLOAD file) and reconcile. Events from other projects, "
        "other kinds and the bot itself exit at once without API requests; a mention of "
        "someone who is out is answered in its thread.",
    )
    add_read_options(p, writes=True)
    p.add_argument(
        "--payload",
        metavar="FILE",
        help="webhook body (default: the file named by $TRIGGER_PAYLOAD)",
    )
    p.add_argument(
        "--ignore-only",
        action="store_true",
        help="the component's job of the bot's own events, which holds no lock: decide from "
        "the payload and the policy alone and act on nothing; an event that is not ignored is "
        "refused (exit 2) naming why",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.exits import EXIT_OK, answered_code
    from ..app.handle_event import handle_event
    from ..errors import ConfigError

    env = os.environ
    path = args.payload or env.get("TRIGGER_PAYLOAD")
    if not path:
        raise ConfigError(["handle-event: give --payload FILE or set TRIGGER_PAYLOAD"])
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the webhook payload ({exc.strerror})"]) from None
    said, done, answered = handle_event(
        raw, read_options(args), args.dry_run, env, ignore_only=args.ignore_only
    )
    out.write(said + "\n")
    if done is None and answered is None:
        return EXIT_OK
    from ..app.run_log import describe, describe_writes  # the event matters

    code = EXIT_OK
    if done is not None:
        out.write(describe(done.plan, done.result, dry_run=args.dry_run, snapshot=done.snapshot))
        code = done.exit_code
    if answered is not None:
        out.write(describe_writes(answered, dry_run=args.dry_run, failures=True))
        code = max(code, answered_code(answered))
    return code
