"""Which project pto_bot's CI/CD component is included from, read from the team's
``.gitlab-ci.yml`` (``component: $CI_SERVER_FQDN/<project path>/pto-bot@<version>``): the
project whose code and image the team's pipelines must be allowed to use."""

from __future__ import annotations

from ..ci_include import component_reference, configuration


def component_project(ci_text: str) -> str | None:
    """The path of the project the component is included from; None when none is included (or
    the file cannot be read)."""
    config = configuration(ci_text)
    where = component_reference(config) if config is not None else None
    parts = where.split("/") if where is not None else []
    return "/".join(parts[1:-1]) if len(parts) >= 3 else None
