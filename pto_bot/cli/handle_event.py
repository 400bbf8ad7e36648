"""``pto-bot handle-event``: the webhook job."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from .options import Subparsers, add_read_options


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "handle-event",
        help="the webhook job: react to one issue or comment event",
        description="Read a GitLab Issue Hook or Note Hook payload (the pipeline "
        "trigger's TRIGGER_PAYLOAD file) and reconcile. Events from other projects, "
        "other kinds and the bot itself exit at once without API requests.",
    )
    add_read_options(p, writes=True)
    p.add_argument(
        "--payload",
        metavar="FILE",
        help="webhook body (default: the file named by $TRIGGER_PAYLOAD)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..adapters.webhook import Ignored
    from ..app.exits import EXIT_OK
    from ..app.handle_event import triage
    from ..domain.policy_file import load_policy
    from ..errors import ConfigError

    env = os.environ
    path = args.payload or env.get("TRIGGER_PAYLOAD")
    if not path:
        raise ConfigError(["handle-event: give --payload FILE or set TRIGGER_PAYLOAD"])
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the webhook payload ({exc.strerror})"]) from None
    policy = load_policy(args.policy)
    event = triage(raw, policy, env)
    if isinstance(event, Ignored):
        out.write(f"ignored: {event.reason}\n")
        return EXIT_OK

    from ..adapters.slack import notifier_from_env
    from ..app.account import describe
    from ..app.read import cache_path, open_tracker, parse_now
    from ..app.reconcile import reconcile

    notifier = notifier_from_env(env) if args.offline is None else None
    out.write(f"{event.kind} event on #{event.iid} by {event.actor}: reconciling\n")
    now = parse_now(args.now)
    tracker = open_tracker(policy, args.offline, now, env, cache_path(args.cache, env))
    done = reconcile(policy, tracker, now, args.dry_run, event_iid=event.iid, notifier=notifier)
    out.write(describe(done.plan, done.result, dry_run=args.dry_run, snapshot=done.snapshot))
    return done.exit_code
