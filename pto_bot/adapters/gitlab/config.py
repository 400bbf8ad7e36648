"""Where GitLab is and who the bot is there: ``GITLAB_URL`` (else ``CI_SERVER_URL``),
``GITLAB_TOKEN`` and ``PTO_BOT_PROJECT`` (else ``CI_PROJECT_ID``), read and checked once.

The token is stripped of surrounding whitespace on read (a CI variable pasted with a trailing
newline still works) and never appears in any message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ...errors import ConfigError

#: Closed issues updated longer ago than this cannot matter any more: they are never read.
CLOSED_LOOKBACK = timedelta(days=400)


@dataclass(frozen=True)
class Connection:
    url: str
    token: str
    project: str | int  # the numeric id, or the path

    def __repr__(self) -> str:  # never show the token
        return f"Connection(url={self.url!r}, project={self.project!r})"


def connection_from_env(env: Mapping[str, str]) -> Connection:
    url = (env.get("GITLAB_URL") or env.get("CI_SERVER_URL") or "").strip()
    token = (env.get("GITLAB_TOKEN") or "").strip()
    project = (env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID") or "").strip()
    problems = _problems(url, token, project)
    if problems:
        raise ConfigError(problems)
    return Connection(url, token, int(project) if project.isdigit() else project)


def _problems(url: str, token: str, project: str) -> list[str]:
    problems = []
    if not url:
        problems.append(
            "GITLAB_URL (or CI_SERVER_URL) is not set: it should hold the GitLab base URL, "
            "e.g. https://gitlab.com"
        )
    elif not url.startswith(("https://", "http://")):
        problems.append("GITLAB_URL should start with https:// (e.g. https://gitlab.com)")
    if not token:
        problems.append(
            "GITLAB_TOKEN is not set: it should hold a project access token with the api scope "
            "(a CI job token cannot write notes)"
        )
    if not project:
        problems.append(
            "PTO_BOT_PROJECT (or CI_PROJECT_ID) is not set: it should hold the project's numeric "
            "ID or its path, e.g. support/ase"
        )
    return problems
