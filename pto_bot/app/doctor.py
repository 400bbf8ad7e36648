"""``pto-bot doctor [--fix]``: is this GitLab project ready for the bot? Line by line, ✓ or what
to do: the token and whose it is, its role, the labels the policy names, the files on the default
branch, the pipeline schedule, the webhook, the roster's membership, the playbooks, and each
collaboration project the bot answers in (it must read it and comment there).

:func:`findings` is pure (facts in, lines out) and holds all the wording; :func:`run_doctor`
gathers the facts through :mod:`pto_bot.adapters.gitlab.inspect` and, with ``fix``, creates the
missing labels (the only write; a label created meanwhile answers 409 and counts as there). What
the token's role may not see is said as a "?" line: what to check by hand. One small function
per check, each with its wording next to its logic, hence a module over 300 lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from ..adapters.gitlab.inspect import HIDDEN, Hidden, Hook, Inspector, ProjectInfo, Schedule, User
from ..domain.accounts import account_key, account_of
from ..domain.policy import Labels, Policy
from ..domain.policy_file import load_policy, parse_policy
from ..domain.snapshot import Issue
from ..errors import AccessError, ConfigError
from ..rules.away import collaboration_projects
from ..rules.counting import out_label
from .exits import EXIT_OK, EXIT_PARTIAL
from .validate import PLAYBOOK_TEMPLATE, PTO_TEMPLATE

Status = Literal["ok", "todo", "check"]
MARKS: dict[Status, str] = {"ok": "✓", "todo": "✗", "check": "?"}
ROLES = {5: "Minimal", 10: "Guest", 15: "Planner", 20: "Reporter", 30: "Developer"}
ROLES |= {40: "Maintainer", 50: "Owner", 60: "Admin"}
CI_FILE = ".gitlab-ci.yml"

#: Colour and description of each label the policy names, by its key under ``labels``.
LABELS: dict[str, tuple[str, str]] = {
    "request": ("#1f75cb", "A PTO request (the PTO request template applies it)"),
    "playbook": ("#6699cc", "An account playbook: one issue per customer account"),
    "fallback": ("#e9be74", "A fallback request opened by the PTO bot: volunteers wanted"),
    "dashboard": ("#428fdc", "The PTO bot's coverage dashboard"),
    "needs_info": ("#dd2b0e", "PTO request: a field is missing or wrong; the bot says which"),
    "needs_approval": ("#ed9121", "PTO request: waiting for the manager's approval"),
    "denied": ("#737278", "PTO request: denied by the manager"),
    "cancelled": ("#737278", "PTO request: cancelled; backups are released"),
    "covered": ("#108548", "PTO request: every account that needs a backup has one"),
    "needs_coverage": ("#ed9121", "PTO request: some accounts are still uncovered"),
    "priority_high": ("#dd2b0e", "Playbook: the account gets a named backup"),
    "priority_normal": ("#1f75cb", "Playbook: a named backup only if its coverage model asks"),
    "coverage_auto": ("#9400d3", "Playbook: tickets are auto-assigned; the backup handles all"),
    "coverage_global": ("#6699cc", "Playbook: Global Support handles tickets"),
    "escalated": ("#dd2b0e", "Fallback request: the deadline passed; the manager was told"),
}
OUT_COLORS = ("#108548", "#ed9121", "#dd2b0e")


@dataclass(frozen=True)
class Finding:
    status: Status
    text: str

    def __str__(self) -> str:
        return f"{MARKS[self.status]} {self.text}"


@dataclass
class Facts:
    """What the doctor found in the project; HIDDEN where the token's role may not look."""

    user: User
    project: ProjectInfo
    access_level: int | None
    branch: str  # the default branch, or HEAD when the role may not see its name
    trigger_url: str
    labels: set[str] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    not_created: str = ""  # why --fix could not create labels
    files: dict[str, str | Hidden | None] = field(default_factory=dict)
    schedules: list[Schedule] | Hidden = HIDDEN
    hooks: list[Hook] | Hidden = HIDDEN
    members: set[str] | Hidden = HIDDEN
    playbooks: list[Issue] = field(default_factory=list)
    # collaboration project -> (its accounts, the token's (level, visibility) there or None)
    projects: dict[str, tuple[list[str], tuple[int | None, str] | None]] = field(
        default_factory=dict
    )


