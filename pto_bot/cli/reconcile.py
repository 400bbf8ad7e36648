"""``pto-bot reconcile``: the scheduled job."""

from __future__ import annotations

import argparse
import os
from typing import TextIO

from .options import Subparsers, add_read_options


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
    from ..adapters.slack import notifier_from_env
    from ..app.account import describe
    from ..app.read import cache_path, open_tracker, parse_now
    from ..app.reconcile import reconcile
    from ..domain.policy_file import load_policy

    env = os.environ
    policy = load_policy(args.policy)
    # no channel messages from a trial on an export: they would reach the real team channel
    notifier = notifier_from_env(env) if args.offline is None else None
    now = parse_now(args.now)
    tracker = open_tracker(policy, args.offline, now, env, cache_path(args.cache, env))
    done = reconcile(policy, tracker, now, args.dry_run, notifier=notifier)
    out.write(describe(done.plan, done.result, dry_run=args.dry_run, snapshot=done.snapshot))
    return done.exit_code
