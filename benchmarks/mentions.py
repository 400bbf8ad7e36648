"""How many GitLab API requests a mention costs the webhook job, and a scheduled run while
someone is out.

Run it from the project root, offline, in a few seconds::

    .venv/bin/python benchmarks/mentions.py

It builds the AMER ASE project in the stateful fake GitLab of ``tests/fake_gitlab.py`` (no
network): klang is out Mon 2026-11-23 – Fri 2026-11-27 and his accounts Acme Corp and Initech
each have a collaboration project (the playbook's ``Collaboration project:`` field). Two
scheduled runs on the Friday before write the coverage and the bot's memory (in its dashboard
issue). Then each row is one ``handle-event`` with a Note Hook payload, as the webhook job runs
it, with no runner cache (a cold runner: everything comes from GitLab) but for the one row that
says so, and prints a Markdown table of the requests the fake received ("reads" are GETs,
"writes" POST/PUT).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(ROOT / "tests"))

import responses  # noqa: E402

from fake_gitlab import BASE_URL, PROJECT_ID, TOKEN, FakeGitLab  # noqa: E402
from pto_bot.adapters.gitlab.client import GitLabTracker  # noqa: E402
from pto_bot.cli import main  # noqa: E402

SHIPPED = ROOT / "policy.yaml"
POLICY = Path(tempfile.mkdtemp()) / "policy.yaml"  # the shipped one, the customers' group allowed
ACME, INITECH = "customers/acme", "customers/initech"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def build(fake: FakeGitLab) -> dict[str, int]:
    fake.now = at("2026-11-01T14:00")
    made: dict[str, int] = {}
    for name, path in (("Acme Corp", ACME), ("Initech", INITECH)):
        fake.add_project(path)
        made[name] = fake.add_issue(
            f"Playbook: {name}",
            labels=["playbook", "priority::high", "coverage::auto-assigned"],
            description=f"- **Collaboration project:** {path}\n",
            author="klang",
            assignees=["klang"],
        )
    body = "- **Engineer:** @klang\n- **Start:** 2026-11-23\n- **End:** 2026-11-27\n"
    made["request"] = fake.add_issue(
        "PTO klang", labels=["pto"], description=body + "- **Type:** planned\n", author="klang"
    )
    made["issue"] = fake.add_issue_in(ACME, "Upgrade to 18.6", author="jane", description="Plan")
    return made


def hook(fake: FakeGitLab, project: str | None, iid: int, note: int, author: str) -> dict[str, Any]:
    space = fake.others[project] if project else fake.team
    raw = next(n for n in space.notes[iid] if n["id"] == note)
    issue = space.issues[iid]
    stamp = raw["created_at"].strftime("%Y-%m-%d %H:%M:%S UTC")
    return {
        "object_kind": "note",
        "event_type": "note",
        "user": {"id": 99, "username": author},
        "project": {"id": space.id, "path_with_namespace": space.path},
        "object_attributes": {
            "id": note,
            "note": raw["body"],
            "noteable_type": "Issue",
            "discussion_id": raw["discussion_id"],
            "created_at": stamp,
            "updated_at": stamp,
            "action": "create",
            "url": f"{BASE_URL}/{space.path}/-/issues/{iid}#note_{note}",
        },
        "issue": {"iid": iid, "labels": list(issue["labels"])},
    }


def run(fake: FakeGitLab, when: str, *argv: str) -> tuple[int, int, str]:
    fake.now = at(when)
    mark = len(fake.calls)
    out = io.StringIO()
    code = main([*argv, "--policy", str(POLICY), "--now", fake.now.isoformat()], out=out)
    if code not in (0, 1) or not out.getvalue():
        raise SystemExit(f"pto-bot {' '.join(argv)} at {when} failed ({code}):\n{out.getvalue()}")
    calls = fake.calls[mark:]
    reads = sum(1 for m, _ in calls if m == "GET")
    return reads, len(calls) - reads, out.getvalue().splitlines()[0]


def event(
    fake: FakeGitLab, folder: Path, payload: dict[str, Any], when: str, *extra: str
) -> tuple[int, int, str]:
    path = folder / "payload.json"
    path.write_text(json.dumps(payload))
    return run(fake, when, "handle-event", "--payload", str(path), *extra)


def measure(folder: Path) -> list[tuple[str, int, int, str]]:
    rows = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeGitLab(mock)
        original = GitLabTracker.from_env

        def from_env(env: Mapping[str, str], *args: Any, **kw: Any) -> GitLabTracker:
            kw.update(sleep=fake.sleep, clock=fake.monotonic, now=lambda: fake.now)
            return original(env, *args, **kw)

        with patch.object(GitLabTracker, "from_env", from_env):
            made = build(fake)
            for hour in ("14:00", "15:00"):
                run(fake, f"2026-11-20T{hour}", "reconcile")
            cases = [
                ("a mention of nobody on the roster", ACME, made["issue"], "@jdoe can you help?"),
                ("a mention in code or a quote", ACME, made["issue"], "> @klang said so"),
                ("a roster engineer who is not out", ACME, made["issue"], "@adamlauzon ping"),
                (
                    "someone out, in a customer's project: answered",
                    ACME,
                    made["issue"],
                    "@klang news?",
                ),
            ]
            minute = 0
            first = 0
            for what, project, iid, body in cases:
                minute += 5
                fake.now = at(f"2026-11-23T15:{minute:02}")
                note = fake.add_note(iid, body, author="jane", project=project)
                first = note
                rows.append(
                    (
                        what,
                        *event(
                            fake,
                            folder,
                            hook(fake, project, iid, note, "jane"),
                            f"2026-11-23T15:{minute + 1:02}",
                        ),
                    )
                )
            fake.now = at("2026-11-23T15:40")
            thread = fake.thread_of(made["issue"], first, ACME)
            again = fake.add_note(
                made["issue"], "@klang any news?", author="jane", project=ACME, thread=thread
            )
            rows.append(
                (
                    "the same thread again: not answered twice",
                    *event(
                        fake,
                        folder,
                        hook(fake, ACME, made["issue"], again, "jane"),
                        "2026-11-23T15:41",
                    ),
                )
            )
            fake.now = at("2026-11-23T15:45")
            note = fake.add_note(made["Acme Corp"], "@klang renewal?", author="melroberts")
            rows.append(
                (
                    "someone out, on a playbook: answered",
                    *event(
                        fake,
                        folder,
                        hook(fake, None, made["Acme Corp"], note, "melroberts"),
                        "2026-11-23T15:46",
                    ),
                )
            )
            # a runner whose cache the last run wrote knows who is away without a request
            cache = ("--cache", str(folder / "cache.json"))
            run(fake, "2026-11-23T16:00", "reconcile", *cache)
            fake.now = at("2026-11-23T16:10")
            note = fake.add_note(made["issue"], "@adamlauzon ping", author="jane", project=ACME)
            payload = hook(fake, ACME, made["issue"], note, "jane")
            rows.append(
                (
                    "a roster engineer who is not out, runner cache warm",
                    *event(fake, folder, payload, "2026-11-23T16:11", *cache),
                )
            )
            for hour in ("17:00", "18:00", "19:00"):
                run(fake, f"2026-11-23T{hour}", "reconcile")
            rows.append(
                (
                    "scheduled run while klang is out, nothing new",
                    *run(fake, "2026-11-23T20:00", "reconcile"),
                )
            )
    return rows


def main_benchmark() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    os.environ.update(GITLAB_URL=BASE_URL, GITLAB_TOKEN=TOKEN, PTO_BOT_PROJECT=str(PROJECT_ID))
    os.environ["PTO_BOT_STRICT"] = "1"  # a planning failure fails the benchmark
    for var in ("CI_SERVER_URL", "CI_PROJECT_ID", "TRIGGER_PAYLOAD", "PTO_BOT_CACHE"):
        os.environ.pop(var, None)
    text = SHIPPED.read_text(encoding="utf-8")
    POLICY.write_text(text.replace("  groups: []", "  groups: [customers]", 1), encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        rows = measure(Path(folder))
    print("| event | requests | reads | writes | the job says |")
    print("| --- | --- | --- | --- | --- |")
    for what, reads, writes, said in rows:
        print(f"| {what} | {reads + writes} | {reads} | {writes} | {said[:70]} |")


if __name__ == "__main__":
    main_benchmark()
