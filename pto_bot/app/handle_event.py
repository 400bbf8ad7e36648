"""The webhook job: one Issue Hook or Note Hook payload in; an irrelevant event exits at once,
from the payload alone, without an API request; a relevant one runs a reconcile that writes only
the issues the event can change.

A comment or a description that mentions someone on the roster (in the team project, or in a
collaboration project whose webhook points at the same trigger) is answered when that person is
out: decided from the bot's memory alone (one request), then one read of the thread and the
answer (:mod:`.away`). A mention of nobody on the roster costs nothing, nor does a mention of
someone not out when the runner's cache knows who is away (:mod:`..adapters.away_cache`).

The component runs the bot's own events, as the webhook's template names their author, in a job
of their own that holds no lock, restores no cache and checks out no more than the policy
(``ignore_only``): it makes the same first decision, :func:`triage`, and acts on nothing; an
event that is not ignored after all is refused there, naming why.

Without ``bot.username`` in the policy the payload cannot say every time whether the bot caused
the event: its comments carry its hidden marker, but its label changes and issue edits do not,
and a comment ``@<bot> <verb>`` names a user the job does not know yet. Those events cost one
request (``GET /user``, which every GitLab run makes) before they are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..adapters.webhook import Event, Ignored, parse_event
from ..commands.parse import addressed, command_lines
from ..domain.mentions import added_mentions
from ..domain.policy import Policy
from ..domain.policy_file import load_policy
from ..domain.usernames import same_user, user_key
from ..errors import ConfigError

if TYPE_CHECKING:  # the planner and the adapters are loaded only for an event that matters
    from .apply import Applied
    from .options import ReadOptions
    from .reconcile import Run


def triage(raw: bytes, policy: Policy, env: Mapping[str, str]) -> Event | Ignored:
    """The event to act on, or why it is ignored, from the payload alone: ``relevant`` when it
    can change the bot's issues, ``mentioned`` the roster engineers it newly mentions (whom the
    bot answers for when they are out)."""
    project = env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID")
    bot = policy.bot.username
    answering = policy.out_of_office.answer
    event = parse_event(
        raw,
        project_id=int(project) if project and project.isdigit() else None,
        project_path=project if project and not project.isdigit() else None,
        bot_username=bot,
        other_projects=answering,
    )
    if isinstance(event, Ignored):
        return event
    mentioned = _roster_mentions(event, policy) if answering else frozenset()
    event = event.model_copy(update={"mentioned": mentioned})
    ignored = _not_relevant(event, policy, bot)
    if ignored is None:
        return event
    if mentioned:
        return event.model_copy(update={"relevant": False})
    return ignored


def _roster_mentions(event: Event, policy: Policy) -> frozenset[str]:
    """The engineers of the roster the event newly mentions, its author aside; none on PTO and
    fallback requests (they are about who is out: nobody there needs telling)."""
    labels = policy.labels
    about_absences = {labels.request, labels.fallback, labels.coverage_issue, labels.dashboard}
    if not event.place and about_absences & set(event.labels):
        return frozenset()
    roster = {user_key(name) for name in policy.engineers}
    found = added_mentions(event.previous, event.text) & roster
    return frozenset(found - {user_key(event.actor)})


def _not_relevant(event: Event, policy: Policy, bot: str | None) -> Ignored | None:
    """Why the event cannot change the bot's issues, or None when it can."""
    if event.place:
        return Ignored(reason=f"event from project {event.place} mentions nobody on the roster")
    labels = policy.labels
    ours = {labels.request, labels.playbook, labels.fallback, labels.coverage_issue}
    if not ours & set(event.labels):
        return Ignored(reason=f"#{event.iid} carries none of the labels {', '.join(sorted(ours))}")
    body = event.note_body or ""
    if event.kind == "note" and bot is None and addressed(body):
        return None  # perhaps `@<bot> <verb>`: told once the bot's username is known
    return _without_command(event, policy, bot)


def _without_command(event: Event, policy: Policy, bot: str | None) -> Ignored | None:
    # an unknown bot matches no mention: no line of a comment contains a line break
    mention = bot if bot is not None else "\n"
    if event.kind == "note" and not command_lines(event.note_body or "", policy, mention):
        return Ignored(reason=f"the comment on #{event.iid} has no {policy.bot.command} command")
    return None


def _once_the_bot_is_known(event: Event, policy: Policy, bot: str) -> Ignored | None:
    """Why the event is ignored after all, now that the bot's username is known."""
    if same_user(event.actor, bot):
        return Ignored(reason=f"{event.kind} event caused by the bot itself (@{event.actor})")
    if event.mentioned or not event.relevant:
        return None
    return _without_command(event, policy, bot)


