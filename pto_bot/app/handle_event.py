"""The webhook job: one Issue Hook or Note Hook payload in; an irrelevant event exits at once,
from the payload alone, without an API request; a relevant one runs a reconcile that writes only
the issues the event can change."""

from __future__ import annotations

from collections.abc import Mapping

from ..adapters.slack import notifier_from_env
from ..adapters.webhook import Event, Ignored, parse_event
from ..commands.parse import command_lines
from ..domain.policy import Policy
from ..domain.policy_file import load_policy
from .read import ReadOptions, cache_path, open_tracker, parse_now
from .reconcile import Run, reconcile


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


def handle_event(
    raw: bytes, options: ReadOptions, dry_run: bool, env: Mapping[str, str]
) -> tuple[str, Run | None]:
    """What the job says first (why it ignores the event, or what it reconciles), and the run
    when there is one."""
    policy = load_policy(options.policy)
    event = triage(raw, policy, env)
    if isinstance(event, Ignored):
        return f"ignored: {event.reason}", None
    now = parse_now(options.now)
    tracker = open_tracker(policy, options.offline, now, env, cache_path(options.cache, env))
    notifier = notifier_from_env(env) if options.offline is None else None
    done = reconcile(policy, tracker, now, dry_run, event_iid=event.iid, notifier=notifier)
    return f"{event.kind} event on #{event.iid} by {event.actor}: reconciling", done
