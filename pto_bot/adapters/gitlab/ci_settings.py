"""The CI/CD settings ``pto-bot doctor`` checks, as plain facts: the pipeline schedules and who
owns them, the webhooks, the pipeline trigger tokens and their owners, the CI/CD variable that
holds the bot's token, and what the CI/CD component's project lets the team's pipelines do.

Most of these take Maintainer (schedules: Reporter): a refused read answers
:data:`~.hidden.HIDDEN`. The variable's value is never kept: only its flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gitlab.exceptions import GitlabGetError

from .api import PAGE, Api
from .hidden import Hidden, visible


@dataclass(frozen=True)
class Person:
    id: int
    username: str


@dataclass(frozen=True)
class Schedule:
    description: str
    ref: str
    cron: str
    active: bool
    owner: Person | None = None  # the pipeline's user: it runs with the owner's permissions


@dataclass(frozen=True)
class Hook:
    url: str  # as GitLab shows it: masked portions as {name}
    issues: bool
    notes: bool
    status: str  # executable | temporarily_disabled | disabled
    confidential_issues: bool = True
    confidential_notes: bool = True
    masked: tuple[str, ...] = ()  # the names of the URL's masked portions


@dataclass(frozen=True)
class Trigger:
    description: str
    owner: Person | None  # the pipeline's user of every pipeline the token starts


@dataclass(frozen=True)
class Secret:
    """A CI/CD variable's protection (never its value)."""

    masked: bool
    protected: bool
    hidden: bool


@dataclass(frozen=True)
class JobTokenScope:
    """Whose CI/CD job tokens a project admits ("Limit access to this project")."""

    limited: bool
    projects: frozenset[int]
    groups: frozenset[str]  # full paths

    def admits(self, project_id: int, path: str) -> bool:
        if not self.limited or project_id in self.projects:
            return True
        return any(path.startswith(f"{group}/") for group in self.groups)


def _person(raw: Any) -> Person | None:
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    return Person(int(raw["id"]), str(raw.get("username") or ""))


class CiSettings:
    """Reads of the team project's CI/CD settings, and of the component's project."""

    def __init__(self, api: Api) -> None:
        self.api = api

    def _list(self, manager: Any) -> list[dict[str, Any]]:
        return [item.attributes for item in manager.list(per_page=PAGE, iterator=True)]

    def schedules(self) -> list[Schedule] | Hidden:
        """The pipeline schedules (Reporter and up)."""

        def read() -> list[Schedule]:
            return [
                Schedule(
                    str(s.get("description") or ""),
                    str(s.get("ref") or ""),
                    str(s.get("cron") or ""),
                    bool(s.get("active")),
                    _person(s.get("owner")),
                )
                for s in self._list(self.api.project.pipelineschedules)
            ]

        return visible(self.api, "list the pipeline schedules", "Reporter", read)

    def hooks(self) -> list[Hook] | Hidden:
        """The project's webhooks (Maintainer and up)."""

        def read() -> list[Hook]:
            return [
                Hook(
                    str(h.get("url") or ""),
                    bool(h.get("issues_events")),
                    bool(h.get("note_events")),
                    str(h.get("alert_status") or "executable"),
                    bool(h.get("confidential_issues_events")),
                    bool(h.get("confidential_note_events")),
                    tuple(str(v.get("key")) for v in h.get("url_variables") or ()),
                )
                for h in self._list(self.api.project.hooks)
            ]

        return visible(self.api, "list the webhooks", "Maintainer", read)

    def triggers(self) -> list[Trigger] | Hidden:
        """The pipeline trigger tokens, without the tokens (Maintainer and up)."""

        def read() -> list[Trigger]:
            return [
                Trigger(str(t.get("description") or ""), _person(t.get("owner")))
                for t in self._list(self.api.project.triggers)
            ]

        return visible(self.api, "list the pipeline trigger tokens", "Maintainer", read)

    def secret(self, key: str) -> Secret | Hidden | None:
        """How the project's CI/CD variable ``key`` is protected; None when the project has no
        such variable (Maintainer and up)."""

        def read() -> Secret | None:
            try:
                raw = self.api.project.variables.get(key).attributes
            except GitlabGetError as exc:
                if exc.response_code == 404:
                    return None
                raise
            return Secret(
                bool(raw.get("masked")), bool(raw.get("protected")), bool(raw.get("hidden"))
            )

        return visible(self.api, f"read the CI/CD variable {key}", "Maintainer", read)

    def level_in(self, path: str | int, user_id: int, *, op: str = "") -> int | None:
        """``user_id``'s effective access level in the project ``path`` (inherited and invited
        groups too; None: no member); ``op``: what a failure says was read. The token must see
        that project; any member may ask."""
        where = self.api.gl.projects.get(path, lazy=True)
        with self.api.reporting(op or f"read a member of {path}", None):
            try:
                member = where.members_all.get(user_id)
            except GitlabGetError as exc:
                if exc.response_code == 404:
                    return None
                raise
        return int(member.attributes["access_level"])

    def job_token_scope(self, path: str) -> JobTokenScope | Hidden:
        """Whose job tokens the project ``path`` admits (Maintainer there)."""

        def read() -> JobTokenScope:
            base = f"/projects/{path.replace('/', '%2F')}/job_token_scope"
            scope = self.api.gl.http_get(base)
            projects = self.api.gl.http_list(f"{base}/allowlist", iterator=True, per_page=PAGE)
            groups = self.api.gl.http_list(f"{base}/groups_allowlist", iterator=True, per_page=PAGE)
            assert isinstance(scope, dict)
            return JobTokenScope(
                bool(scope.get("inbound_enabled", True)),
                frozenset(int(p["id"]) for p in projects),
                frozenset(str(g["full_path"]) for g in groups),
            )

        return visible(self.api, f"read the job token allowlist of {path}", "Maintainer", read)
