"""Replies to comment commands: one note per commented note, recording the commands it answers
in its marker (the ledger), so a command is read once. A command on an issue of an engineer who
is out (their PTO request, its fallback request) is answered on the request's coverage issue, so
that the answer reaches the one who asked and not them (:mod:`.quiet`)."""

from __future__ import annotations

from collections.abc import Iterable

from ..commands.parse import Command
from ..commands.verbs import Outcome
from ..domain.markers import marker
from ..domain.topics import Topic, reply_topic
from ..domain.usernames import user_key
from ..render.engine import Trusted, render
from .actions import Action, PostNote
from .context import Context
from .quiet import away_today, owners, recipients


def reply_actions(
    answered: Iterable[tuple[Command, Outcome]], ctx: Context | None = None
) -> list[Action]:
    grouped: dict[tuple[int, int], list[tuple[Command, Outcome]]] = {}
    for command, outcome in answered:
        grouped.setdefault((command.issue_iid, command.note.id), []).append((command, outcome))
    actions: list[Action] = []
    for (issue_iid, note_id), items in grouped.items():
        verbs = ", ".join(o.entry.verb for _, o in items)
        reply = PostNote(issue_iid, reply_topic(note_id), _body(items), f"answer {verbs}")
        actions.append(_quietly(ctx, reply, items) if ctx is not None else reply)
    return actions


def _body(items: list[tuple[Command, Outcome]], elsewhere: str | None = None) -> str:
    command = items[0][0]
    body = render(
        "reply.md.j2",
        author=command.note.author,
        outcomes=[
            {"ok": o.entry.ok, "verb": o.entry.verb, "message": Trusted(o.message)}
            for _, o in items
        ],
        elsewhere=Trusted(elsewhere) if elsewhere else None,
    )
    entries = [o.entry.to_json() for _, o in items]
    return f"{body.rstrip()}\n\n{marker(Topic.REPLY, note=command.note.id, cmds=entries)}\n"


def _quietly(ctx: Context, reply: PostNote, items: list[tuple[Command, Outcome]]) -> PostNote:
    """The reply where it reaches nobody who is out (but the one who asked): where the command
    was, else the request's coverage issue."""
    command = items[0][0]
    away = set(away_today(ctx)) - {user_key(command.note.author)}
    reached = owners(ctx.world, reply.iid) & away & recipients(ctx.world, reply)
    ci = ctx.world.coverage_issues.get(command.request_iid or 0)
    if not reached or ci is None or ci.iid == reply.iid:
        return reply  # (held by quiet when it would reach them)
    body = _body(items, f"#{command.issue_iid}")
    return PostNote(ci.iid, reply.topic, body, reply.why)
