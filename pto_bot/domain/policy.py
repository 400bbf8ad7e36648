"""The team's policy (``policy.yaml``) as pydantic models that refuse unknown keys and wrong values.

Reading the file and turning validation errors into messages is :mod:`pto_bot.domain.policy_file`.
The decisions the policy's values feed are made in :mod:`pto_bot.rules`, one function each. The
kinds of value are :mod:`.policy_fields`, the sections :mod:`.policy_sections`; here is the whole,
how its sections fit together (every pod member on the roster, once, in the roster's spelling;
labels distinct; dates in order), and the views the rules read of it.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, model_validator

from .approval_policy import Approval
from .away_policy import OutOfOffice
from .pilot_policy import Pilot
from .policy_fields import USERNAME_RE, WEEKDAYS, Username, _Strict, label_reference
from .policy_sections import (
    OFFLINE_BOT,
    Bot,
    ChecklistItem,
    Checklists,
    Coverage,
    Engineer,
    Fallback,
    Labels,
    Limits,
    Pod,
    Reminders,
    Reports,
    Requests,
    Rotation,
    Server,
    Team,
    Thresholds,
)
from .usernames import Roster, same_user, user_key

if TYPE_CHECKING:
    from .calendar import TeamCalendar

__all__ = [
    "OFFLINE_BOT",
    "USERNAME_RE",
    "ChecklistItem",
    "Labels",
    "Pod",
    "Policy",
    "label_reference",
]


class Policy(_Strict):
    team: Team
    bot: Bot = Field(default_factory=Bot)
    gitlab: Server = Field(default_factory=Server)
    go_live: date | None = Field(
        default=None,
        description="The day the bot went live in this project (YYYY-MM-DD): PTO requests that "
        "ended before it are history, never written to.",
    )
    pilot: Pilot = Field(default_factory=Pilot)
    engineers: dict[Username, Engineer] = Field(min_length=1)
    pods: dict[str, Pod] = Field(default_factory=dict)
    rotations: list[Rotation] = Field(default_factory=list)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    approval: Approval = Field(default_factory=Approval)
    coverage: Coverage = Field(default_factory=Coverage)
    fallback: Fallback = Field(default_factory=Fallback)
    requests: Requests = Field(default_factory=Requests)
    reminders: Reminders = Field(default_factory=Reminders)
    checklists: Checklists
    labels: Labels = Field(default_factory=Labels)
    reports: Reports = Field(default_factory=Reports)
    limits: Limits = Field(default_factory=Limits)
    out_of_office: OutOfOffice = Field(default_factory=OutOfOffice)

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _consistent(self) -> Policy:
        problems: list[str] = self._one_spelling_each()
        lineups = [("pods", self.pods)] + [
            (f"rotations[{i}].pods", r.pods) for i, r in enumerate(self.rotations)
        ]
        for where, pods in lineups:
            seen: dict[str, str] = {}
            for name, pod in pods.items():
                for i, member in enumerate(pod.members):
                    spelt = self.roster.find(member)
                    if member in self.engineers:
                        pass
                    elif spelt is not None:
                        problems.append(
                            f"{where}.{name}.members[{i}]: {member!r} is {spelt!r} under "
                            "engineers: write it the same way"
                        )
                    elif spelt is None:
                        problems.append(
                            f"{where}.{name}.members[{i}]: {member!r} is not under engineers"
                        )
                    if member in seen and seen[member] != name:
                        problems.append(
                            f"{where}.{name}.members[{i}]: {member!r} is already in pod "
                            f"{seen[member]}"
                        )
                    seen[member] = name
        dates = [r.effective for r in self.rotations]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            shown = ", ".join(d.isoformat() for d in dates)
            problems.append(f"rotations: effective dates must be distinct and in order ({shown})")
        label_values = list(self.labels.model_dump().values())
        for label in sorted({v for v in label_values if label_values.count(v) > 1}):
            problems.append(f"labels: {label!r} is used for two purposes; give each its own label")
        if self.pilot.start and self.pilot.review and self.pilot.review < self.pilot.start:
            problems.append("pilot.review: comes before pilot.start")
        if self.coverage.mode == "pods" and not self.pods and not self.rotations:
            problems.append("pods: coverage.mode is 'pods' but no pods are defined")
        if self.fallback.weeks_per_year.max < self.fallback.weeks_per_year.min:
            problems.append("fallback.weeks_per_year: max is below min")
        problems += self._team_holidays()
        if same_user(self.approval.deputy, self.team.manager):
            problems.append(
                f"approval.deputy: {self.approval.deputy!r} is the manager; name someone who "
                "decides when the manager cannot"
            )
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def _one_spelling_each(self) -> list[str]:
        """GitLab usernames do not tell case apart: ``KLang`` and ``klang`` are one user, who
        would otherwise be their own backup."""
        first: dict[str, str] = {}
        problems = []
        for name in self.engineers:
            other = first.setdefault(user_key(name), name)
            if other != name:
                pair = sorted([name, other], key=lambda n: (n.islower(), n))
                problems.append(
                    f"engineers: {pair[0]!r} and {pair[1]!r} are one GitLab user (GitLab "
                    "usernames do not tell case apart); list them once"
                )
        return problems

    def _team_holidays(self) -> list[str]:
        from .calendar import unknown_subdivision

        wrong = unknown_subdivision(self.team_country, self.team.subdivision)
        return [f"team.subdivision: {wrong}"] if wrong else []

    # -- derived views -------------------------------------------------------------------------
    @property
    def team_country(self) -> str:
        """Whose public holidays the team is off on: ``team.country``, else the country most
        engineers have (the first listed of those tied): the manager is seldom on the roster,
        and a team lives by the holidays of most of its people."""
        if self.team.country is not None:
            return self.team.country
        countries = [person.country for person in self.engineers.values()]
        return max(countries, key=countries.count)

    @cached_property
    def calendar(self) -> TeamCalendar:
        """The team's working time (its deadlines count in it)."""
        from .calendar import TeamCalendar  # the holidays package, loaded when a rule needs it

        return TeamCalendar(
            self.working_weekdays, self.tz, self.team_country, self.team.subdivision
        )

    @cached_property
    def roster(self) -> Roster:
        """The engineers, found whatever the case GitLab or a person writes them in."""
        return Roster(self.engineers)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.team.timezone)

    @cached_property
    def pod_index(self) -> dict[int, dict[str, tuple[str, Pod]]]:
        """For each line-up (0: ``pods``, then each rotation in order): member -> (name, pod)."""
        lineups = [self.pods, *(r.pods for r in self.rotations)]
        return {
            i: {m: (name, pod) for name, pod in pods.items() for m in pod.members}
            for i, pods in enumerate(lineups)
        }

    @cached_property
    def working_weekdays(self) -> frozenset[int]:
        return frozenset(WEEKDAYS.index(d) for d in self.team.working_days)
