"""``pto-bot init``: scaffold a team project (policy, schema, issue templates, CI include)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "init",
        help="write policy.yaml, the issue templates and .gitlab-ci.yml for a team project",
        description="Write policy.yaml (commented; go_live is today), policy.schema.json, "
        ".gitlab/issue_templates/{PTO request,Account playbook}.md and a .gitlab-ci.yml that "
        "includes pto_bot's CI/CD component, in a first dry-run week; a .gitlab-ci.yml that "
        "exists gets the include added (and the component's stage, when it lists stages), its "
        "jobs and comments kept. Asks for what is missing when standard input is a terminal. "
        "Never overwrites a file without --force; writes all the files or none (exit 2).",
    )
    p.add_argument("--dir", default=".", help="the project folder (default: %(default)s)")
    p.add_argument("--manager", metavar="USER", help="the manager's GitLab username")
    p.add_argument(
        "--pod",
        action="append",
        default=[],
        metavar="NAME=user,user,...",
        help="a pod and its members (repeat for each pod; pairs with --process buddy)",
    )
    p.add_argument(
        "--engineers",
        action="append",
        default=[],
        metavar="user,user,...",
        help="engineers in no pod (with --process classic: the whole roster)",
    )
    p.add_argument(
        "--process",
        choices=("pods", "classic", "buddy"),
        help="pods: the pod covers (default); classic: backups hand-picked in each request; "
        "buddy: pairs that cover each other's accounts",
    )
    p.add_argument("--team", default="Support team", help="team name (default: %(default)s)")
    p.add_argument(
        "--channel", default="#support-team", help="team chat channel (default: %(default)s)"
    )
    p.add_argument(
        "--timezone", default="America/New_York", help="IANA time zone (default: %(default)s)"
    )
    p.add_argument(
        "--country",
        default="US",
        metavar="CODE",
        help="public holidays of every engineer, to edit per engineer (default: %(default)s)",
    )
    p.add_argument(
        "--runners",
        choices=("own", "gitlab.com", "gitlab.com-free"),
        help="where the jobs run, which decides the set-up: own (a runner of the team's own, "
        "or a self-managed GitLab's) and gitlab.com (Premium or Ultimate): every webhook event "
        "and an hourly schedule; gitlab.com-free (400 compute minutes a month): an hourly "
        "schedule in office hours, no webhook (default: own; asked at a terminal)",
    )
    p.add_argument(
        "--bot",
        metavar="USER",
        help="the bot's username (its token's user), when it exists already: bot.username in "
        "policy.yaml and the component's input bot",
    )
    p.add_argument("--force", action="store_true", help="overwrite files that exist")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from ..app.exits import EXIT_OK
    from ..app.init import Answers, scaffold, write_scaffold
    from ..app.setups import next_steps
    from ..errors import ConfigError

    def ask(question: str) -> str:
        """The answer typed; end of input (Ctrl-D) or Ctrl-C end init here, writing nothing."""
        out.write(question)
        out.flush()
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            line = None
        if not line:
            out.write("\n")
            why = "end of input" if line == "" else "interrupted"
            raise ConfigError([f"init: {why} at {question!r}; nothing was written"])
        return line

    answers = Answers(
        manager=args.manager,
        pods=args.pod,
        engineers=args.engineers,
        process=args.process,
        team=args.team,
        channel=args.channel,
        timezone=args.timezone,
        country=args.country,
        runners=args.runners,
        bot=args.bot,
    )
    made = scaffold(answers, date.today(), ask if sys.stdin.isatty() else None)
    for line in write_scaffold(made, Path(args.dir), args.force):
        out.write(line + "\n")
    out.write(
        "\nNext: fill in names, countries and the channel in policy.yaml, run `pto-bot validate`, "
        "commit, then `pto-bot doctor --fix` (README: Go live in fifteen minutes).\n"
    )
    out.write(next_steps(made.setup, routed=made.routed))
    return EXIT_OK