def wanted_labels(policy: Policy) -> dict[str, tuple[str, str]]:
    """Every label the policy names, with a colour and a description for creating it."""
    wanted: dict[str, tuple[str, str]] = {}
    for key in Labels.model_fields:
        if key in LABELS:
            wanted[str(getattr(policy.labels, key))] = LABELS[key]
    thresholds = policy.thresholds
    top = thresholds.approval or thresholds.visibility + 1  # no approval: more are made on need
    for n in range(1, top + 1):
        color = OUT_COLORS[min(n, len(OUT_COLORS)) - 1]
        wanted.setdefault(out_label(n, policy), (color, "PTO request: engineers out on one day"))
    return wanted


def _role(level: int | None) -> str:
    return ROLES.get(level or 0, f"access level {level}") if level else "no role"


def _identity(policy: Policy, user: User) -> list[Finding]:
    kind = "a project or group access token" if user.bot else "a personal access token"
    lines = [Finding("ok", f"the token works: it is {kind} of @{user.username}")]
    expected = policy.bot.username
    if expected is None:
        lines.append(
            Finding(
                "ok",
                f"the bot is @{user.username} (bot.username is not set). Tip: add "
                f"`bot.username: {user.username}` to the policy so the webhook job ignores the "
                "bot's own events without an API request",
            )
        )
    elif expected.casefold() != user.username.casefold():
        lines.append(
            Finding(
                "todo",
                f"bot.username is {expected!r} but the token belongs to @{user.username}: runs "
                f"stop before writing. Set `bot.username: {user.username}` or use {expected}'s "
                "token",
            )
        )
    else:
        lines.append(Finding("ok", f"bot.username matches the token's user @{user.username}"))
    return lines


def _access(facts: Facts) -> Finding:
    level, role = facts.access_level, _role(facts.access_level)
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
                f"role {_role(facts.access_level)} may not read the repository: check by hand "
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
        parse_policy(yaml.safe_load(text), f"{path} {on}")
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
            f"role {_role(facts.access_level)} may not see pipeline schedules: check by hand "
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


def _webhook(facts: Facts) -> Finding:
    by_hand = (
        f"Settings > Webhooks has one to {facts.trigger_url}?token=<trigger token> with the "
        "events Issues and Comments"
    )
    if facts.hooks == HIDDEN:
        return Finding(
            "check",
            f"webhooks are visible to Maintainers only (the token's role is "
            f"{_role(facts.access_level)}): check by hand that {by_hand}",
        )
    triggers = [h for h in facts.hooks if "/trigger/pipeline" in h.url]
    if not triggers:
        return Finding("todo", f"no webhook starts the event job: make sure {by_hand}")
    hook = triggers[0]
    if not (hook.issues and hook.notes):
        return Finding("todo", "the trigger webhook misses the Issues or Comments events: add both")
    if hook.status != "executable":
        return Finding(
            "todo",
            f"the trigger webhook is {hook.status.replace('_', ' ')} after failed deliveries: "
            "look at its Recent events, fix the cause, then re-enable it",
        )
    return Finding("ok", "a webhook sends issue and comment events to the pipeline trigger")


def _roster(policy: Policy, facts: Facts) -> Finding:
    if facts.members == HIDDEN:
        return Finding("check", "the project's members cannot be listed: check the roster by hand")
    people = [*policy.engineers, policy.team.manager]
    missing = sorted({p for p in people if p not in facts.members})
    if missing:
        return Finding(
            "todo",
            f"not members of {facts.project.path}: {', '.join(missing)}; add them under "
            "Manage > Members (or fix the usernames in the policy)",
        )
    return Finding("ok", f"the {len(set(people))} people of the policy are project members")


