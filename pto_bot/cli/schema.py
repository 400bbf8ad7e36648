"""``pto-bot schema``: print the JSON Schema of policy.yaml."""

from __future__ import annotations

import argparse
from typing import TextIO

from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of policy.yaml")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.validate import policy_schema

    out.write(policy_schema())
    return 0
