"""The harness of the end-to-end tests: the command line run exactly as the CI job runs it
(environment variables, policy file, ``--now``) against the stateful fake GitLab, and what a person
would see there afterwards (issues, labels, notes, links, the HTTP requests a run made).

Time: the tracker takes ``sleep``, ``clock`` and ``now`` as constructor defaults bound when the
module was imported, so monkeypatching ``time.sleep`` would not reach it. The ``team`` fixture
wraps ``GitLabTracker.from_env`` instead (the CLI still builds its tracker from the environment)
and injects the fake's clock: retries wait on the fake's ``sleep`` (recorded in ``fake.sleeps``,
no real waiting) and the tracker's "now" is the fake's ``now``, which every run sets to its
``--now``.
"""

from __future__ import annotations

import io
import json
import random
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fake_gitlab import BASE_URL, PROJECT_ID, PROJECT_PATH, TOKEN, FakeGitLab
from project import ROOT, at
from pto_bot.adapters.gitlab.client import GitLabTracker
from pto_bot.adapters.gitlab.export import ProjectExport
from pto_bot.adapters.gitlab.inspect import Inspector
from pto_bot.cli import main
from pto_bot.domain.markers import read_marker
from pto_bot.domain.policy_file import load_policy

POLICY = str(ROOT / "policy.yaml")
MANAGER = "melroberts"
WRITES = ("POST", "PUT", "DELETE")


# --- the harness --------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    text: str
    calls: list[tuple[str, str]]

    @property
    def writes(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.calls if method in WRITES]

    def count(self, method: str, path_part: str = "") -> int:
        return sum(1 for m, p in self.calls if m == method and path_part in p)


@dataclass
class Team:
    """The AMER ASE project in the fake, and the CLI run against it."""

    fake: FakeGitLab
    tmp: Path
    policy: str = POLICY
    # Keep the bot's memory in GitLab (its dashboard issue, or a closed issue of its own when the
    # dashboard is off). Off by default: most tests look at other writes, and a bot without
    # memory reads every issue that can still matter, as it does on an offline file.
    remember: bool = False
    # How far the runner's clock is from GitLab's (the fake's): runners' clocks drift.
    skew: timedelta = timedelta(0)

    # -- setting the scene (no HTTP) --------------------------------------------------------
    def _issue(
        self,
        title: str,
        labels: list[str],
        description: str,
        author: str,
        created: str,
        assignees: tuple[str, ...] = (),
    ) -> int:
        return self.fake.add_issue(
            title,
            labels=labels,
            description=description,
            author=author,
            assignees=assignees,
            age=self.fake.now - at(created),
        )

    def playbook(
        self, name: str, owner: str, priority: str = "high", model: str = "auto-assigned"
    ) -> int:
        labels = ["playbook", f"priority::{priority}", f"coverage::{model}"]
        return self._issue(
            f"Playbook: {name}", labels, "Account notes", owner, "2026-01-05", (owner,)
        )

    def request(
        self,
        engineer: str,
        start: str,
        end: str,
        kind: str = "planned",
        created: str = "2026-11-01",
        author: str | None = None,
        title: str | None = None,
    ) -> int:
        body = (
            f"- **Engineer:** @{engineer}\n- **Start:** {start}\n- **End:** {end}\n"
            f"- **Type:** {kind}\n- **Backups:**\n- **Notes:** enjoy\n"
        )
        return self._issue(title or f"PTO {engineer}", ["pto"], body, author or engineer, created)

    def raw_request(self, description: str, author: str, created: str = "2026-11-05") -> int:
        return self._issue("PTO", ["pto"], description, author, created)

    def comment(self, iid: int, author: str, body: str, when: str) -> int:
        self.fake.now = at(when)
        return self.fake.add_note(iid, body, author=author)

    def edit(self, iid: int, when: str, by: str | None = None, **changes: Any) -> None:
        """A person (``by``, default the issue's author) edits an issue in the UI: fields
        change, ``updated_at`` moves; a change of ``state`` closes or reopens it as that
        person (``closed_by``, a state event)."""
        self.fake.now = at(when)
        issue = self.fake.issues[iid]
        if changes.get("state") in ("opened", "closed"):
            event = "close" if changes["state"] == "closed" else "reopen"
            self.fake.set_state(iid, event, by or issue["author"])
        issue.update(changes)
        issue["updated_at"] = self.fake.now

    # -- running ----------------------------------------------------------------------------
    def run(self, *argv: str, now: str) -> Run:
        self.fake.now = at(now)
        mark = len(self.fake.calls)
        out = io.StringIO()
        code = main([*argv, "--policy", self.policy, "--now", self.fake.now.isoformat()], out=out)
        return Run(code, out.getvalue(), self.fake.calls[mark:])

    def reconcile(self, now: str, *extra: str) -> Run:
        return self.run("reconcile", *extra, now=now)

    def event(self, payload: dict[str, Any], now: str) -> Run:
        path = self.tmp / "trigger_payload.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        return self.run("handle-event", "--payload", str(path), now=now)

    # -- reading what people see ------------------------------------------------------------
    def labels(self, iid: int) -> list[str]:
        return list(self.fake.issues[iid]["labels"])

    def state(self, iid: int) -> str:
        return str(self.fake.issues[iid]["state"])

    def bot_notes(self, iid: int, topic: str | None = None) -> list[str]:
        return [
            n["body"]
            for n in self.fake.notes[iid]
            if n["author"] == self.fake.bot
            and (topic is None or (read_marker(n["body"]) or {}).get("t") == topic)
        ]

    def note(self, iid: int, topic: str) -> str:
        found = self.bot_notes(iid, topic)
        assert len(found) == 1, f"expected one [{topic}] note on #{iid}, found {len(found)}"
        return found[0]

    def coverage_of(self, request_iid: int) -> int:
        """The coverage issue of a request (there must be one)."""
        found = [
            iid
            for iid, issue in self.fake.issues.items()
            if "pto-coverage" in issue["labels"]
            and (read_marker(issue["description"] or "") or {}).get("request") == request_iid
        ]
        assert len(found) == 1, f"expected one coverage issue of #{request_iid}, found {found}"
        return found[0]

    def fallback_of(self, request_iid: int) -> int | None:
        for iid, issue in self.fake.issues.items():
            data = read_marker(issue["description"] or "") or {}
            if "pto-fallback" in issue["labels"] and data.get("request") == request_iid:
                return iid
        return None


