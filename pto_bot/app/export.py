"""``pto-bot export``: the team project written to a file in the offline shape, so that a team can
try a policy change on its own history (``reconcile --offline FILE --dry-run --policy new.yaml``)
before it reaches GitLab.

The file holds what a scheduled run reads (:func:`~.read.query`: the open issues of the
policy's labels, and the closed requests and fallback requests of the history the rules look
at), read whole, without the bot's memory: a replay plans on it what a run on GitLab would.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..adapters.offline import OfflineTracker
from ..adapters.offline_file import shaped
from ..domain.policy import OFFLINE_BOT, Policy
from ..domain.policy_file import load_policy
from ..errors import ConfigError
from .exits import EXIT_OK, EXIT_PARTIAL
from .options import parse_now
from .read import query


@dataclass(frozen=True)
class Export:
    """What an export wrote, and what a person should know about it."""

    lines: tuple[str, ...]
    exit_code: int


def check_export_file(option: str, path: Path) -> None:
    """``path`` can take the export: not a folder, below a folder, and not a file of another
    kind (an earlier export is replaced; a policy named by mistake is not)."""
    if path.is_dir():
        raise ConfigError([f"{option} {path} is a folder; give a file name, e.g. project.json"])
    for above in path.parents:
        if above.exists():
            if not above.is_dir():
                raise ConfigError([f"{option} {path}: {above} is a file, not a folder"])
            break
    if path.exists():
        try:
            shaped(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (ValueError, UnicodeDecodeError, ConfigError):
            raise ConfigError(
                [
                    f"{option} {path} exists and is not a project export; nothing was written "
                    "(give a new file name, or delete it first)"
                ]
            ) from None


def run_export(
    policy_path: str | Path, now_text: str | None, out: Path, env: Mapping[str, str]
) -> Export:
    """Read the project named by ``env`` as a run would and write it to ``out``."""
    policy = load_policy(policy_path)
    now = parse_now(now_text)
    check_export_file("--out", out)
    from ..adapters.gitlab.export import ProjectExport  # python-gitlab is loaded only here

    labels = policy.labels
    wanted = query(policy, now)
    exported = ProjectExport.from_env(env, policy.gitlab.url).read(
        list(wanted.labels),
        wanted.closed,
        wanted.since,
        board=labels.dashboard,
        linked=(labels.fallback, labels.coverage_issue),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    OfflineTracker(out, OFFLINE_BOT, clock=lambda: now, data=exported.data).save()
    data = exported.data
    closed = sum(1 for raw in data["issues"] if raw.get("state") == "closed")
    lines = [
        f"{out}: {len(data['issues'])} issues of {data['project']['path_with_namespace']} "
        f"({len(data['issues']) - closed} open, {closed} closed since {wanted.since:%Y-%m-%d}), "
        f"with their notes ({exported.notes}) and links ({len(data['links'])}); "
        f"{exported.requests} requests to GitLab",
        *_replay(policy, policy_path, out, data),
        *(f"warning: {line}" for line in exported.left_out),
    ]
    return Export(tuple(lines), EXIT_PARTIAL if exported.left_out else EXIT_OK)


def _replay(policy: Policy, policy_path: str | Path, out: Path, data: dict[str, Any]) -> list[str]:
    """How to try a policy change on the file, and who the replay must take for the bot."""
    lines = [
        "Try a policy change on it (nothing is written with --dry-run): "
        f"pto-bot reconcile --offline {out} --dry-run --policy new-policy.yaml"
    ]
    if policy.bot.username is None:
        bots = {_author(raw) for raw in data["issues"] if policy.labels.dashboard in raw["labels"]}
        bot = next(iter(sorted(b for b in bots if b)), None)
        if bot == OFFLINE_BOT:
            return lines  # the replay's bot already
        who = (
            f"`bot.username: {bot}` (the author of the dashboard issue)"
            if bot
            else "`bot.username:` the bot's user (`pto-bot doctor` prints it)"
        )
        lines.append(
            f"{policy_path} does not name the bot: put {who} in the policy you try, or the bot's "
            f"notes in the file read as someone else's (without it the replay's bot is "
            f"{OFFLINE_BOT!r})"
        )
    return lines


def _author(raw: dict[str, Any]) -> str | None:
    author = raw.get("author")
    name = author.get("username") if isinstance(author, dict) else author
    return name if isinstance(name, str) else None
