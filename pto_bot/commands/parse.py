"""Finding comment commands: ``/pto <verb> ...`` lines (or ``@<bot> <verb> ...``) in the notes
of PTO and fallback requests, skipping code blocks and quotes, and the ones not yet answered.

A command is identified by its note, its text and its occurrence; once the bot's reply records it
in the ledger it is never run again — not by the next scheduled run, not by an event job, and not
when the comment is edited (only lines that were not there before run then).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from ..domain.policy import Policy
from ..domain.snapshot import Issue, Note
from ..domain.usernames import same_user
from ..domain.world import World

VERBS = (
    "help",
    "status",
    "volunteer",
    "withdraw",
    "accept",
    "decline",
    "approve",
    "deny",
    "assign",
)
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True)
class Command:
    note: Note
    issue_iid: int  # where it was posted
    request_iid: int | None  # the PTO request it is about
    index: int
    key: str
    verb: str
    args: str


def _command_re(policy: Policy, bot: str) -> re.Pattern[str]:
    word = re.escape(policy.bot.command)
    mention = re.escape("@" + bot)
    # the word must stand alone: "/ptoday" or "@pto-bot's" is not a command
    return re.compile(
        rf"^\s{{0,3}}(?:{word}|{mention})(?=\s|$)(?:\s+(\S+))?[ \t]*(.*)$", re.IGNORECASE
    )


def command_lines(body: str, policy: Policy, bot: str) -> list[tuple[str, str]]:
    """(verb, args) for each command line, skipping code blocks and quotes; ``bot`` is the bot's
    username (``@bot verb`` works too)."""
    pattern = _command_re(policy, bot)
    found, in_fence = [], False
    for line in (body or "").replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or line.lstrip().startswith(">"):
            continue
        match = pattern.match(line)
        if match:
            found.append(((match.group(1) or "help").lower(), match.group(2).strip()))
    return found


def _key(note_id: int, verb: str, args: str, occurrence: int) -> str:
    raw = f"{note_id}\n{verb}\n{' '.join(args.split())}\n{occurrence}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def new_commands(world: World) -> list[Command]:
    """Commands not yet answered, oldest first."""
    done = {e.key for e in world.ledger}
    policy = world.policy
    known = {r.iid for r in world.requests}
    issues: list[tuple[Issue, int | None]] = [(r.issue, r.iid) for r in world.requests]
    # a closed fallback request still takes commands (a withdrawal reopens it); commands on a
    # closed PTO request are answered too (that it is closed)
    issues += [(fb.issue, fb.request) for fb in world.fallbacks.values() if fb.request in known]
    issues += [(c.issue, c.request) for c in world.coverage_issues.values() if c.request in known]
    found = []
    for issue, request_iid in issues:
        for note in issue.notes:
            if note.system or same_user(note.author, world.bot):
                continue
            seen: dict[tuple[str, str], int] = {}
            for index, (verb, args) in enumerate(command_lines(note.body, policy, world.bot)):
                occurrence = seen.get((verb, args), 0)
                seen[(verb, args)] = occurrence + 1
                key = _key(note.id, verb, args, occurrence)
                if key not in done:
                    found.append(Command(note, issue.iid, request_iid, index, key, verb, args))
    found.sort(key=lambda c: (c.note.created_at, c.note.id, c.index))
    return found
