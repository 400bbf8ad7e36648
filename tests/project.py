"""A small in-memory team project for tests: issues and notes in GitLab's REST shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pto_bot.adapters.offline import OfflineTracker
from pto_bot.adapters.tracker import Query
from pto_bot.app.apply import Applied, apply
from pto_bot.domain.markers import read_marker
from pto_bot.domain.policy import Policy
from pto_bot.domain.policy_file import load_policy
from pto_bot.plan.actions import (
    Action,
    CreateIssue,
    EditIssue,
    EditNote,
    PostNote,
    SetLabels,
    SetState,
)
from pto_bot.plan.planner import Plan, plan

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://gitlab.example.com/team/ase"


def at(text: str) -> datetime:
    """'2026-12-01' or '2026-12-01T09:00' as an aware UTC datetime."""
    moment = datetime.fromisoformat(text if "T" in text else f"{text}T14:00:00")
    return moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def policy_file(name: str = "policy.yaml") -> Policy:
    path = ROOT / name if name == "policy.yaml" else ROOT / "examples" / "policies" / name
    return load_policy(path)


def policy_with(section: str, **values: object) -> Policy:
    """The shipped policy with ``values`` set in its ``section``."""
    data = policy_file().model_dump(by_alias=True)
    data[section] = {**data[section], **values}
    return Policy.model_validate(data)


@dataclass
class Project:
    policy: Policy = field(default_factory=policy_file)
    data: dict[str, Any] = field(
        default_factory=lambda: {
            "project": {"id": 7, "path_with_namespace": "team/ase", "web_url": BASE},
            "issues": [],
            "notes": {},
            "links": [],
        }
    )
    next_note: int = 100
    chat: bool = False  # a team-channel webhook is set up
    messages: list[str] = field(default_factory=list)  # what reached the team channel

    # -- building ---------------------------------------------------------------------------------
    def _issue(
        self,
        title: str,
        description: str,
        labels: list[str],
        author: str,
        created: str,
        assignees: tuple[str, ...] = (),
    ) -> int:
        iid = max((i["iid"] for i in self.data["issues"]), default=0) + 1
        self.data["issues"].append(
            {
                "iid": iid,
                "title": title,
                "description": description,
                "labels": labels,
                "state": "opened",
                "author": {"username": author},
                "assignees": [{"username": a} for a in assignees],
                "created_at": iso(at(created)),
                "updated_at": iso(at(created)),
                "closed_at": None,
                "web_url": f"{BASE}/-/issues/{iid}",
            }
        )
        return iid

    def playbook(
        self,
        name: str,
        owner: str,
        priority: str | None = "high",
        model: str | None = "global-support",
        updated: str = "2026-11-20",
    ) -> int:
        labels = ["playbook"]
        if priority:
            labels.append(f"priority::{priority}")
        if model:
            labels.append(f"coverage::{model}")
        iid = self._issue(
            f"Playbook: {name}", "Account notes", labels, owner, "2026-01-05", (owner,)
        )
        self.raw(iid)["updated_at"] = iso(at(updated))
        # the owner edited the description then: GitLab records it as a system note
        self.comment(iid, owner, "changed the description", when=updated, system=True)
        return iid

    def request(
        self,
        engineer: str,
        start: str,
        end: str,
        kind: str = "planned",
        created: str = "2026-11-01",
        author: str | None = None,
        backups: str = "",
        extra: str = "",
    ) -> int:
        body = (
            f"- **Engineer:** @{engineer}\n- **Start:** {start}\n- **End:** {end}\n"
            f"- **Type:** {kind}\n- **Backups:** {backups}\n- **Notes:**\n{extra}"
        )
        return self._issue(f"PTO {engineer}", body, ["pto"], author or engineer, created)

    def raw_request(self, description: str, author: str, created: str = "2026-11-01") -> int:
        return self._issue("PTO", description, ["pto"], author, created)

    def comment(
        self, iid: int, author: str, body: str, when: str = "2026-11-02", system: bool = False
    ) -> int:
        self.next_note += 1
        self.data["notes"].setdefault(str(iid), []).append(
            {
                "id": self.next_note,
                "body": body,
                "author": {"username": author},
                "created_at": iso(at(when)),
                "updated_at": iso(at(when)),
                "system": system,
            }
        )
        return self.next_note

    def raw(self, iid: int) -> dict[str, Any]:
        return next(i for i in self.data["issues"] if i["iid"] == iid)

    def edit(self, iid: int, **changes: Any) -> None:
        self.raw(iid).update(changes)

    # -- running ----------------------------------------------------------------------------------
    def tracker(self, now: datetime) -> OfflineTracker:
        return OfflineTracker(None, self.policy.bot.username, lambda: now, data=self.data)

    def plan(self, now: str, chat: bool | None = None) -> Plan:
        """The plan at ``now``; ``chat``: a team-channel webhook is set up (default: the
        project's ``chat``)."""
        moment = at(now)
        snapshot = self.tracker(moment).read(everything())
        return plan(self.policy, snapshot, moment, chat=self.chat if chat is None else chat)

    def run(self, now: str) -> tuple[Plan, Applied]:
        the_plan = self.plan(now)
        notifier = self.messages.append if self.chat else None
        return the_plan, apply(self.tracker(at(now)), the_plan.actions, notifier=notifier)

    # -- reading results --------------------------------------------------------------------------
    def labels(self, iid: int) -> list[str]:
        return list(self.raw(iid)["labels"])

    def notes(self, iid: int, topic: str | None = None) -> list[str]:
        bodies = [
            n["body"]
            for n in self.data["notes"].get(str(iid), [])
            if n["author"]["username"] == self.policy.bot.username
        ]
        if topic is None:
            return bodies
        return [b for b in bodies if (read_marker(b) or {}).get("t") == topic]

    def note(self, iid: int, topic: str) -> str:
        found = self.notes(iid, topic)
        assert len(found) == 1, f"expected one [{topic}] note on #{iid}, found {len(found)}"
        return found[0]

    def coverage_of(self, request_iid: int) -> dict[str, Any] | None:
        """The coverage issue of a request."""
        for issue in self.data["issues"]:
            data = read_marker(issue["description"] or "")
            if "pto-coverage" in issue["labels"] and data and data.get("request") == request_iid:
                return issue
        return None

    def fallback_of(self, request_iid: int) -> dict[str, Any] | None:
        for issue in self.data["issues"]:
            data = read_marker(issue["description"] or "")
            if "pto-fallback" in issue["labels"] and data and data.get("request") == request_iid:
                return issue
        return None


def everything() -> Query:
    """Every issue of the bot's labels, as an offline file is read."""
    labels = ("pto", "playbook", "pto-fallback", "pto-coverage", "pto-dashboard", "pto-checkin")
    closed = ("pto", "pto-fallback", "pto-coverage", "pto-checkin")
    return Query(labels, closed, at("2025-01-01"), board="pto-dashboard")


def kinds(actions: list[Action]) -> list[str]:
    names = {
        SetLabels: "labels",
        PostNote: "post",
        EditNote: "edit",
        CreateIssue: "create",
        EditIssue: "describe",
        SetState: "state",
    }
    return [names.get(type(a), type(a).__name__) for a in actions]
