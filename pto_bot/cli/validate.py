"""``pto-bot validate``: check policy files and the issue templates."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "validate",
        help="check policy files and the issue templates",
        description="Load each policy (default policy.yaml) and check the issue "
        "templates under ROOT/.gitlab/issue_templates against the first one.",
    )
    p.add_argument("policy_files", nargs="*", metavar="POLICY")
    p.add_argument("--policy", default="policy.yaml", help=argparse.SUPPRESS)
    p.add_argument("--root", default=".", help="project root holding .gitlab/ (default: .)")
    p.add_argument("--skip-templates", action="store_true", help="check the policies only")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.exits import EXIT_OK
    from ..app.validate import validate
    from ..errors import ConfigError

    fine, problems = validate(
        args.policy_files or [args.policy], Path(args.root), not args.skip_templates
    )
    for line in fine:
        out.write(line + "\n")
    if problems:
        raise ConfigError(problems)
    return EXIT_OK
