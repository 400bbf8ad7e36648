"""The set-ups ``pto-bot init`` writes, one for each kind of runner a team has (README "What it
costs in CI minutes", measured by benchmarks/runner_minutes.py): what the include turns on, the
pipeline schedule, and the webhook, which only GitLab's settings hold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..adapters.hook_template import webhook_template
from ..errors import ConfigError


@dataclass(frozen=True)
class SetUp:
    """How the bot runs on the runners a team has (README "What it costs in CI minutes")."""

    runners: str  # what the team has, in words
    title: str
    events: bool  # the webhook: issues and comments
    pages: bool
    cron: str  # the pipeline schedule
    schedule_title: str


SET_UPS = {
    "own": SetUp(
        "a runner of the team's own (no compute minutes)",
        "every webhook event",
        True,
        True,
        "0 * * * *",
        "every hour",
    ),
    "gitlab.com": SetUp(
        "GitLab.com's runners on Premium or Ultimate",
        "every webhook event",
        True,
        True,
        "0 * * * *",
        "every hour",
    ),
    "gitlab.com-free": SetUp(
        "GitLab.com's runners on Free (400 compute minutes a month)",
        "office hours only",
        False,
        False,
        "0 8-18 * * 1-5",
        "every hour from 8:00 to 18:00 on weekdays",
    ),
}
RUNNERS = tuple(SET_UPS)


def set_up_for(chosen: str | None, ask: Callable[[str], str] | None) -> SetUp:
    """The set-up for the runners named (``--runners``), asked at a terminal (None: not one)."""
    if chosen is None and ask is not None:
        question = f"Where do the jobs run ({' | '.join(RUNNERS)}) [own]: "
        chosen = ask(question).strip() or "own"
    found = SET_UPS.get(chosen or "own")
    if found is None:
        raise ConfigError([f"--runners: {chosen!r} is not one of {', '.join(RUNNERS)}"])
    return found


def next_steps(setup: SetUp, routed: bool) -> str:
    """The schedule and the webhook the set-up needs, which only GitLab's settings hold."""
    lines = [f"Schedule (Build > Pipeline schedules): `{setup.cron}`, {setup.schedule_title}."]
    if not setup.events:
        lines.append("No webhook: the schedule reconciles everything.")
    elif routed:
        lines.append(
            "Webhook (Settings > Webhooks): issue and comment events, and this custom template "
            "(the bot's own events then cost a few seconds each):"
        )
        lines.append(webhook_template())
    else:
        lines.append("Webhook (Settings > Webhooks): issue and comment events.")
    return "".join(f"{line}\n" for line in lines)
