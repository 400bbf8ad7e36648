"""Where GitLab is and who the bot is there: ``GITLAB_URL`` (else ``CI_SERVER_URL``),
``GITLAB_TOKEN`` and ``PTO_BOT_PROJECT`` (else ``CI_PROJECT_ID``), read and checked once, before
any request.

In a CI job (``CI_SERVER_URL`` set) anyone who may start a pipeline with variables (a trigger
token is enough) could set ``GITLAB_URL`` and have the token sent to their host: there the bot
talks only to ``CI_SERVER_URL`` or to the policy's ``gitlab.url``, and a ``GITLAB_URL`` naming
anything else stops the run. ``http://`` is for this machine only. The token is stripped of
surrounding whitespace on read (a CI variable pasted with a trailing newline still works), must
be characters an HTTP header carries, and never appears in any message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ...domain.server_url import normal_url, same_server, url_problem
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


def connection_from_env(env: Mapping[str, str], configured_url: str | None = None) -> Connection:
    """The connection the environment names; ``configured_url`` is the policy's ``gitlab.url``."""
    url, problems = _url(env, configured_url)
    token = (env.get("GITLAB_TOKEN") or "").strip()
    project = (env.get("PTO_BOT_PROJECT") or env.get("CI_PROJECT_ID") or "").strip()
    problems += _problems(token, project)
    if problems:
        raise ConfigError(problems)
    return Connection(normal_url(url), token, int(project) if project.isdigit() else project)


def _url(env: Mapping[str, str], configured: str | None) -> tuple[str, list[str]]:
    """GitLab's address and, when it cannot be used, why."""
    given = (env.get("GITLAB_URL") or "").strip()
    server = (env.get("CI_SERVER_URL") or "").strip()
    if server and given and not any(same_server(given, u) for u in (server, configured) if u):
        named = (
            f"gitlab.url in policy.yaml ({configured})"
            if configured
            else "gitlab.url in policy.yaml"
        )
        return given, [
            f"GITLAB_URL is {given}, but in a CI job the bot talks only to CI_SERVER_URL "
            f"({server}) or to {named}: a pipeline variable must never send the token "
            "elsewhere; delete the GITLAB_URL variable (the job then uses CI_SERVER_URL), or set "
            "gitlab.url in policy.yaml to GitLab's address"
        ]
    for name, url in (
        ("GITLAB_URL", given),
        ("gitlab.url in policy.yaml", configured),
        ("CI_SERVER_URL", server),
    ):
        if url:
            problem = url_problem(url, name)
            return url, [problem] if problem else []
    return "", [
        "GITLAB_URL (or CI_SERVER_URL) is not set: it should hold the GitLab base URL, "
        "e.g. https://gitlab.com"
    ]


def _token_problem(token: str) -> str | None:
    for position, char in enumerate(token, start=1):
        if not "\x21" <= char <= "\x7e":
            name = unicodedata.name(char, "a control character")
            return (
                f"GITLAB_TOKEN holds a character an HTTP header cannot carry: {name} "
                f"(U+{ord(char):04X}) at position {position} of {len(token)}; paste the token "
                "again as plain text (a smart quote or an invisible character came with it)"
            )
    return None


def _problems(token: str, project: str) -> list[str]:
    problems = []
    if not token:
        problems.append(
            "GITLAB_TOKEN is not set: it should hold a project access token with the api scope "
            "(a CI job token cannot write notes)"
        )
    elif (problem := _token_problem(token)) is not None:
        problems.append(problem)
    if not project:
        problems.append(
            "PTO_BOT_PROJECT (or CI_PROJECT_ID) is not set: it should hold the project's numeric "
            "ID or its path, e.g. support/ase"
        )
    return problems
