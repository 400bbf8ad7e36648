"""Rule 9 of SPEC, quiet while out: from an engineer's first day off to their last, nothing the
bot writes reaches them.

The planner puts what the backups need during an absence on its coverage issue, and writes the
engineer's own notes before the absence and on their first day back. This is the last word on
every write of a plan, as GitLab would deliver it (:mod:`~..domain.participants`):

- a live mention of anyone away today is written plainly (``name``: it notifies nobody), and
  nobody away is assigned an issue (the coverage issue assigns them once they are back);
- a write that GitLab would deliver to an engineer away today on an issue of theirs (their PTO
  request, its coverage issue and fallback request, the playbooks they own) is held until they
  are back: it is planned again on each run and written then;
- the one exception is the out-of-office answer in a thread where someone else has just
  mentioned them: GitLab told them there already.

Pure: who is away comes from the plan's absences.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ..domain.away import Absence
from ..domain.bot_notes import BotNote
from ..domain.markers import read_marker
from ..domain.mentions import added_mentions, mentions
from ..domain.participants import participants
from ..domain.snapshot import Issue
from ..domain.topics import Topic
from ..domain.usernames import user_key
from ..domain.world import World
from ..render.text import unmention_only
from .actions import (
    Action,
    CreateIssue,
    EditIssue,
    EditNote,
    PostNote,
    Reply,
    SetAssignees,
    SetState,
)
from .context import Context


@dataclass(frozen=True)
class Held:
    """A write left until the engineer it would reach is back."""

    action: Action
    why: str


def away_today(ctx: Context) -> dict[str, Absence]:
    """User key -> the absence that has them away today."""
    found: dict[str, Absence] = {}
    for absence in ctx.away.absences if ctx.away else ():
        if absence.away_on(ctx.today):
            found.setdefault(user_key(absence.engineer), absence)
    return found


def is_away(ctx: Context, user: str) -> bool:
    return user_key(user) in away_today(ctx)


def owners(world: World, iid: int) -> frozenset[str]:
    """Whose issue ``iid`` is, for quiet: the engineer of a PTO request, of the request a
    fallback request or a coverage issue is for, the owner of a playbook."""
    request = world.request(iid)
    for req, issue in [
        *((r, fb.issue.iid) for r, fb in world.fallbacks.items()),
        *((r, ci.iid) for r, ci in world.coverage_issues.items()),
    ]:
        if issue == iid:
            request = world.request(req)
    found = set()
    if request is not None and request.form is not None:
        found.add(user_key(request.form.engineer))
    account = next((a for a in world.accounts if a.iid == iid), None)
    if account is not None and account.owner is not None:
        found.add(user_key(account.owner))
    return frozenset(found)


def _issue(world: World, iid: int) -> Issue | None:
    return world.issues.get(iid)


def recipients(world: World, action: Action) -> frozenset[str]:
    """Who GitLab would tell of ``action`` (lower-case usernames): for a comment, the issue's
    participants and whoever it mentions; for a new issue, its assignees and whoever it
    mentions; for closing and reassigning, the participants (and the assignees); for an edit,
    whoever it newly mentions."""
    if isinstance(action, CreateIssue):
        return frozenset(user_key(a) for a in action.assignees) | mentions(action.description)
    if isinstance(action, PostNote | Reply | SetState | SetAssignees):
        elsewhere = isinstance(action, Reply) and action.place
        opening = isinstance(action, PostNote) and action.new is not None
        issue = None if elsewhere or opening else _issue(world, action.iid)
        found = set(participants(issue)) if issue is not None else set()
        if isinstance(action, PostNote | Reply):
            found |= mentions(action.body)
        if isinstance(action, SetAssignees):
            found |= {user_key(a) for a in action.assignees}
        return frozenset(found)
    if isinstance(action, EditNote):
        issue = _issue(world, action.iid)
        old = next((n.body for n in issue.notes if n.id == action.note_id), "") if issue else ""
        return added_mentions(old, action.body)
    if isinstance(action, EditIssue):
        issue = _issue(world, action.iid)
        return added_mentions(issue.description if issue else "", action.description)
    return frozenset()


def _plainly(action: Action, away: frozenset[str]) -> Action:
    """``action`` with every live mention of someone away written plainly."""
    if isinstance(action, PostNote | EditNote | Reply):
        return replace(action, body=unmention_only(action.body, away))
    if isinstance(action, CreateIssue | EditIssue):
        return replace(action, description=unmention_only(action.description, away))
    return action


def _asker(world: World, action: Action) -> frozenset[str]:
    """Who asked what a reply to a command answers: they are told, out or not."""
    if not isinstance(action, PostNote) or not action.topic.startswith(f"{Topic.REPLY}:"):
        return frozenset()
    note_id = action.topic.split(":", 1)[1]
    for issue in world.issues.values():
        for note in issue.notes:
            if str(note.id) == note_id:
                return frozenset({user_key(note.author)})
    return frozenset()


def hush(ctx: Context, actions: Iterable[Action]) -> tuple[list[Action], list[Held]]:
    """The writes of a plan as they may go out today, and those held until someone is back."""
    absent = away_today(ctx)
    away = frozenset(absent)
    if not away:
        return list(actions), []
    kept: list[Action] = []
    held: list[Held] = []
    for action in actions:
        if isinstance(action, Reply) and action.topic == Topic.AWAY:
            kept.append(action)  # GitLab told them in that thread already
            continue
        action = _plainly(action, away)
        where = None if isinstance(action, CreateIssue | Reply) else getattr(action, "iid", None)
        mine = owners(ctx.world, where) & away if where is not None else frozenset()
        reached = (
            sorted((mine & recipients(ctx.world, action)) - _asker(ctx.world, action))
            if mine  # (who GitLab would tell is worked out only when it matters)
            else []
        )
        if not reached:
            kept.append(action)
            continue
        moved = _to_coverage_issue(ctx.world, action, mine)
        if moved is not None:  # a note for others: told on the coverage issue instead, once
            kept += [moved] if moved is not action else []
            continue
        who = ", ".join(f"{absent[u].engineer} (out until {absent[u].end})" for u in reached)
        held.append(Held(action, f"it would reach {who}"))
    return kept, held


def told_there(notes: Iterable[BotNote], note: PostNote) -> bool:
    """A note of ``note``'s topic and key is among ``notes`` already."""
    key = (read_marker(note.body) or {}).get("k")
    return any(n.topic == note.topic and n.data.get("k") == key for n in notes)


def _to_coverage_issue(world: World, action: Action, away: frozenset[str]) -> Action | None:
    """A note on an engineer's fallback request (an escalation, a thank-you) that would reach
    them, moved to their coverage issue when it reaches nobody away there; ``action`` itself
    when it is there already; None when it cannot move."""
    if not isinstance(action, PostNote) or action.new is not None:
        return None
    request = next((r for r, fb in world.fallbacks.items() if fb.issue.iid == action.iid), None)
    ci = world.coverage_issues.get(request) if request is not None else None
    if ci is None or not ci.issue.is_open:
        return None
    if told_there(world.bot_notes(ci.iid), action):
        return action
    moved = replace(action, iid=ci.iid)
    return None if away & recipients(world, moved) else moved
