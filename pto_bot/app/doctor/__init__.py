"""``pto-bot doctor [--fix]``: is this GitLab project ready for the bot? Line by line, ✓ or what
to do: the token and whose it is, its role, the labels the policy names, the files on the default
branch, the pipeline schedule, the webhook, the roster's membership, the playbooks, and each
collaboration project the bot answers in (it must read it and comment there).

:mod:`.facts` gathers what the project holds, :mod:`.checks` turns facts into lines (pure: facts
in, lines out, the wording beside its logic), :mod:`.report` prints them. What the token's role
may not see is said as a "?" line: what to check by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ...adapters.gitlab.inspect import Inspector
from ...domain.policy_file import load_policy
from ...errors import AccessError
from ..exits import EXIT_CONFIG, EXIT_PARTIAL
from .checks import findings
from .facts import Facts, gather
from .labels import wanted_labels
from .report import Finding, report

__all__ = ["Facts", "findings", "run_doctor", "wanted_labels"]


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
    """The exit code (0 all is well, 1 something to do, 2 GitLab cannot be reached or the
    configuration cannot be used, as for a run) and the lines to print."""
    policy = load_policy(policy_path)
    inspector = inspector or Inspector.from_env(env, configured_url=policy.gitlab.url)
    shown = _in_repository(Path(policy_path))
    try:
        facts = gather(inspector, policy, shown, fix)
    except AccessError as exc:
        code = EXIT_CONFIG if exc.kind in ("unreachable", "redirected") else EXIT_PARTIAL
        return code, [str(Finding("todo", exc.explained))]
    return report(findings(policy, facts, shown), inspector.requests_made)
