"""Which project pto_bot's CI/CD component is included from, read from the team's
``.gitlab-ci.yml`` (``component: $CI_SERVER_FQDN/<project path>/pto-bot@<version>``): the
project whose code and image the team's pipelines must be allowed to use."""

from __future__ import annotations

import re

COMPONENT_NAME = "pto-bot"
_INCLUDE = re.compile(r"^\s*-?\s*component:\s*[\"']?([^\s\"'#]+)", re.MULTILINE)


def component_project(ci_text: str) -> str | None:
    """The path of the project the component is included from; None when none is included."""
    for reference in _INCLUDE.findall(ci_text):
        where, _, _version = reference.partition("@")
        parts = where.split("/")
        if len(parts) >= 3 and parts[-1] == COMPONENT_NAME:
            return "/".join(parts[1:-1])
    return None