def _nobody_out(
    event: Event, policy: Policy, options: ReadOptions, env: Mapping[str, str]
) -> Ignored | None:
    """Why a mention is ignored without a request: the runner's cache, written by the last run
    within two hours, says nobody it mentions is out (None: not known here)."""
    from ..adapters import away_cache
    from .options import cache_path, parse_now

    cache = cache_path(options.cache, env)
    project = (env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID") or "").strip()
    if cache is None or options.offline is not None or not project:
        return None
    now = parse_now(options.now)
    known = away_cache.load(cache, project, now)
    day = (event.updated_at or now).astimezone(policy.tz).date()
    if known is None or away_cache.anyone_out(known, event.mentioned, day):
        return None
    who = ", ".join(sorted(event.mentioned))
    return Ignored(reason=f"nobody it mentions is out ({who}; from the runner's cache)")


def not_ignored(event: Event, policy: Policy, env: Mapping[str, str]) -> ConfigError:
    """Why the job of the bot's own events refuses ``event``: it is not ignored (the component's
    input ``bot`` and ``bot.username`` in the policy name different users, or the policy names
    none, and the payload alone cannot tell)."""
    named = (env.get("PTO_BOT_EVENT_BY") or "").strip() or event.actor
    bot = policy.bot.username
    fix = (
        f"bot.username in the policy is {bot}: give the component's input bot the same name"
        if bot is not None
        else f"set bot.username: {named} in the policy when that is the bot's user"
    )
    return ConfigError(
        [
            f"handle-event --ignore-only: the {event.kind} event on #{event.iid} by "
            f"{event.actor} is not ignored, and this job acts on nothing (it holds no lock); "
            f"the component took {named} for the bot: {fix}. The next scheduled run "
            "reconciles the event"
        ]
    )


def handle_event(
    raw: bytes,
    options: ReadOptions,
    dry_run: bool,
    env: Mapping[str, str],
    ignore_only: bool = False,
) -> tuple[str, Run | None, Applied | None]:
    """What the job says first (why it ignores the event, what it reconciles, whom it answers
    for), the run when there is one, and the answer to a mention of someone out when there is
    one. ``ignore_only``: the event must be ignored from the payload alone; acting on it is
    refused (:func:`not_ignored`)."""
    policy = load_policy(options.policy)
    event = triage(raw, policy, env)
    if isinstance(event, Ignored):
        return f"ignored: {event.reason}", None, None
    if ignore_only:
        raise not_ignored(event, policy, env)
    if event.mentioned and not event.relevant:
        nobody = _nobody_out(event, policy, options, env)
        if nobody is not None:
            return f"ignored: {nobody.reason}", None, None
    from ..adapters.slack import notifier_from_env
    from .away import Known, answer_event, known, out_now
    from .options import strict_from
    from .read import bot_identity, open_project
    from .reconcile import keep_absences, reconcile

    # a reader's identity for a mention alone: the token's user is asked only before writing
    o = open_project(options, env, policy, writes=event.relevant)
    late = _once_the_bot_is_known(event, policy, o.bot)
    if late is not None:
        return f"ignored: {late.reason}", None, None
    said, done, answered = [], None, None
    if event.relevant:
        notifier = notifier_from_env(env) if options.offline is None else None
        done = reconcile(
            policy,
            o.tracker,
            o.now,
            dry_run,
            event_iid=event.iid,
            notifier=notifier,
            bot=o.bot,
            strict=strict_from(env),
        )
        keep_absences(options, env, done, o.now, dry_run)
        said.append(f"{event.kind} event on #{event.iid} by {event.actor}: reconciling")
    if event.mentioned:
        away = done.plan.away if done is not None else None
        what = (
            Known(away.absences, away.places, "read", done.plan.world.me)
            if done is not None and away is not None
            else known(policy, o.tracker, o.now, o.bot, strict=strict_from(env))
        )
        bot = o.bot
        if not event.relevant and out_now(event, what.absences, policy, o.now):
            bot = bot_identity(policy, o.tracker, options.policy)  # about to write: who is it?
            late = _once_the_bot_is_known(event, policy, bot)
            if late is not None:
                return f"ignored: {late.reason}", None, None
        line, answered = answer_event(event, policy, o.tracker, o.now, bot, what, dry_run)
        said.append(line)
    return "\n".join(said), done, answered
