"""The ``out_of_office`` section of ``policy.yaml``: answering mentions of someone who is out,
the backups' daily digest, the handback on return, the collaboration projects of each account,
and the wording of the answer (each line a template with named ``{placeholders}``, checked at
load)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from .policy_fields import _Strict

_SEGMENT = r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*"
_PROJECT_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})+$")  # group/project, or deeper
_GROUP_PATH = re.compile(rf"^{_SEGMENT}(?:/{_SEGMENT})*$")  # group, group/subgroup
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _path(value: object, what: str, shape: re.Pattern[str], example: str) -> str:
    """A full path on this GitLab, from the path itself or its web address."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a {what} path")
    text = re.sub(r"^https?://[^/]+/", "", value.strip().strip("<>").rstrip("/"))
    text = text.removeprefix("groups/").split("/-/")[0].removesuffix(".git")
    if not shape.match(text):
        raise ValueError(f"{value!r} is not a {what} path like {example}")
    return text


def project_path(value: str) -> str:
    """A project's full path (``group/project``), from the path or its web address."""
    return _path(value, "project", _PROJECT_PATH, "group/customer-project")


def group_path(value: str) -> str:
    """A group's full path (``customers``, ``customers/emea``), from the path or its address."""
    return _path(value, "group", _GROUP_PATH, "customers or customers/emea")


ProjectPath = Annotated[str, AfterValidator(project_path)]
GroupPath = Annotated[str, AfterValidator(group_path)]


#: Each wording line and the placeholders it may use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "out": frozenset({"engineer", "end", "back"}),
    "covers": frozenset({"backup", "account"}),
    "global_support": frozenset({"account"}),
    "uncovered": frozenset({"manager", "account"}),
    "backups": frozenset({"backups"}),
    "footer": frozenset(),
}


class AwayWording(_Strict):
    """What the answer says, one line each; ``{name}`` is filled in (a person as a mention)."""

    out: str = Field(
        default="{engineer} is out of office until {end} and back on {back}.",
        description="First line. Placeholders: {engineer}, {end} (last day off), {back}.",
    )
    covers: str = Field(
        default="For {account}, {backup} is covering meanwhile.",
        description="The account's backup. Placeholders: {backup}, {account}.",
    )
    global_support: str = Field(
        default="For {account}, Global Support handles tickets meanwhile.",
        description="An account without a named backup. Placeholder: {account}.",
    )
    uncovered: str = Field(
        default="For {account}, {manager} is arranging cover meanwhile.",
        description="An account still waiting for a backup. Placeholders: {manager}, {account}.",
    )
    backups: str = Field(
        default="Meanwhile {backups} cover for them.",
        description="An issue of no account: the engineer's backups. Placeholder: {backups}.",
    )
    footer: str = Field(
        default="An automatic answer from the team's PTO bot, once per thread.",
        description="Last line, in small print. No placeholder.",
    )

    @model_validator(mode="after")
    def _placeholders(self) -> AwayWording:
        problems = []
        for name, allowed in PLACEHOLDERS.items():
            text = getattr(self, name)
            if "\n" in text.strip():
                problems.append(f"{name}: keep it on one line")
            used = set(_PLACEHOLDER.findall(text))
            unknown = sorted(used - allowed)
            if unknown:
                known = ", ".join(f"{{{p}}}" for p in sorted(allowed)) or "none"
                problems.append(
                    f"{name}: unknown placeholder {', '.join(f'{{{u}}}' for u in unknown)} "
                    f"(this line knows {known})"
                )
            if re.sub(_PLACEHOLDER, "", text).count("{") or re.sub(_PLACEHOLDER, "", text).count(
                "}"
            ):
                problems.append(f"{name}: a lone brace; placeholders are written {{name}}")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class OutOfOffice(_Strict):
    answer: bool = Field(
        default=True,
        description="Reply once per thread when someone mentions an engineer who is out: the "
        "return date and who covers the issue's account. false: no answer at all.",
    )
    digest: bool = Field(
        default=True,
        description="On each working day of coverage with something new, a note to each backup "
        "on the coverage issue listing the mentions, and the customers' issues and comments "
        "that tagged nobody, and who answered.",
    )
    digest_hour: int = Field(
        default=9, ge=0, le=23, description="The digest is posted from this hour (team time)."
    )
    handback: bool = Field(
        default=True,
        description="The return checklist adds 'While you were out': the mentions, the "
        "customers' issues and comments that tagged nobody, the backups' playbook notes, the "
        "fallback accounts that changed hands.",
    )
    projects: dict[str, list[ProjectPath]] = Field(
        default_factory=dict,
        description="Account name -> its collaboration projects (group/project), besides the "
        "playbook's 'Collaboration project:' field.",
    )
    groups: list[GroupPath] = Field(
        default_factory=list,
        description="Groups whose projects a playbook's 'Collaboration project:' field may name "
        "(e.g. customers). The bot reads and writes in no project but the team's, those under "
        "projects, and those of these groups: a playbook naming another is a problem, ignored.",
    )
    wording: AwayWording = Field(default_factory=AwayWording)

    def allows(self, path: str) -> bool:
        """The bot may read and answer in project ``path``: listed, or in a listed group."""
        key = path.casefold()
        listed = {p.casefold() for paths in self.projects.values() for p in paths}
        return key in listed or any(key.startswith(g.casefold() + "/") for g in self.groups)
