"""How many GitLab API requests pto_bot's runs cost, as the project's history grows.

Run it from the project root, offline, in a few seconds::

    .venv/bin/python benchmarks/requests.py

For 10, 100 and 1,000 PTO requests on file it builds a project in the stateful fake GitLab of
``tests/fake_gitlab.py`` (no network): 24 account playbooks, a few open requests (one engineer
out alone, two of pod alpha out together so a fallback request is opened, one further ahead) and
the rest closed history opened over the past 460 days, each with two old comments. Then it runs
``pto-bot`` exactly as the CI jobs do (``pto_bot.cli.main`` with ``GITLAB_URL``, ``GITLAB_TOKEN``,
``PTO_BOT_PROJECT``, ``--cache FILE`` and ``--now``) and prints a Markdown table.

Columns (every number counts HTTP requests the fake received, retries included; "writes" are the
POST/PUT requests among them):

- *requests on file*: PTO requests in the project (open + closed, however old).
- *read*: issues the run reads: open ones, plus closed ones updated in the last 400 days (older
  history can no longer matter and is never listed).
- *first run*: the scheduled ``reconcile`` with a cold cache: issue lists per label, open and
  closed, one notes page per issue read, and the writes that bring the project up to date.
- *second run*: an hour later, warm cache: the lists, plus the notes of the issues the first run
  wrote to (its own writes changed them, so their cached notes are stale once); no writes.
- *steady state*: another hour later, nothing changed: only the lists, all notes from the cache.
- *event*: someone comments ``/pto status`` on an open request; the webhook job
  (``handle-event`` with that Note Hook payload, warm cache) reads the lists and the one changed
  issue's notes, and posts the reply.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# This file is named like the HTTP library: take its folder off the path so ``import requests``
# (python-gitlab, responses, the fake) finds the real one; put the tests folder on it instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT / "tests"))

import responses  # noqa: E402

from fake_gitlab import BASE_URL, PROJECT_ID, PROJECT_PATH, TOKEN, FakeGitLab  # noqa: E402
from pto_bot.adapters.gitlab.client import GitLabTracker  # noqa: E402
from pto_bot.cli import main  # noqa: E402

POLICY = ROOT / "policy.yaml"
NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
SIZES = (10, 100, 1000)
HISTORY_DAYS = 460
ENGINEERS = (
    "harishsr",
    "dbass90",
    "andsmith3",
    "klang",
    "adamlauzon",
    "magomez3",
    "a.conrad",
    "malmendarez",
    "michwalker",
)
ACCOUNTS = (
    "Acme Corp", "Initech", "Globex", "Hooli", "Umbrella", "Soylent", "Northwind", "Contoso",
    "Wayne Enterprises", "Stark Industries", "Wonka", "Cyberdyne", "Tyrell", "Massive Dynamic",
    "Aperture", "Black Mesa", "Oscorp", "Gringotts", "Monsters Inc", "Vandelay", "Pied Piper",
    "Dunder Mifflin", "Prestige Worldwide", "Bluth Company",
)  # fmt: skip


@dataclass
class Cost:
    requests: int
    writes: int

    def __str__(self) -> str:
        return f"{self.requests} ({self.writes} write{'' if self.writes == 1 else 's'})"


# --- building the project -----------------------------------------------------------------------


def _request_body(engineer: str, start: str, end: str) -> str:
    return (
        f"- **Engineer:** @{engineer}\n- **Start:** {start}\n- **End:** {end}\n"
        "- **Type:** planned\n- **Backups:**\n- **Notes:** see you soon\n"
    )


def build(fake: FakeGitLab, on_file: int) -> int:
    """Fill ``fake`` with playbooks and ``on_file`` requests; return the iid of an open request."""
    fake.now = NOW
    for n, name in enumerate(ACCOUNTS):
        owner = ENGINEERS[n % len(ENGINEERS)]
        labels = [
            "playbook",
            "priority::high" if n % 3 != 2 else "priority::normal",
            "coverage::auto-assigned" if n % 4 == 0 else "coverage::global-support",
        ]
        fake.add_issue(
            f"Playbook: {name}",
            labels=labels,
            description="Account notes",
            author=owner,
            assignees=[owner],
            age=timedelta(days=300 - n),
        )
    history = on_file - 4
    for n in range(history):
        engineer = ENGINEERS[n % len(ENGINEERS)]
        # opened 460 to 40 days ago, so every one of them is over and closed by now
        opened = NOW - timedelta(days=HISTORY_DAYS - (HISTORY_DAYS - 40) * n / history)
        first_day = (opened + timedelta(days=21)).date()
        last_day = first_day + timedelta(days=2 + n % 4)
        closed = opened + timedelta(days=21 + 2 + n % 4 + 3)
        body = _request_body(engineer, first_day.isoformat(), last_day.isoformat())
        fake.now = opened  # the fake stamps new issues and notes with its clock
        iid = fake.add_issue(
            f"PTO {engineer}", labels=["pto"], description=body, author=engineer, age=timedelta(0)
        )
        fake.now = opened + timedelta(hours=2)
        fake.add_note(iid, "Enjoy! I have your accounts.", author="klang")
        fake.now = closed
        fake.add_note(iid, "Back, thanks!", author=engineer)
        fake.issues[iid].update(state="closed", closed_at=closed, updated_at=closed)
    fake.now = NOW
    opened_requests = [
        ("klang", "2026-12-07", "2026-12-11", 19),  # one out: the pod covers
        ("andsmith3", "2026-12-14", "2026-12-18", 18),  # two of pod alpha out together:
        ("dbass90", "2026-12-14", "2026-12-18", 17),  # ... a fallback request opens
        ("a.conrad", "2027-01-04", "2027-01-08", 15),
    ]
    first = 0
    for engineer, start, end, days_ago in opened_requests:
        iid = fake.add_issue(
            f"PTO {engineer}",
            labels=["pto"],
            description=_request_body(engineer, start, end),
            author=engineer,
            age=timedelta(days=days_ago),
        )
        first = first or iid
    return first


# --- running ------------------------------------------------------------------------------------


def note_hook(fake: FakeGitLab, iid: int, note_id: int, author: str) -> dict[str, Any]:
    """GitLab's "Comment on an issue" Note Hook body (trimmed), plus the trigger's id and ref."""
    issue = fake.issues[iid]
    note = next(n for n in fake.notes[iid] if n["id"] == note_id)
    stamp = note["created_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
    return {
        "object_kind": "note",
        "event_type": "note",
        "user": {"id": 17, "name": author, "username": author},
        "project_id": PROJECT_ID,
        "project": {"id": PROJECT_ID, "path_with_namespace": PROJECT_PATH},
        "object_attributes": {
            "id": note_id,
            "note": note["body"],
            "noteable_type": "Issue",
            "author_id": 17,
            "created_at": stamp,
            "updated_at": stamp,
            "system": False,
            "action": "create",
        },
        "issue": {
            "id": 9000 + iid,
            "iid": iid,
            "title": issue["title"],
            "state": issue["state"],
            "labels": [{"title": label} for label in issue["labels"]],
        },
        "id": 1,
        "ref": "main",
    }


def run(fake: FakeGitLab, at: datetime, *argv: str) -> Cost:
    fake.now = at
    mark = len(fake.calls)
    out = io.StringIO()
    code = main([*argv, "--policy", str(POLICY), "--now", at.isoformat()], out=out)
    if code != 0:
        raise SystemExit(f"pto-bot {' '.join(argv)} exited {code}:\n{out.getvalue()}")
    calls = fake.calls[mark:]
    return Cost(len(calls), sum(1 for method, _ in calls if method in ("POST", "PUT")))


def on_fake_clock(fake: FakeGitLab) -> Any:
    """Patch ``GitLabTracker.from_env`` (which the CLI calls) to run the tracker on the fake's
    clock: retries wait on ``fake.sleep`` (no real waiting), its "now" is the fake's ``now``."""
    original = GitLabTracker.from_env

    def from_env(env: Mapping[str, str], **kw: Any) -> GitLabTracker:
        kw.update(sleep=fake.sleep, clock=fake.monotonic, now=lambda: fake.now)
        return original(env, **kw)

    return patch.object(GitLabTracker, "from_env", from_env)


