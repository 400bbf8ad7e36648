"""Replies to comment commands: one note per commented note, recording the commands it answers in
its marker (the ledger), so a command is read once.

A reply is bounded, whatever the comment holds: at most :data:`~..commands.parse.MAX_COMMANDS`
commands and :data:`MAX_REPLY` characters, marker included (GitLab refuses a note over 1,000,000
characters, and a refused reply would be tried again on every run). The first command that does
not fit is not run; the reply says that it and the commands after it were left out and why, and
its marker records that (:func:`~..commands.parse.left_out_key`): they never run. A single
answer too long for a reply alone (the status of a very large request) is shortened instead.

A command in an internal note is answered with an internal note: what it says stays among those
who could read it. A command on an issue of an engineer who is out (their PTO request, its
fallback request) is answered on the request's coverage issue, so that the answer reaches the one
who asked and not them (:mod:`.quiet`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from ..commands.parse import MAX_COMMANDS, Command, left_out_key
from ..commands.verbs import Outcome
from ..domain.ledger import LedgerEntry
from ..domain.markers import marker
from ..domain.topics import Topic, reply_topic
from ..domain.usernames import user_key
from ..render.engine import Trusted, render
from ..render.text import code
from .actions import Action, PostNote
from .context import Context
from .quiet import away_today, owners, recipients

MAX_REPLY = 10_000  # characters of one reply, its marker included
Why = Literal["count", "size"]
_SHORTENED = "\n\n… (shortened: a reply holds at most {limit:,} characters)"


SHOWN_LINE = 80  # characters of the first command left out, named in the reply


@dataclass(frozen=True)
class _LeftOut:
    line: Trusted  # the first command left out, as an inline code span
    index: int
    why: Why

    @classmethod
    def of(cls, command: Command, why: Why) -> _LeftOut:
        return cls(Trusted(code(command.text or command.verb, SHOWN_LINE)), command.index, why)


#: The longest "left out" a reply can end with: it is reserved while commands are added.
_WORST = _LeftOut(Trusted(code("`" * SHOWN_LINE, SHOWN_LINE)), 10**9, "size")


@dataclass
class _Reply:
    """The reply to one comment, as the planner answers its commands."""

    issue_iid: int
    note_id: int
    author: str
    request: int | None
    internal: bool
    answered: list[tuple[Command, Outcome]] = field(default_factory=list)
    left_out: _LeftOut | None = None

    def body(
        self,
        answered: list[tuple[Command, Outcome]],
        left_out: _LeftOut | None,
        elsewhere: str | None = None,
    ) -> str:
        """``elsewhere``: the issue the comment is on, when the reply is not."""
        text = render(
            "reply.md.j2",
            author=self.author,
            elsewhere=Trusted(elsewhere) if elsewhere else None,
            outcomes=[
                {"ok": o.entry.ok, "verb": o.entry.verb, "message": Trusted(o.message)}
                for _, o in answered
            ],
            left_out=None
            if left_out is None
            else {"line": left_out.line, "why": left_out.why, "most": MAX_COMMANDS},
            limit=Trusted(f"{MAX_REPLY:,}"),
        )
        entries = [o.entry.to_json() for _, o in answered]
        if left_out is not None:
            entries.append(self._left_out_entry(left_out).to_json())
        return f"{text.rstrip()}\n\n{marker(Topic.REPLY, note=self.note_id, cmds=entries)}\n"

    def _left_out_entry(self, left_out: _LeftOut) -> LedgerEntry:
        key = left_out_key(self.note_id)
        return LedgerEntry(self.note_id, left_out.index, key, "", False, self.author, self.request)

    def fits(self, answered: list[tuple[Command, Outcome]]) -> bool:
        return len(self.body(answered, _WORST)) <= MAX_REPLY


class Replies:
    """The replies of one run: the planner asks whether a command may run (:meth:`admits`), runs
    it, and adds its outcome (:meth:`add`), which is kept only if it fits."""

    def __init__(self) -> None:
        self._replies: dict[tuple[int, int], _Reply] = {}

    def _reply(self, command: Command) -> _Reply:
        where = (command.issue_iid, command.note.id)
        if where not in self._replies:
            note = command.note
            self._replies[where] = _Reply(
                command.issue_iid, note.id, note.author, command.request_iid, note.internal
            )
        return self._replies[where]

    def admits(self, command: Command) -> bool:
        """Whether ``command`` may run: its comment's reply has room for one more answer."""
        reply = self._reply(command)
        if reply.left_out is None and len(reply.answered) >= MAX_COMMANDS:
            reply.left_out = _LeftOut.of(command, "count")
        return reply.left_out is None

    def add(self, command: Command, outcome: Outcome) -> bool:
        """Keep ``outcome`` if its answer fits in the reply (shortened when it is the first and
        too long alone); else ``command`` and the rest of its comment are left out (False)."""
        reply = self._reply(command)
        candidate = [*reply.answered, (command, outcome)]
        if not reply.fits(candidate) and not reply.answered:
            candidate = [(command, _shortened(reply, command, outcome))]
        if not reply.fits(candidate):
            reply.left_out = _LeftOut.of(command, "size")
            return False
        reply.answered = candidate
        return True

    def actions(self, ctx: Context | None = None) -> list[Action]:
        """One note per comment answered; with ``ctx``, where it reaches nobody who is out."""
        actions: list[Action] = []
        for reply in self._replies.values():
            if not reply.answered and reply.left_out is None:
                continue
            body = reply.body(reply.answered, reply.left_out)
            verbs = ", ".join(o.entry.verb for _, o in reply.answered) or "nothing"
            why = f"answer {verbs}" + (" (some left out)" if reply.left_out else "")
            topic = reply_topic(reply.note_id)
            note = PostNote(reply.issue_iid, topic, body, why, internal=reply.internal)
            actions.append(_quietly(ctx, note, reply) if ctx is not None else note)
        return actions


def _quietly(ctx: Context, note: PostNote, reply: _Reply) -> PostNote:
    """The reply where it reaches nobody who is out (but the one who asked): where the command
    was, else the request's coverage issue."""
    away = set(away_today(ctx)) - {user_key(reply.author)}
    reached = owners(ctx.world, note.iid) & away & recipients(ctx.world, note)
    ci = ctx.world.coverage_issues.get(reply.request or 0)
    if not reached or ci is None or ci.iid == note.iid:
        return note  # (held by quiet when it would reach them)
    body = reply.body(reply.answered, reply.left_out, f"#{reply.issue_iid}")
    return replace(note, iid=ci.iid, body=body)


def _shortened(reply: _Reply, command: Command, outcome: Outcome) -> Outcome:
    """``outcome`` with as many whole lines of its answer as fit in a reply of its own."""
    bare = reply.body([(command, replace(outcome, message=""))], _WORST)
    suffix = _SHORTENED.format(limit=MAX_REPLY)
    room = max(0, MAX_REPLY - len(bare) - len(suffix))
    message = outcome.message
    cut = message.rfind("\n", 0, room + 1)
    if cut <= 0:
        cut = max(message.rfind(" ", 0, room + 1), 0) or room
    return replace(outcome, message=message[:cut].rstrip() + suffix)