def _playbooks(policy: Policy, playbooks: list[Issue], bot: str) -> list[Finding]:
    labels = policy.labels
    lines = []
    names = Counter(account_key(account_of(policy, issue, bot).name) for issue in playbooks)
    for issue in sorted(playbooks, key=lambda i: i.iid):
        account = account_of(policy, issue, bot)
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
        lines.append(Finding("ok", f"{len(playbooks)} open playbooks, each with one owner"))
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
                    f"{named}: @{facts.user.username} cannot see it: add it as Guest there (or "
                    "use a group access token of its group), or fix the path",
                )
            )
            continue
        level, visibility = seen
        if (level or 0) >= 10 or visibility == "public":
            role = _role(level) if level else f"any signed-in user ({visibility})"
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
        *_identity(policy, facts.user),
        _access(facts),
        *_labels(policy, facts),
        *_files(policy_path, facts),
        _schedule(facts),
        _webhook(facts),
        _roster(policy, facts),
        *_playbooks(policy, facts.playbooks, policy.bot.username or facts.user.username),
        *_collaboration(facts),
    ]


def gather(inspector: Inspector, policy: Policy, policy_path: str, fix: bool) -> Facts:
    """The facts, with the missing labels created first when ``fix``."""
    user = inspector.whoami()
    project = inspector.project()
    level = project.access_level
    if level is None:
        level = inspector.access_level(user.id)  # through an invited group, perhaps
    facts = Facts(user, project, level, project.default_branch or "HEAD", inspector.trigger_url)
    facts.labels = inspector.labels()
    if fix:
        for name, (color, description) in wanted_labels(policy).items():
            if name in facts.labels:
                continue
            try:
                made = inspector.create_label(name, color, description)
            except AccessError as exc:
                if exc.kind != "forbidden":
                    raise
                facts.not_created = f"--fix could not create them ({exc.hint})"
                break
            facts.labels.add(name)
            if made:
                facts.created.append(name)
    for path in (policy_path, str(PTO_TEMPLATE), str(PLAYBOOK_TEMPLATE), CI_FILE):
        facts.files[path] = inspector.file(path, facts.branch)
    facts.schedules = inspector.schedules()
    facts.hooks = inspector.hooks()
    facts.members = inspector.member_usernames()
    facts.playbooks = inspector.open_issues(policy.labels.playbook)
    if policy.out_of_office.answer:
        for path, accounts in collaboration(policy, facts.playbooks).items():
            facts.projects[path] = (accounts, inspector.other_project(path))
    return facts


def collaboration(policy: Policy, playbooks: list[Issue]) -> dict[str, list[str]]:
    """Each collaboration project the playbooks and the policy name, with its accounts."""
    found: dict[str, list[str]] = {}
    for issue in playbooks:
        name = account_of(policy, issue, policy.bot.username or "").name
        for path in collaboration_projects(issue.description):
            found.setdefault(path, []).append(name)
    for name, paths in policy.out_of_office.projects.items():
        for path in paths:
            if name not in found.setdefault(path, []):
                found[path].append(name)
    return found


def _in_repository(path: Path) -> str:
    """The policy's path in the repository: relative to the project folder the doctor runs in."""
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            path = Path(path.name)
    return path.as_posix()


def run_doctor(
    policy_path: str, fix: bool, env: Mapping[str, str], inspector: Inspector | None = None
) -> tuple[int, list[str]]:
    """The exit code (0 all is well, 1 something to do) and the lines to print."""
    policy = load_policy(policy_path)
    inspector = inspector or Inspector.from_env(env)
    shown = _in_repository(Path(policy_path))
    try:
        facts = gather(inspector, policy, shown, fix)
    except AccessError as exc:
        return EXIT_PARTIAL, [str(Finding("todo", exc.explained))]
    lines = findings(policy, facts, shown)
    todo = sum(1 for line in lines if line.status == "todo")
    summary = (
        "All is well." if not todo else f"{todo} thing{'s' * (todo > 1)} to do."
    ) + f" ({inspector.requests_made} API requests)"
    return (EXIT_PARTIAL if todo else EXIT_OK), [*map(str, lines), "", summary]
