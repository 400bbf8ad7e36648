"""``pto-bot export``: the team project written to a file for ``--offline``, to try a policy
change on the team's own history."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO

from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "export",
        help="write the team project's requests, playbooks and their comments to a file for "
        "--offline (reads GitLab, writes nothing there)",
        description="Read the team project from GitLab as the scheduled job reads it (the open "
        "issues of the policy's labels, the requests and fallback requests closed within the "
        "history the rules look at, their comments and the links between them) and write it to "
        "FILE in the offline shape, so that `pto-bot reconcile --offline FILE --dry-run --policy "
        "new.yaml` shows what a policy change would do. Needs GITLAB_URL (or CI_SERVER_URL), "
        "GITLAB_TOKEN (read_api is enough) and PTO_BOT_PROJECT (or CI_PROJECT_ID). The file "
        "holds what the token may read, confidential issues included: keep it private. The "
        "token itself is never written.",
    )
    p.add_argument(
        "--out",
        required=True,
        type=Path,
        metavar="FILE",
        help="the file to write (an earlier export there is replaced)",
    )
    p.add_argument("--policy", default="policy.yaml", help="policy file (default: %(default)s)")
    p.add_argument(
        "--now",
        metavar="ISO-8601",
        help="read the history the rules would look at at this instant (default: now)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.export import run_export

    done = run_export(args.policy, args.now, args.out, os.environ)
    for line in done.lines:
        out.write(line + "\n")
    return done.exit_code
