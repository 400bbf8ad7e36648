"""What the doctor finds in the project, read through :mod:`pto_bot.adapters.gitlab.inspect`;
with ``--fix`` the missing labels are created first (the only write: a label created meanwhile
answers 409 and counts as there)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...adapters.gitlab.ci_settings import JobTokenScope, Secret, Trigger
from ...adapters.gitlab.inspect import HIDDEN, Hidden, Hook, Inspector, ProjectInfo, Schedule, User
from ...domain.accounts import Account, account_of
from ...domain.policy import Policy
from ...domain.snapshot import Issue
from ...domain.usernames import BotIdentity
from ...errors import AccessError
from ...rules.away import places
from ..ci_include import CI_FILE
from ..validate import PLAYBOOK_TEMPLATE, PTO_TEMPLATE
from .component import component_project
from .labels import wanted_labels

TOKEN_VARIABLE = "GITLAB_TOKEN"
CALENDAR_VARIABLE = "PTO_BOT_CALENDAR_URL"


@dataclass
class Component:
    """The project pto_bot's component is included from, as the token sees it."""

    path: str
    seen: tuple[int | None, str] | None  # the token's (level, visibility) there; None: unseen
    # each pipeline user (schedule owners, trigger token owners): their level there (None: no
    # member), HIDDEN when the token cannot tell
    users: dict[str, int | Hidden | None] = field(default_factory=dict)
    scope: JobTokenScope | Hidden = HIDDEN


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
    accounts: tuple[Account, ...] = ()  # the playbooks read as a run reads them, by iid
    triggers: list[Trigger] | Hidden = HIDDEN
    secret: Secret | Hidden | None = HIDDEN  # the CI/CD variable GITLAB_TOKEN
    calendar: Secret | Hidden | None = HIDDEN  # the CI/CD variable PTO_BOT_CALENDAR_URL
    component: Component | None = None
    # collaboration project -> (its accounts, the token's (level, visibility) there or None)
    projects: dict[str, tuple[list[str], tuple[int | None, str] | None]] = field(
        default_factory=dict
    )


def gather(inspector: Inspector, policy: Policy, policy_path: str, fix: bool) -> Facts:
    """The facts, with the missing labels created first when ``fix``."""
    user = inspector.whoami()
    project = inspector.project()
    level = project.access_level
    if level is None:
        level = inspector.access_level(user.id)  # through an invited group, perhaps
    branch = project.default_branch or "HEAD"
    where = branch if branch != "HEAD" else "<default branch>"
    facts = Facts(user, project, level, branch, inspector.trigger_url(project, where))
    facts.labels = inspector.labels()
    if fix:
        _create_labels(inspector, policy, facts)
    for path in (policy_path, str(PTO_TEMPLATE), str(PLAYBOOK_TEMPLATE), CI_FILE):
        facts.files[path] = inspector.file(path, facts.branch)
    facts.schedules = inspector.ci.schedules()
    facts.hooks = inspector.ci.hooks()
    facts.triggers = inspector.ci.triggers()
    facts.secret = inspector.ci.secret(TOKEN_VARIABLE)
    facts.calendar = inspector.ci.secret(CALENDAR_VARIABLE)
    facts.members = inspector.member_usernames()
    facts.playbooks = inspector.open_issues(policy.labels.playbook)
    me = BotIdentity(policy.bot.username or user.username)
    facts.accounts = tuple(
        account_of(policy, issue, me) for issue in sorted(facts.playbooks, key=lambda i: i.iid)
    )
    if policy.out_of_office.answer:  # the projects a run reads: those the policy allows
        for path, names in places(policy, facts.accounts).projects.items():
            facts.projects[path] = (list(names), inspector.other_project(path))
    ci_text = facts.files.get(CI_FILE)
    included = component_project(ci_text) if isinstance(ci_text, str) else None
    if included is not None:
        facts.component = _component(inspector, facts, included)
    return facts


def _component(inspector: Inspector, facts: Facts, path: str) -> Component:
    """What the component's project lets the team's pipelines do: include it (their users need
    to read its code) and pull its image (the team project's job token must be admitted)."""
    found = Component(path, inspector.other_project(path))
    visibility = found.seen[1] if found.seen is not None else None
    if visibility in (None, "private"):  # internal and public code is open to signed-in users
        owners = [s.owner for s in facts.schedules if s.active] if facts.schedules != HIDDEN else []
        owners += [t.owner for t in facts.triggers] if facts.triggers != HIDDEN else []
        for person in owners:
            if person is not None and person.username not in found.users:
                seen = visibility is not None
                found.users[person.username] = (
                    inspector.ci.level_in(path, person.id) if seen else HIDDEN
                )
    if visibility in ("private", "internal"):  # a public project's image is open to all
        found.scope = inspector.ci.job_token_scope(path)
    return found


def _create_labels(inspector: Inspector, policy: Policy, facts: Facts) -> None:
    for name, (color, description) in wanted_labels(policy).items():
        if name in facts.labels:
            continue
        try:
            made = inspector.create_label(name, color, description)
        except AccessError as exc:
            if exc.kind != "forbidden":
                raise
            facts.not_created = f"--fix could not create them ({exc.hint})"
            return
        facts.labels.add(name)
        if made:
            facts.created.append(name)