def measure(on_file: int, workdir: Path) -> list[str]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeGitLab(mock)
        request_iid = build(fake, on_file)
        lookback = NOW - timedelta(days=400)
        read = sum(
            1
            for issue in fake.issues.values()
            if issue["state"] == "opened" or issue["updated_at"] >= lookback
        )
        cache = ("--cache", str(workdir / f"cache-{on_file}.json"))
        with on_fake_clock(fake):
            first = run(fake, NOW, "reconcile", *cache)
            second = run(fake, NOW + timedelta(hours=1), "reconcile", *cache)
            steady = run(fake, NOW + timedelta(hours=2), "reconcile", *cache)
            fake.now = NOW + timedelta(hours=2, minutes=30)
            note_id = fake.add_note(request_iid, "/pto status", author="adamlauzon")
            payload = workdir / f"payload-{on_file}.json"
            payload.write_text(json.dumps(note_hook(fake, request_iid, note_id, "adamlauzon")))
            event = run(fake, fake.now, "handle-event", "--payload", str(payload), *cache)
    return [f"{on_file:,}", str(read), str(first), str(second), str(steady), str(event)]


def table(rows: list[list[str]]) -> str:
    head = [
        "requests on file",
        "read",
        "first run (cold cache)",
        "second run",
        "steady state",
        "event (/pto status)",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main_benchmark() -> None:
    os.environ.update(GITLAB_URL=BASE_URL, GITLAB_TOKEN=TOKEN, PTO_BOT_PROJECT=str(PROJECT_ID))
    for var in ("CI_SERVER_URL", "CI_PROJECT_ID", "PTO_BOT_CACHE", "PTO_BOT_SLACK_WEBHOOK"):
        os.environ.pop(var, None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(size, Path(tmp)) for size in SIZES]
    print("HTTP requests per run (writes in brackets), 24 playbooks, 4 open PTO requests:\n")
    print(table(rows))
    print(f"\n(built and measured offline in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main_benchmark()
