"""GitLab as ``pto-bot doctor`` sees it: plain facts about the project and the token, and the one
write the doctor makes (a missing label, on ``--fix``); its CI/CD settings are
:mod:`.ci_settings` (``Inspector.ci``).

Every read the token's role may forbid answers :data:`HIDDEN` instead of failing: which role
GitLab asks for is in the method's docstring, and the doctor says what to check by hand. The
token, the project and the network failing stop the doctor like any run (an
:class:`~pto_bot.errors.AccessError`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitlab.exceptions import GitlabCreateError, GitlabGetError

from ...domain.snapshot import Issue
from .api import PAGE, Api
from .ci_settings import CiSettings, Hook, Schedule
from .config import connection_from_env
from .convert import issue_from_api
from .hidden import HIDDEN, Hidden, visible

__all__ = ["HIDDEN", "Hidden", "Hook", "Inspector", "ProjectInfo", "Schedule", "User"]


@dataclass(frozen=True)
class User:
    id: int
    username: str
    bot: bool  # a project or group access token's user


@dataclass(frozen=True)
class ProjectInfo:
    path: str
    web_url: str
    default_branch: str | None  # GitLab shows it only to roles that may read code
    access_level: int | None  # the token user's, direct or through the project's group
    id: int = 0
    visibility: str = "private"
    public_jobs: bool | None = None  # "Public pipelines": job logs and artifacts for non-members
    pages_access: str | None = None  # disabled | private | enabled | public
    # the least role that may pass pipeline variables (no_one_allowed, developer, ...): shown to
    # Maintainers only
    variables_role: str | Hidden = HIDDEN


def _variables_role(raw: dict[str, Any]) -> str | Hidden:
    if "ci_pipeline_variables_minimum_override_role" not in raw:
        return HIDDEN
    if raw.get("restrict_user_defined_variables") is False:  # the role is then not applied
        return "developer"
    return str(raw["ci_pipeline_variables_minimum_override_role"])


class Inspector:
    """Reads for the doctor, each one request or one listing of every page."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.ci = CiSettings(api)

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], configured_url: str | None = None, **kw: Any
    ) -> Inspector:
        """The project the environment names; ``configured_url``: the policy's ``gitlab.url``."""
        return cls(Api(connection_from_env(env, configured_url), **kw))

    @property
    def requests_made(self) -> int:
        return self.api.transport.requests_made

    def trigger_url(self, project: ProjectInfo, branch: str) -> str:
        """The pipeline trigger endpoint a webhook calls (the numeric id: a path does not work)."""
        base = self.api.connection.url.rstrip("/")
        return f"{base}/api/v4/projects/{project.id}/ref/{branch}/trigger/pipeline"

    def whoami(self) -> User:
        """``GET /user``: who the token belongs to."""
        with self.api.reporting("read the token's user (GET /user)", None):
            self.api.gl.auth()
            user = self.api.gl.user
            assert user is not None
            raw = user.attributes
        return User(int(raw["id"]), str(raw["username"]), bool(raw.get("bot")))

    def project(self) -> ProjectInfo:
        """``GET /projects/:id``, with the token user's access level (any member may)."""
        c = self.api.connection
        with self.api.reporting("read the project", None):
            raw = self.api.gl.projects.get(c.project).attributes
        levels = [
            access.get("access_level")
            for access in (raw.get("permissions") or {}).values()
            if isinstance(access, dict)
        ]
        known = [int(level) for level in levels if level is not None]
        return ProjectInfo(
            path=str(raw.get("path_with_namespace") or c.project),
            web_url=str(raw.get("web_url") or ""),
            default_branch=raw.get("default_branch"),
            access_level=max(known) if known else None,
            id=int(raw["id"]),
            visibility=str(raw.get("visibility") or "private"),
            public_jobs=raw.get("public_jobs"),
            pages_access=raw.get("pages_access_level"),
            variables_role=_variables_role(raw),
        )

    def other_project(self, path: str) -> tuple[int | None, str] | None:
        """Another project as the token sees it: its user's access level (None: no membership)
        and its visibility; None when the token cannot see it (GitLab answers 404)."""
        with self.api.reporting(f"read the project {path}", None):
            try:
                raw = self.api.gl.projects.get(path).attributes
            except GitlabGetError as exc:
                if exc.response_code in (403, 404):
                    return None
                raise
        levels = [
            int(access["access_level"])
            for access in (raw.get("permissions") or {}).values()
            if isinstance(access, dict) and access.get("access_level") is not None
        ]
        return (max(levels) if levels else None), str(raw.get("visibility") or "private")

    def access_level(self, user_id: int) -> int | None:
        """The user's effective access level in the project (:meth:`CiSettings.level_in`)."""
        project = self.api.connection.project
        return self.ci.level_in(project, user_id, op="read the token user's membership")

    def member_usernames(self) -> set[str] | Hidden:
        """Every member, inherited ones included (Guest and up)."""

        def read() -> set[str]:
            listed = self.api.project.members_all.list(per_page=PAGE, iterator=True)
            return {str(member.attributes["username"]) for member in listed}

        return visible(self.api, "list the project's members", "Guest", read)

    def labels(self) -> set[str]:
        """The labels issues of the project can carry (its own and its groups')."""
        with self.api.reporting("list the project's labels", None):
            listed = self.api.project.labels.list(per_page=PAGE, iterator=True)
            return {str(label.attributes["name"]) for label in listed}

    def create_label(self, name: str, color: str, description: str) -> bool:
        """Create a project label (Planner or Reporter and up); False when it exists (409)."""
        data = {"name": name, "color": color, "description": description}
        with self.api.reporting(f"create the label {name!r}", None):
            try:
                self.api.project.labels.create(data)
            except GitlabCreateError as exc:
                if exc.response_code == 409:
                    return False
                raise
        return True

    def file(self, path: str, ref: str) -> str | Hidden | None:
        """A file's text on ``ref``, None when it is not there. Reading code takes Reporter on
        a private project: Planner and Guest may not."""

        def read() -> str | None:
            try:
                found = self.api.project.files.get(file_path=path, ref=ref)
            except GitlabGetError as exc:
                if exc.response_code == 404:
                    return None
                raise
            return bytes(found.decode()).decode("utf-8", errors="replace")

        return visible(self.api, f"read {path} on {ref}", "Reporter", read)

    def open_issues(self, label: str) -> list[Issue]:
        """Open issues labelled ``label``, without their notes."""
        listed = self.api.list_issues(
            f"list open issues labelled {label!r}", state="opened", labels=[label]
        )
        issues = []
        for raw in listed:
            try:
                issues.append(issue_from_api(raw, ()))
            except ValueError:
                continue  # the runs report it; the doctor looks at playbooks it can read
        return issues
