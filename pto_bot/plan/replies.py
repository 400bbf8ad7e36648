"""Replies to comment commands: one note per commented note, recording the commands it answers
in its marker (the ledger), so a command is read once."""

from __future__ import annotations

from collections.abc import Iterable

from ..commands.parse import Command
from ..commands.verbs import Outcome
from ..domain.markers import marker
from ..domain.topics import Topic, reply_topic
from ..render.engine import Trusted, render
from .actions import Action, PostNote


def reply_actions(answered: Iterable[tuple[Command, Outcome]]) -> list[Action]:
    grouped: dict[tuple[int, int], list[tuple[Command, Outcome]]] = {}
    for command, outcome in answered:
        grouped.setdefault((command.issue_iid, command.note.id), []).append((command, outcome))
    actions: list[Action] = []
    for (issue_iid, note_id), items in grouped.items():
        body = render(
            "reply.md.j2",
            author=items[0][0].note.author,
            outcomes=[
                {"ok": o.entry.ok, "verb": o.entry.verb, "message": Trusted(o.message)}
                for _, o in items
            ],
        )
        entries = [o.entry.to_json() for _, o in items]
        full = f"{body.rstrip()}\n\n{marker(Topic.REPLY, note=note_id, cmds=entries)}\n"
        verbs = ", ".join(o.entry.verb for _, o in items)
        actions.append(PostNote(issue_iid, reply_topic(note_id), full, f"answer {verbs}"))
    return actions
