"""Replies to comment commands: one note per commented note, recording the commands it answers
in its marker (the ledger), so a command is read once. A command in an internal note is answered
with an internal note: what it says stays among those who could read it."""

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
    internal: set[int] = set()
    for command, outcome in answered:
        grouped.setdefault((command.issue_iid, command.note.id), []).append((command, outcome))
        if command.note.internal:
            internal.add(command.note.id)
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
        topic, private = reply_topic(note_id), note_id in internal
        actions.append(PostNote(issue_iid, topic, full, f"answer {verbs}", internal=private))
    return actions
