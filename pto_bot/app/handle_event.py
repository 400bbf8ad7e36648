"""The webhook job: one Issue Hook or Note Hook payload in; an irrelevant event exits at once,
from the payload alone, without an API request; a relevant one runs a reconcile that writes only
the issues the event can change.

Without ``bot.username`` in the policy the payload cannot say every time whether the bot caused
the event: its comments carry its hidden marker, but its label changes and issue edits do not,
and a comment ``@<bot> <verb>`` names a user the job does not know yet. Those events cost one
request (``GET /user``, which every GitLab run makes) before they are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..adapters.webhook import Event, Ignored, parse_event
from ..commands.parse import VERBS, command_lines
from ..domain.policy import Policy
from ..domain.policy_file import load_policy

if TYPE_CHECKING:  # the planner and the adapters are loaded only for an event that matters
    from .options import ReadOptions
    from .reconcile import Run

#: A line that may be a command addressed to the bot by mention, when its username is unknown.
_MENTION_COMMAND = re.compile(rf"^\s{{0,3}}@[\w.\-]+\s+(?:{'|'.join(VERBS)})\b", re.I | re.M)


def triage(raw: bytes, policy: Policy, env: Mapping[str, str]) -> Event | Ignored:
    """The event to act on, or why it is ignored, from the payload alone."""
    project = env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID")
    bot = policy.bot.username
    event = parse_event(
        raw,
        project_id=int(project) if project and project.isdigit() else None,
        project_path=project if project and not project.isdigit() else None,
        bot_username=bot,
    )
    if isinstance(event, Ignored):
        return event
    ours = {policy.labels.request, policy.labels.playbook, policy.labels.fallback}
    if not ours & set(event.labels):
        return Ignored(reason=f"#{event.iid} carries none of the labels {', '.join(sorted(ours))}")
    body = event.note_body or ""
    if event.kind == "note" and bot is None and _MENTION_COMMAND.search(body):
        return event  # perhaps `@<bot> <verb>`: told once the bot's username is known
    return _without_command(event, policy, bot) or event


def _without_command(event: Event, policy: Policy, bot: str | None) -> Ignored | None:
    # an unknown bot matches no mention: no line of a comment contains a line break
    mention = bot if bot is not None else "\n"
    if event.kind == "note" and not command_lines(event.note_body or "", policy, mention):
        return Ignored(reason=f"the comment on #{event.iid} has no {policy.bot.command} command")
    return None


def _once_the_bot_is_known(event: Event, policy: Policy, bot: str) -> Ignored | None:
    """Why the event is ignored after all, now that the bot's username is known."""
    if event.actor.casefold() == bot.casefold():
        return Ignored(reason=f"{event.kind} event caused by the bot itself (@{event.actor})")
    return _without_command(event, policy, bot)


def handle_event(
    raw: bytes, options: ReadOptions, dry_run: bool, env: Mapping[str, str]
) -> tuple[str, Run | None]:
    """What the job says first (why it ignores the event, or what it reconciles), and the run
    when there is one."""
    policy = load_policy(options.policy)
    event = triage(raw, policy, env)
    if isinstance(event, Ignored):
        return f"ignored: {event.reason}", None
    from ..adapters.slack import notifier_from_env
    from .read import open_project
    from .reconcile import reconcile

    o = open_project(options, env, policy)
    late = _once_the_bot_is_known(event, policy, o.bot)
    if late is not None:
        return f"ignored: {late.reason}", None
    notifier = notifier_from_env(env) if options.offline is None else None
    done = reconcile(
        policy, o.tracker, o.now, dry_run, event_iid=event.iid, notifier=notifier, bot=o.bot
    )
    return f"{event.kind} event on #{event.iid} by {event.actor}: reconciling", done
