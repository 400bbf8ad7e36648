"""The doctor's checks: from the facts it gathered to one line each, ✓ fine, ✗ what to do, or
? what the token's role may not see; the wording sits beside the logic that chooses it."""

from __future__ import annotations

import re
from collections import Counter

import yaml

from ...adapters.gitlab.inspect import HIDDEN
from ...domain.policy import Policy
from ...domain.policy_file import parse_policy
from ...errors import ConfigError
from ..ci_include import CI_FILE
from .facts import Facts
from .identity import identity
from .labels import wanted_labels
from .report import Finding, role_name
from .safety import safety


def _access(facts: Facts) -> Finding:
    level, role = facts.access_level, role_name(facts.access_level)
    if level is None:
        return Finding(
            "todo",
            f"@{facts.user.username} is not a member of {facts.project.path}: add it with the "
            "role Reporter (or Planner) under Manage > Members",
        )
    if level == 15 or level >= 20:
        more = " (more than it needs: Reporter or Planner is enough)" if level > 20 else ""
        return Finding("ok", f"role {role}: it may comment, label, close and open issues{more}")
    return Finding(
        "todo",
        f"role {role}: GitLab lets it comment but silently drops its label changes and refuses "
        "closing issues. Give @"
        f"{facts.user.username} the role Reporter (or Planner) under Manage > Members",
    )


def _labels(policy: Policy, facts: Facts) -> list[Finding]:
    wanted = wanted_labels(policy)
    missing = [name for name in wanted if name not in facts.labels]
    lines = []
    if facts.created:
        lines.append(Finding("ok", f"created the labels {', '.join(facts.created)}"))
    if missing:
        todo = facts.not_created or (
            "run `pto-bot doctor --fix` to create them (or Manage > Labels > New label)"
        )
        lines.append(Finding("todo", f"labels missing: {', '.join(missing)}: {todo}"))
    elif not facts.created:
        lines.append(Finding("ok", f"the {len(wanted)} labels the policy names exist"))
    return lines


def _files(policy_path: str, facts: Facts) -> list[Finding]:
    lines = []
    on = f"on {facts.branch}" if facts.branch != "HEAD" else "on the default branch"
    hidden = [path for path, text in facts.files.items() if text == HIDDEN]
    if hidden:
        lines.append(
            Finding(
                "check",
                f"role {role_name(facts.access_level)} may not read the repository: check by hand "
                f"that {', '.join(hidden)} are {on}",
            )
        )
    for path, text in facts.files.items():
        if text == HIDDEN:
            continue
        if text is None:
            how = "`pto-bot init` writes it" if path != policy_path else "commit it"
            lines.append(Finding("todo", f"{path} is not {on}: {how}, then push"))
        elif path == policy_path:
            lines.append(_policy_file(path, text, on))
        elif path == CI_FILE and "pto-bot" not in text and "pto_bot" not in text:
            lines.append(
                Finding(
                    "todo",
                    f"{CI_FILE} {on} neither includes pto_bot's component nor runs pto-bot: "
                    "add the include that `pto-bot init` writes",
                )
            )
        else:
            lines.append(Finding("ok", f"{path} is {on}"))
    return lines


def _policy_file(path: str, text: str, on: str) -> Finding:
    try:
        parse_policy(yaml.safe_load(text), f"{path} {on}", text)
    except ConfigError as exc:
        more = f" (and {len(exc.messages) - 1} more)" if len(exc.messages) > 1 else ""
        return Finding("todo", f"{exc.messages[0]}{more}: run `pto-bot validate`")
    except yaml.YAMLError as exc:
        return Finding("todo", f"{path} {on} is not valid YAML ({exc}): run `pto-bot validate`")
    return Finding("ok", f"{path} is {on} and valid")


def _schedule(facts: Facts) -> Finding:
    branch = facts.branch if facts.branch != "HEAD" else "the default branch"
    if facts.schedules == HIDDEN:
        return Finding(
            "check",
            f"role {role_name(facts.access_level)} may not see pipeline schedules: check by hand "
            f"that Build > Pipeline schedules has an active hourly one on {branch}",
        )
    active = [s for s in facts.schedules if s.active and s.ref.endswith(facts.branch)]
    if facts.branch == "HEAD":
        active = [s for s in facts.schedules if s.active]
    if not active:
        return Finding(
            "todo",
            f"no active pipeline schedule on {branch}: Build > Pipeline schedules > New, "
            "every hour (0 * * * *); it runs the reconcile",
        )
    first = active[0]
    return Finding("ok", f"pipeline schedule {first.description!r} ({first.cron}) on {branch}")


