"""How the planner's time and memory grow with the project: a no-op reconcile (the project
already converged, nothing to write) at 100, 2,000 and 20,000 PTO requests.

Run it from the project root::

    .venv/bin/python benchmarks/planner.py [--sizes 100,2000,20000]

Each size is a synthetic team (one engineer per 20 requests, pods of three, two account
playbooks each; requests spread over two years, those over for more than three days closed)
in the offline tracker. The first reconcile writes everything; the one measured is the second,
which plans the whole project and writes nothing. Planner time is the median of three plans
(wall clock: compare sizes with each other in one run, never with another machine); peak memory
is tracemalloc's peak for one plan. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pto_bot.adapters.offline import OfflineTracker  # noqa: E402
from pto_bot.app.apply import apply  # noqa: E402
from pto_bot.app.read import query  # noqa: E402
from pto_bot.domain.policy import Policy  # noqa: E402
from pto_bot.domain.policy_file import load_policy, parse_policy  # noqa: E402
from pto_bot.plan.planner import plan  # noqa: E402

NOW = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
PER_ENGINEER = 20  # requests per engineer


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def team(engineers: int) -> Policy:
    data: dict[str, Any] = load_policy(ROOT / "policy.yaml").model_dump(by_alias=True)
    names = [f"eng{i:05d}" for i in range(engineers)]
    data["engineers"] = {u: {"country": "US"} for u in names}
    data["pods"] = {
        f"pod{i:04d}": {"lead": names[3 * i], "members": names[3 * i : 3 * i + 3]}
        for i in range(engineers // 3)
    }
    data["team"]["manager"] = names[0]
    data["reports"]["dashboard"] = False
    return parse_policy(data)


def project(requests: int, seed: int = 7) -> tuple[Policy, dict[str, Any]]:
    rnd = random.Random(seed)
    engineers = max(3, requests // PER_ENGINEER // 3 * 3)
    policy = team(engineers)
    names = list(policy.engineers)
    issues: list[dict[str, Any]] = []

    def add(title: str, description: str, labels: list[str], author: str, created: datetime,
            state: str = "opened", assignee: str | None = None) -> None:  # fmt: skip
        iid = len(issues) + 1
        issues.append(
            {
                "iid": iid,
                "title": title,
                "description": description,
                "labels": labels,
                "state": state,
                "author": {"username": author},
                "assignees": [{"username": assignee}] if assignee else [],
                "created_at": _iso(created),
                "updated_at": _iso(created),
                "closed_at": _iso(created + timedelta(days=30)) if state == "closed" else None,
                "web_url": f"https://gitlab.example.com/team/ase/-/issues/{iid}",
            }
        )

    opened = NOW - timedelta(days=400)
    for user in names:
        add(f"Playbook: {user} A", "notes", ["playbook", "priority::high",
            "coverage::auto-assigned"], user, opened, assignee=user)  # fmt: skip
        add(f"Playbook: {user} B", "notes", ["playbook", "priority::normal",
            "coverage::global-support"], user, opened, assignee=user)  # fmt: skip
    first = date(2025, 12, 1)
    for _ in range(requests):
        user = rnd.choice(names)
        start = first + timedelta(days=rnd.randrange(0, 700))
        end = start + timedelta(days=rnd.randrange(0, 8))
        created = datetime.combine(start, datetime.min.time(), tzinfo=UTC) - timedelta(
            days=rnd.randrange(15, 60)
        )
        over = end < NOW.date() - timedelta(days=3)
        body = (
            f"- **Engineer:** @{user}\n- **Start:** {start}\n- **End:** {end}\n"
            "- **Type:** planned\n"
        )
        add(f"PTO {user}", body, ["pto"], user, created, "closed" if over else "opened")
    return policy, {"project": {"id": 1, "path_with_namespace": "team/ase"}, "issues": issues}


def measure(requests: int) -> dict[str, float]:
    policy, data = project(requests)
    tracker = OfflineTracker(None, policy.bot.username or "pto-bot", lambda: NOW, data=data)
    labels = query(policy, NOW)
    first = plan(policy, tracker.read(labels), NOW)
    apply(tracker, first.actions)
    snapshot = tracker.read(labels)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        again = plan(policy, snapshot, NOW)
        times.append(time.perf_counter() - started)
    assert again.actions == (), f"not converged: {len(again.actions)} actions"
    tracemalloc.start()
    plan(policy, snapshot, NOW)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "requests": requests,
        "engineers": len(policy.engineers),
        "issues": len(snapshot.issues),
        "seconds": statistics.median(times),
        "peak_mib": peak / 2**20,
        "first_writes": len(first.actions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,2000,20000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    rows = [measure(n) for n in sizes]
    print("| PTO requests | engineers | issues read | no-op plan | per request | peak memory |")
    print("|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        per = row["seconds"] / row["requests"] * 1000
        print(
            f"| {row['requests']:,} | {row['engineers']:,} | {row['issues']:,} | "
            f"{row['seconds']:.2f} s | {per:.2f} ms | {row['peak_mib']:.0f} MiB |"
        )
    if len(rows) >= 2:
        a, b = rows[-2], rows[-1]
        data = b["requests"] / a["requests"]
        print(
            f"\nGrowth from {a['requests']:,} to {b['requests']:,} requests "
            f"({data:g}x the data): {b['seconds'] / a['seconds']:.1f}x the time "
            f"(linear: {data:g}x)."
        )


if __name__ == "__main__":
    main()
