"""Planning what the team's time-off calendar calls for (:mod:`..rules.time_off`): a PTO request
opened for each absence nobody requested (the engineer assigned before it starts, nobody once it
has started), and a note, once per difference, on each request the calendar contradicts."""

from __future__ import annotations

from collections.abc import Sequence

from ..domain.markers import with_marker
from ..domain.time_off import TimeOff
from ..domain.topics import Topic
from ..domain.usernames import user_key
from ..render import time_off_wording as wording
from ..rules import going_live
from ..rules import time_off as rule
from .actions import Action, CreateIssue
from .context import Context
from .notes import announce


def calendar_actions(ctx: Context, absences: Sequence[TimeOff]) -> list[Action]:
    """The requests to open and the flags to post, from the calendar's ``absences``."""
    world, evaluation, today = ctx.world, ctx.evaluation, ctx.today
    actions: list[Action] = []
    whole = {(user_key(s.engineer), s.event): s for ss in rule.spans(absences).values() for s in ss}
    for part in rule.openings(world, evaluation, absences, today):
        started = part.first <= today
        text = wording.request_description(
            part, whole[(user_key(part.engineer), part.event)], started
        )
        marker = {"eng": part.engineer, "event": part.event, "first": str(part.first)}
        actions.append(
            CreateIssue(
                key=f"calendar:{part.engineer}:{part.first}",
                title=wording.title(part),
                description=with_marker(text, Topic.FROM_CALENDAR, **marker),
                labels=(ctx.policy.labels.request,),
                link_to=None,
                why="the time-off calendar shows an absence no PTO request covers",
                assignees=() if started else (part.engineer,),
            )
        )
    for found in rule.mismatches(world, evaluation, absences, today):
        r = found.ev.request
        if going_live.is_history(found.ev.filed, ctx.policy):
            continue
        out = evaluation.absence(r.engineer, [today]) is not None
        body = wording.flag_note(found, ctx.policy, out)
        actions += announce(
            ctx.notes(found.ev.iid),
            found.ev.iid,
            Topic.CALENDAR,
            body,
            "the time-off calendar disagrees",
            key=found.key,
        )
    return actions