def wire(fake_gitlab: FakeGitLab, tmp_path: Path, mp: pytest.MonkeyPatch) -> Team:
    """The AMER ASE project in ``fake_gitlab``: the CLI's environment pointing at it and its
    tracker on the fake's clock, patched through ``mp`` (undone with it)."""
    mp.setenv("GITLAB_URL", BASE_URL)
    mp.setenv("GITLAB_TOKEN", TOKEN)
    mp.setenv("PTO_BOT_PROJECT", str(PROJECT_ID))
    mp.setenv("PTO_BOT_STRICT", "1")  # a planning failure fails the run, never "nothing to do"
    for var in (
        "CI_SERVER_URL",
        "CI_PROJECT_ID",
        "TRIGGER_PAYLOAD",
        "PTO_BOT_CACHE",
        "PTO_BOT_SLACK_WEBHOOK",
        "PTO_BOT_CALENDAR_URL",
    ):
        mp.delenv(var, raising=False)
    team = Team(fake_gitlab, tmp_path)
    original = GitLabTracker.from_env  # bound to the class
    inspect_from_env = Inspector.from_env
    export_from_env = ProjectExport.from_env

    def on_fake_clock(kw: dict[str, Any]) -> dict[str, Any]:
        clock = {"sleep": fake_gitlab.sleep, "clock": fake_gitlab.monotonic}
        return {**kw, **clock, "now": lambda: fake_gitlab.now + team.skew}

    def from_env(env: Mapping[str, str], *args: Any, **kw: Any) -> GitLabTracker:
        return original(env, *args, **on_fake_clock(kw), memory=team.remember)

    def inspector(env: Mapping[str, str], **kw: Any) -> Inspector:
        return inspect_from_env(env, **on_fake_clock(kw))

    def exporter(env: Mapping[str, str], *args: Any, **kw: Any) -> ProjectExport:
        return export_from_env(env, *args, **on_fake_clock(kw))

    mp.setattr(GitLabTracker, "from_env", from_env)  # the CLI calls it on the class
    mp.setattr(Inspector, "from_env", inspector)  # pto-bot doctor
    mp.setattr(ProjectExport, "from_env", exporter)  # pto-bot export
    fake_gitlab.now = at("2026-11-20T14:00")
    for name in (
        "policy.yaml",
        "examples/policies/classic.yaml",
        "examples/policies/tam-buddy.yaml",
    ):
        roster = load_policy(ROOT / name)  # everyone on the bundled rosters has an account
        fake_gitlab.add_users([*roster.engineers, roster.team.manager])
    # The dashboard issue has its own test below; here it would only add one write per run.
    quiet = tmp_path / "policy.yaml"
    quiet.write_text(Path(POLICY).read_text().replace("dashboard: true", "dashboard: false"))
    team.policy = str(quiet)
    return team


