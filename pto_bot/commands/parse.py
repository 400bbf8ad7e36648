"""Finding comment commands: ``/pto <verb> ...`` lines (or ``@<bot> <verb> ...``) in the notes of
PTO and fallback requests, and the ones not yet answered.

A command is a line of prose (:func:`..domain.markdown.prose`): not in code (fenced, indented or
inline), quotes (``>``, ``>>>``), HTML (blocks, comments, elements) or a link's text, as GitLab's
quick actions skip them. ``/ptostatus`` (the command word run into a verb) is a near miss, read
like a command so that its reply says what it probably meant; it runs nothing. ``/ptoday`` is no
command at all.

A command is identified by its note and its text: repeated in one comment it is one command,
answered once. Once the bot's reply records it in the ledger it is never run again — not by the
next scheduled run, not by an event job. One reply answers at most :data:`MAX_COMMANDS` commands
of a comment; it records that it left the others out (:func:`left_out_key`), and they never run.

Commands run from a comment as first posted, as GitLab runs quick actions: a comment GitLab shows
changed after it was posted (:data:`EDIT_SLACK`) runs none of the commands not answered yet —
whoever may edit it, a Maintainer editing the manager's old comment included. One reply says so
and asks for a new comment (:func:`edited_key`: once per comment). GitLab also records a reaction
to a comment as a change: a command read only after someone reacted to it is asked for again too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from ..domain.markdown import prose
from ..domain.policy import Policy
from ..domain.snapshot import Issue, Note

if TYPE_CHECKING:  # the webhook job finds a comment's commands without reading a world
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
MAX_COMMANDS = 10  # answered in one reply to one comment
SHOWN_VERB = 50  # characters of a verb kept (a verb nobody knows can be a megabyte long)
#: A comment GitLab shows changed this long after it was posted was edited (or reacted to).
EDIT_SLACK = timedelta(seconds=5)


@dataclass(frozen=True)
class CommandLine:
    text: str  # the line as written, without its indentation
    verb: str  # lower-case; for a near miss, the word run together (``/ptostatus``)
    args: str
    meant: str | None = None  # a near miss: the verb it probably meant


@dataclass(frozen=True)
class Command:
    note: Note
    issue_iid: int  # where it was posted
    request_iid: int | None  # the PTO request it is about
    index: int
    key: str
    verb: str
    args: str
    meant: str | None = None  # a near miss (``/ptostatus``): what it probably meant; runs nothing
    text: str = ""  # the line as written
    edited: tuple[str, ...] = ()  # in a comment changed since posted: its lines, none run


def _command_re(policy: Policy, bot: str) -> re.Pattern[str]:
    word = re.escape(policy.bot.command)
    mention = re.escape("@" + bot)
    verbs = "|".join(VERBS)
    # the word must stand alone, or run into a verb: "/ptoday" or "@pto-bot's" is not a command
    return re.compile(
        rf"[ \t]{{0,3}}+(?:(?P<word>{word})(?P<glued>{verbs})?+|{mention})(?=\s|$)"
        r"(?:\s++(?P<verb>\S++))?+\s*+(?P<args>.*)",
        re.IGNORECASE,
    )


def _lines(body: str, policy: Policy, bot: str) -> Iterator[CommandLine]:
    if not body:
        return
    pattern = _command_re(policy, bot)
    wanted = (policy.bot.command.lower(), f"@{bot}".lower())
    for paragraph in prose(body):
        lowered = paragraph.text.lower()
        if not any(word in lowered for word in wanted):
            continue
        for line in paragraph.lines():
            match = pattern.match(line)
            if match is None:
                continue
            text = line.strip()
            if match["glued"]:
                verb = (match["word"] + match["glued"]).lower()
                after = line[match.end("glued") :].strip()
                yield CommandLine(text, verb, after, match["glued"].lower())
            else:
                yield CommandLine(text, (match["verb"] or "help").lower(), match["args"].strip())


def command_lines(body: str, policy: Policy, bot: str) -> list[CommandLine]:
    """Each command line of ``body`` (near misses too), in order; ``bot`` is the bot's username
    (``@bot verb`` works too)."""
    return list(_lines(body, policy, bot))


def addressed(body: str) -> bool:
    """Whether a line of ``body``'s prose is ``@<someone> <verb>``: perhaps a command to the bot,
    when its username is not known yet."""
    pattern = re.compile(rf"[ \t]{{0,3}}+@[\w.\-]++\s++(?:{'|'.join(VERBS)})\b", re.IGNORECASE)
    return "@" in body and any(
        pattern.match(line)
        for paragraph in prose(body)
        if "@" in paragraph.text
        for line in paragraph.lines()
    )


def _key(note_id: int, verb: str, args: str, occurrence: int) -> str:
    # ``occurrence`` is 0: replies of earlier versions counted each repetition of a command
    raw = f"{note_id}\n{verb}\n{' '.join(args.split())}\n{occurrence}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def left_out_key(note_id: int) -> str:
    """The ledger key a reply records when it left commands of note ``note_id`` out: none of
    that note's commands runs after that."""
    return hashlib.sha256(f"{note_id}\nleft out".encode()).hexdigest()[:16]


def edited_key(note_id: int) -> str:
    """The ledger key of the reply to a comment changed after it was posted: none of its
    commands runs, and it is answered once."""
    return hashlib.sha256(f"{note_id}\nedited".encode()).hexdigest()[:16]


def new_commands(world: World) -> list[Command]:
    """Commands not yet answered, oldest first: per note each command once, and at most one
    more than a reply answers."""
    done = {e.key for e in world.ledger}
    known = {r.iid for r in world.requests}
    issues: list[tuple[Issue, int | None]] = [(r.issue, r.iid) for r in world.requests]
    # a closed fallback request still takes commands (a withdrawal reopens it); commands on a
    # closed PTO request are answered too (that it is closed)
    issues += [(fb.issue, fb.request) for fb in world.fallbacks.values() if fb.request in known]
    issues += [(c.issue, c.request) for c in world.coverage_issues.values() if c.request in known]
    found = []
    for issue, request_iid in issues:
        for note in issue.notes:
            if note.system or world.me.is_me(note.author) or left_out_key(note.id) in done:
                continue
            if edited_key(note.id) in done:
                continue
            new = _new_in(note, issue.iid, request_iid, world, done)
            if new and note.updated_at - note.created_at > EDIT_SLACK:
                lines = tuple(c.text for c in new)
                new = [replace(new[0], key=edited_key(note.id), meant=None, edited=lines)]
            found += new
    found.sort(key=lambda c: (c.note.created_at, c.note.id, c.index))
    return found


def _new_in(
    note: Note, iid: int, request_iid: int | None, world: World, done: set[str]
) -> list[Command]:
    found: list[Command] = []
    seen: set[str] = set()
    for index, line in enumerate(_lines(note.body, world.policy, world.bot)):
        key = _key(note.id, line.verb, line.args, 0)
        if key in seen or key in done:
            seen.add(key)
            continue
        seen.add(key)
        verb = line.verb[:SHOWN_VERB]
        found.append(
            Command(note, iid, request_iid, index, key, verb, line.args, line.meant, line.text)
        )
        if len(found) > MAX_COMMANDS:
            break
    return found