def _webhook(facts: Facts) -> list[Finding]:
    by_hand = (
        f"Settings > Webhooks has one to {facts.trigger_url}?token=<trigger token>, the token "
        "masked, with the events Issues, Confidential issues, Comments and Confidential comments"
    )
    if facts.hooks == HIDDEN:
        return [
            Finding(
                "check",
                f"webhooks are visible to Maintainers only (the token's role is "
                f"{role_name(facts.access_level)}): check by hand that {by_hand}",
            )
        ]
    triggers = [h for h in facts.hooks if "/trigger/pipeline" in h.url]
    if not triggers:
        return [Finding("todo", f"no webhook starts the event job: make sure {by_hand}")]
    hook = triggers[0]
    named = re.search(r"/projects/([^/]+)/", hook.url)
    problems = [
        (
            not (hook.issues and hook.notes),
            "the trigger webhook misses the Issues or Comments events: add both",
        ),
        (
            not (hook.confidential_issues and hook.confidential_notes),
            "the trigger webhook misses the Confidential issues or Confidential comments events: "
            "add both (confidential requests and internal notes reach no other hook)",
        ),
        (
            named is not None and not named.group(1).isdigit(),
            f"the trigger webhook names the project by its path, which the trigger endpoint "
            f"refuses: use its numeric id, {facts.trigger_url}",
        ),
        (
            re.search(r"[?&]token=(?!\{)[^&]", hook.url) is not None,
            "the trigger token shows in the webhook's URL to every Maintainer: edit the webhook, "
            "Mask portions of URL, and mask the token's value",
        ),
        (
            hook.status != "executable",
            f"the trigger webhook is {hook.status.replace('_', ' ')} after failed deliveries: "
            "look at its Recent events, fix the cause, then re-enable it",
        ),
    ]
    lines = [Finding("todo", text) for wrong, text in problems if wrong]
    return lines or [
        Finding(
            "ok",
            "a webhook sends issue and comment events, confidential ones too, to the "
            "pipeline trigger, its token masked",
        )
    ]


def _roster(policy: Policy, facts: Facts) -> Finding:
    if facts.members == HIDDEN:
        return Finding("check", "the project's members cannot be listed: check the roster by hand")
    deputy = [policy.approval.deputy] if policy.approval.deputy else []
    people = [*policy.engineers, policy.team.manager, *deputy]
    missing = sorted({p for p in people if p not in facts.members})
    if missing:
        return Finding(
            "todo",
            f"not members of {facts.project.path}: {', '.join(missing)}; add them under "
            "Manage > Members (or fix the usernames in the policy)",
        )
    return Finding("ok", f"the {len(set(people))} people of the policy are project members")


def _playbooks(policy: Policy, facts: Facts) -> list[Finding]:
    labels = policy.labels
    lines = []
    names = Counter(account.key for account in facts.accounts)
    issues = {issue.iid: issue for issue in facts.playbooks}
    for account in facts.accounts:
        issue = issues[account.iid]
        problems = [p.message for p in account.problems]
        if len(issue.assignees) > 1:
            problems.append(f"{len(issue.assignees)} owners: keep one assignee, the owner")
        for a, b in (
            (labels.priority_high, labels.priority_normal),
            (labels.coverage_auto, labels.coverage_global),
        ):
            if a in issue.labels and b in issue.labels:
                problems.append(f"both ~{a} and ~{b}: keep one")
        if names[account.key] > 1:
            problems.append(f"another open playbook is also titled {account.name!r}: merge them")
        lines += [Finding("todo", f"playbook #{issue.iid} {account.name}: {p}") for p in problems]
    if not lines:
        lines.append(Finding("ok", f"{len(facts.accounts)} open playbooks, each with one owner"))
    return lines


def _collaboration(facts: Facts) -> list[Finding]:
    """Each collaboration project: the bot must read it and comment there to answer."""
    lines = []
    for path, (accounts, seen) in sorted(facts.projects.items()):
        named = f"collaboration project {path} ({', '.join(accounts)})"
        if seen is None:
            lines.append(
                Finding(
                    "todo",
                    f"{named}: @{facts.user.username} cannot see it: "
                    + (
                        "a project or group access token's user cannot be added to another "
                        "project; make GITLAB_TOKEN a personal access token of a user made for "
                        "the bot (README: Out of office), Guest there"
                        if facts.user.bot
                        else "add it as Guest there"
                    )
                    + ", or fix the path",
                )
            )
            continue
        level, visibility = seen
        if (level or 0) >= 10 or visibility == "public":
            role = role_name(level) if level else f"any signed-in user ({visibility})"
            lines.append(Finding("ok", f"{named}: the bot may read and comment ({role})"))
        else:
            lines.append(
                Finding(
                    "todo",
                    f"{named}: the bot sees it but may not comment: give "
                    f"@{facts.user.username} the role Guest there",
                )
            )
    return lines


def findings(policy: Policy, facts: Facts, policy_path: str = "policy.yaml") -> list[Finding]:
    """Every check's line, in the order a team lead would fix them."""
    return [
        *identity(policy, facts),
        _access(facts),
        *_labels(policy, facts),
        *_files(policy_path, facts),
        _schedule(facts),
        *_webhook(facts),
        *safety(facts),
        _roster(policy, facts),
        *_playbooks(policy, facts),
        *_collaboration(facts),
    ]
