"""The doctor's checks of what keeps the bot's token and the team's data safe: who may pass
pipeline variables (a GITLAB_URL of their own, to receive the token), how the CI/CD variable
holding the token is protected, who sees job logs, artifacts and the Pages report, and whether
the team's pipelines may use pto_bot's component and image (a private component project)."""

from __future__ import annotations

from ...adapters.gitlab.ci_settings import Secret
from ...adapters.gitlab.inspect import HIDDEN, Hidden
from .facts import CALENDAR_VARIABLE, TOKEN_VARIABLE, Component, Facts
from .report import Finding, role_name

REPORTER = 20
VARIABLES_SETTING = "Settings > CI/CD > Variables > Minimum role to use pipeline variables"
ALLOWLIST = "Settings > CI/CD > Job token permissions"


def _pipeline_variables(facts: Facts) -> Finding:
    role = facts.project.variables_role
    if role == HIDDEN:
        return Finding(
            "check",
            f"who may pass pipeline variables is shown to Maintainers only (the token's role is "
            f"{role_name(facts.access_level)}): check by hand that {VARIABLES_SETTING} is "
            "'No one allowed'",
        )
    if role == "no_one_allowed":
        return Finding(
            "ok", "pipeline variables are off: no one can hand the bot's jobs a GITLAB_URL"
        )
    return Finding(
        "todo",
        f"pipeline variables are allowed from {role.capitalize()}s up, and a trigger token "
        "acts as its owner: whoever holds the webhook's token can pass GITLAB_URL "
        f"or CI_SERVER_URL to the bot's jobs. Set {VARIABLES_SETTING} to 'No one allowed' (the "
        "bot needs none)",
    )


def _token_variable(facts: Facts) -> Finding:
    where = "Settings > CI/CD > Variables"
    if facts.secret is None:
        return Finding(
            "check",
            f"{TOKEN_VARIABLE} is not a CI/CD variable of this project: add it ({where}, masked "
            "and protected), or, if it is a group's, check there that it is masked and protected",
        )
    return _protected(facts.secret, TOKEN_VARIABLE, "")


def _calendar_variable(facts: Facts) -> Finding:
    """The team's time-off calendar: optional, and a secret when set (its value never shown)."""
    if facts.calendar is None:
        return Finding(
            "check",
            f"{CALENDAR_VARIABLE} is not a CI/CD variable of this project: absences recorded "
            "only in the HR tool or a shared calendar stay invisible to the bot (optional: set "
            "it to the calendar's secret iCalendar address, masked and protected; if it is a "
            "group's, check there)",
        )
    return _protected(facts.calendar, CALENDAR_VARIABLE, " (the time-off calendar's feed)")


def _protected(secret: Secret | Hidden, key: str, what: str) -> Finding:
    """How the CI/CD variable ``key``, a secret, is protected (never its value)."""
    where = "Settings > CI/CD > Variables"
    if not isinstance(secret, Secret):
        return Finding(
            "check",
            f"CI/CD variables are shown to Maintainers only: check by hand that {key}{what} "
            f"({where}) is masked and protected",
        )
    missing = [
        why
        for ok, why in (
            (secret.masked, "masked (a job log could show it)"),
            (secret.protected, "protected (a pipeline of any branch gets it)"),
        )
        if not ok
    ]
    if missing:
        return Finding(
            "todo",
            f"the CI/CD variable {key}{what} is not {' and not '.join(missing)}: edit it "
            f"under {where} and tick Masked (or Masked and hidden) and Protected",
        )
    hidden = ", hidden" if secret.hidden else ""
    return Finding("ok", f"the CI/CD variable {key}{what} is masked{hidden} and protected")


def _public_pipelines(facts: Facts) -> Finding | None:
    project = facts.project
    if project.public_jobs is None:
        return None
    if not project.public_jobs:
        return Finding("ok", "pipelines are not public: job logs and artifacts are for members")
    who = {"public": "everyone", "internal": "every signed-in user"}.get(
        project.visibility, "every member, Guests included"
    )
    return Finding(
        "todo",
        f"Public pipelines is on: the bot's job logs (who is out, customers, the notes it "
        f"writes) are open to {who}. Turn it off under Settings > CI/CD > General pipelines",
    )


def _pages(facts: Facts) -> Finding | None:
    access, visibility = facts.project.pages_access, facts.project.visibility
    if access is None or access == "disabled":
        return None
    if access == "public" or (access == "enabled" and visibility != "private"):
        return Finding(
            "todo",
            "the Pages report (customers, who is out) is open to everyone who can see the "
            "project: Settings > General > Visibility > Pages: Only project members, before the "
            "first scheduled run publishes it",
        )
    return Finding("ok", "the Pages report is for project members only")


def _component(facts: Facts, found: Component) -> list[Finding]:
    path, team = found.path, facts.project.path
    users = ", ".join(f"@{name}" for name in found.users) or "the schedule's owner"
    if found.seen is None:
        return [
            Finding(
                "check",
                f"the token cannot see {path}, where pto_bot's component comes from: check by "
                f"hand that the pipelines' users ({users}, and each trigger token's owner) are "
                f"Reporter there and that its {ALLOWLIST} admit {team}",
            )
        ]
    visibility = found.seen[1]
    if visibility == "public":
        return [Finding("ok", f"pto_bot's component and image come from {path}, a public project")]
    lines = []
    if visibility == "private":
        lacking = [
            name
            for name, level in found.users.items()
            if level != HIDDEN and (level is None or level < REPORTER)
        ]
        lines += [
            Finding(
                "todo",
                f"@{name} starts the bot's pipelines (a schedule or a trigger token is theirs) "
                f"but is not Reporter on {path}: those pipelines cannot include its private "
                f"component. Add @{name} there as Reporter (Manage > Members)",
            )
            for name in lacking
        ]
        if facts.triggers == HIDDEN:
            lines.append(
                Finding(
                    "check",
                    f"trigger tokens are shown to Maintainers only: check by hand that each "
                    f"one's owner is Reporter on {path}",
                )
            )
        if found.users and not lacking:
            lines.append(
                Finding("ok", f"the pipelines' users ({users}) may include it from {path}")
            )
    if found.scope == HIDDEN:
        lines.append(
            Finding(
                "check",
                f"{path}'s job token allowlist is shown to its Maintainers only: check by hand "
                f"that its {ALLOWLIST} admit {team}, or the jobs cannot pull the bot's image",
            )
        )
    elif found.scope.admits(facts.project.id, team):
        lines.append(Finding("ok", f"{path} admits {team}'s job token: jobs may pull the image"))
    else:
        lines.append(
            Finding(
                "todo",
                f"{path} does not admit {team}'s job token: the bot's jobs cannot pull its "
                f"image. A Maintainer of {path} adds {team} under {ALLOWLIST}",
            )
        )
    return lines


def safety(facts: Facts) -> list[Finding]:
    """Every safety line, the token's first."""
    lines = [_pipeline_variables(facts), _token_variable(facts), _calendar_variable(facts)]
    lines += [f for f in (_public_pipelines(facts), _pages(facts)) if f is not None]
    if facts.component is not None:
        lines += _component(facts, facts.component)
    return lines
