"""The webhook job: one Issue Hook or Note Hook payload in; an irrelevant event exits at once,
from the payload alone, without an API request; a relevant one runs a reconcile that writes only
the issues the event can change."""

from __future__ import annotations

from collections.abc import Mapping

from ..adapters.webhook import Event, Ignored, parse_event
from ..commands.parse import command_lines
from ..domain.policy import Policy


def triage(raw: bytes, policy: Policy, env: Mapping[str, str]) -> Event | Ignored:
    """The event to act on, or why it is ignored."""
    project = env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID")
    event = parse_event(
        raw,
        project_id=int(project) if project and project.isdigit() else None,
        project_path=project if project and not project.isdigit() else None,
        bot_username=policy.bot.username,
    )
    if isinstance(event, Ignored):
        return event
    ours = {policy.labels.request, policy.labels.playbook, policy.labels.fallback}
    if not ours & set(event.labels):
        return Ignored(reason=f"#{event.iid} carries none of the labels {', '.join(sorted(ours))}")
    if event.kind == "note" and not command_lines(
        event.note_body or "", policy, policy.bot.username
    ):
        return Ignored(reason=f"the comment on #{event.iid} has no {policy.bot.command} command")
    return event