@pytest.fixture
def team(fake_gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Team:
    return wire(fake_gitlab, tmp_path, monkeypatch)


@contextmanager
def running(fake_gitlab: FakeGitLab, tmp_path: Path) -> Iterator[Team]:
    """:func:`wire` outside pytest (the benchmarks)."""
    with pytest.MonkeyPatch.context() as mp:
        yield wire(fake_gitlab, tmp_path, mp)


#: The day :func:`year_of_history` leads up to.
HISTORY_TODAY = date(2026, 11, 20)


def year_of_history(team: Team, closed: int = 300, open_: int = 40) -> dict[str, int]:
    """A year of PTO: ``closed`` requests over (closed the day after they ended, with a comment),
    ``open_`` to come, the playbooks of the alpha pod; andsmith3 and dbass90 out together in
    December (the pod cannot cover dbass90's Northwind: a fallback request)."""
    team.policy = POLICY  # the shipped policy: the dashboard, and the memory in it
    team.remember = True
    rnd = random.Random(7)
    people = ["klang", "adamlauzon", "magomez3", "a.conrad", "malmendarez", "michwalker"]
    for name in ("Acme Corp", "Initech", "Globex"):
        team.playbook(name, "klang", "high", "auto-assigned")
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    counts = {"closed since January 1": 0}
    for _ in range(closed):
        start = HISTORY_TODAY - timedelta(days=rnd.randrange(10, 360))
        end = start + timedelta(days=rnd.randrange(0, 5))
        engineer = rnd.choice(people)
        iid = team.request(engineer, str(start), str(end), created=str(start - timedelta(20)))
        back = end + timedelta(days=1)
        team.fake.now = at(str(back))
        team.fake.add_note(iid, "Back, thanks!", author=engineer)
        team.edit(iid, str(back), state="closed", closed_at=at(str(back)))
        counts["closed since January 1"] += back >= date(2026, 1, 1)
    for n in range(open_ - 2):
        start = HISTORY_TODAY + timedelta(days=30 + 7 * n)
        team.request(people[n % len(people)], str(start), str(start + timedelta(2)))
    team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    counts["dbass90"] = team.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    counts["open"] = open_ + 4  # requests and playbooks
    counts["all"] = counts["open"] + counts["closed since January 1"]
    # whose notes a run without memory reads: those commented on, and the playbooks
    counts["read"] = counts["closed since January 1"] + 4
    return counts


def note_hook(
    team: Team, iid: int, note_id: int, author: str, *, project_id: int = PROJECT_ID
) -> dict[str, Any]:
    """GitLab's documented "Comment on an issue" Note Hook body (trimmed to what matters, in
    the documented shape, with the thread and the note's type GitLab's note builder adds), plus
    the pipeline trigger's ``id`` and ``ref``. ``confidential_note`` for an internal note or a
    note on a confidential issue, as GitLab sends it."""
    issue = team.fake.issues[iid]
    note = next(n for n in team.fake.notes[iid] if n["id"] == note_id)
    stamp = note["created_at"].strftime("%Y-%m-%d %H:%M:%S UTC")  # the older hook time form
    hidden = bool(note.get("internal") or issue.get("confidential"))
    return {
        "object_kind": "note",
        "event_type": "confidential_note" if hidden else "note",
        "user": {"id": 17, "name": author.title(), "username": author, "email": "[REDACTED]"},
        "project_id": project_id,
        "project": {
            "id": project_id,
            "name": "ASE",
            "path_with_namespace": PROJECT_PATH,
            "web_url": f"{BASE_URL}/{PROJECT_PATH}",
        },
        "object_attributes": {
            "id": note_id,
            "note": note["body"],
            "noteable_type": "Issue",
            "author_id": 17,
            "created_at": stamp,
            "updated_at": stamp,
            "project_id": project_id,
            "system": False,
            "noteable_id": 9000 + iid,
            "discussion_id": note["discussion_id"],
            "type": "DiscussionNote" if note.get("threaded") else None,
            "action": "create",
            "url": f"{BASE_URL}/{PROJECT_PATH}/-/issues/{iid}#note_{note_id}",
        },
        "issue": {
            "id": 9000 + iid,
            "iid": iid,
            "title": issue["title"],
            "description": issue["description"],
            "state": issue["state"],
            "confidential": bool(issue.get("confidential")),
            "labels": [{"id": n, "title": label} for n, label in enumerate(issue["labels"])],
        },
        "id": 4711,
        "ref": "main",
    }


def issue_hook(team: Team, iid: int, author: str, previous: list[str]) -> dict[str, Any]:
    """GitLab's documented Issue Hook body for a label change (trimmed), plus ``id`` and ``ref``."""
    issue = team.fake.issues[iid]
    labels = [{"id": n, "title": label} for n, label in enumerate(issue["labels"])]
    return {
        "object_kind": "issue",
        "event_type": "confidential_issue" if issue.get("confidential") else "issue",
        "user": {"id": 17, "name": author.title(), "username": author},
        "project": {"id": PROJECT_ID, "path_with_namespace": PROJECT_PATH},
        "object_attributes": {
            "id": 9000 + iid,
            "iid": iid,
            "title": issue["title"],
            "description": issue["description"],
            "state": issue["state"],
            "action": "update",
            "confidential": bool(issue.get("confidential")),
            "labels": labels,
            "updated_at": issue["updated_at"].strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
        "changes": {
            "labels": {
                "previous": [{"title": label} for label in previous],
                "current": [{"title": label} for label in issue["labels"]],
            }
        },
        "labels": labels,
        "assignees": [],
        "id": 4711,
        "ref": "main",
    }


def load_export(team: Team, data: dict[str, Any]) -> None:
    """An offline project file (the demo's, an export) in the fake, as GitLab would hold it:
    the same iids, authors, times and notes; collaboration projects too."""
    fake = team.fake

    def user(value: Any) -> str:
        return str(value.get("username") if isinstance(value, dict) else value)

    def load(
        space_issues: list[dict[str, Any]], notes: dict[str, Any], project: str | None
    ) -> None:
        def make() -> None:
            for raw in sorted(space_issues, key=lambda i: int(i["iid"])):
                iid = int(raw["iid"])
                fake.issues[iid] = {
                    "iid": iid,
                    "title": raw.get("title") or "",
                    "description": raw.get("description") or "",
                    "labels": [],
                    "state": raw.get("state") or "opened",
                    "author": user(raw["author"]),
                    "assignees": [user(a) for a in raw.get("assignees") or ()],
                    "created_at": at_iso(raw["created_at"]),
                    "updated_at": at_iso(raw.get("updated_at") or raw["created_at"]),
                    "closed_at": at_iso(raw["closed_at"]) if raw.get("closed_at") else None,
                }
                fake.notes[iid] = []
                fake._add_labels(fake.issues[iid], raw.get("labels") or ())
                for note in notes.get(str(iid)) or ():
                    fake.now = at_iso(note["created_at"])
                    stored = fake._store_note(
                        iid, note["body"], user(note["author"]), bool(note.get("system"))
                    )
                    stored["updated_at"] = at_iso(note.get("updated_at") or note["created_at"])
                fake.issues[iid]["updated_at"] = at_iso(raw.get("updated_at") or raw["created_at"])

        if project is None:
            make()
        else:
            fake._in_space(fake.add_project(project), make)

    load(data["issues"], data.get("notes") or {}, None)
    for path, space in (data.get("elsewhere") or {}).items():
        load(space["issues"], space.get("notes") or {}, path)


def at_iso(text: str) -> Any:
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- the bot's writes, back as the webhook GitLab sends for them ----------------------------------

_WRITE = re.compile(
    r"/projects/[^/]+/issues(?:/(\d+))?(?:/(notes|discussions/\w+/notes))?(?:/(\d+))?$"
)


def bot_events(team: Team, writes: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The webhook body GitLab sends for each write of a run (``Run.writes``): a comment posted
    or edited is a Note Hook, a new issue or a change of labels or description an Issue Hook,
    each by the bot. A link between issues makes system notes, which fire no webhook."""
    bot = team.fake.bot
    events = []
    for method, path in writes:
        found = _WRITE.search(path.split("?")[0])
        if found is None:
            continue
        iid, notes, note_id = found.groups()
        if notes is not None and iid is not None:
            ids = [n["id"] for n in team.fake.notes[int(iid)] if n["author"] == bot]
            chosen = int(note_id) if note_id is not None else max(ids)
            payload = note_hook(team, int(iid), chosen, bot)
            if method == "PUT":
                payload["object_attributes"]["action"] = "update"
        elif method == "POST":  # a new issue: the newest the bot opened
            opened = max(i for i, x in team.fake.issues.items() if x["author"] == bot)
            payload = issue_hook(team, opened, bot, previous=[])
            payload["object_attributes"]["action"] = "open"
        else:
            payload = issue_hook(team, int(iid or 0), bot, previous=[])
        events.append(payload)
    return events


def templated(payload: dict[str, Any], template: str) -> dict[str, Any]:
    """The body GitLab sends with a custom webhook template, as it renders one
    (app/services/web_hook_service.rb, with JSON serialization): each ``{{a.b}}`` is the field
    of the default body, a text JSON-escaped, anything else written as JSON; then the
    pipeline trigger adds its ``id`` and ``ref``."""
    data = {k: v for k, v in payload.items() if k not in ("id", "ref")}

    def field(found: re.Match[str]) -> str:
        value: Any = data
        for part in found.group(1).split("."):
            if isinstance(value, list):
                raise TypeError("GitLab refuses a field inside a list")
            value = value.get(part) if isinstance(value, dict) else None
        text = json.dumps(value, ensure_ascii=False)
        return text[1:-1] if isinstance(value, str) else text

    return {**json.loads(re.sub(r"{{(.+?)}}", field, template)), "id": 4711, "ref": "main"}
