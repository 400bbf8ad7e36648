"""CPU time of the commands a CI job runs, against the interpreter's floor: ``python -c pass`` in
the same virtual environment. A job's own work is a fraction of a second; what it costs beyond
the floor is mostly what it imports, so each figure is a ratio to that floor.

Run it from the project root, offline (about a minute)::

    .venv/bin/python benchmarks/job_cpu.py [--runs 7]

Every command runs in a child process; its CPU time (user + system) is read with
``resource.getrusage(RUSAGE_CHILDREN)`` around it, and the median of ``--runs`` runs is shown.
Bytecode is compiled once beforehand into a folder of its own (``PYTHONPYCACHEPREFIX``), and the
templates into the package (``python -m pto_bot.app.templates``), as the container image has
them, so no figure includes compiling pto_bot's sources. The commands take turns, run after run.
The reconciles run against the test suite's fake GitLab served over HTTP on 127.0.0.1 (its CPU
is this process's, not the child's): a small team (three playbooks, a PTO request), settled by a
first run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests"), str(HERE)]

import responses  # noqa: E402
from serve_fake_gitlab import handler, team  # noqa: E402

from fake_gitlab import PROJECT_ID, PROJECT_PATH, TOKEN, FakeGitLab  # noqa: E402

POLICY = str(ROOT / "policy.yaml")


def cpu_of(argv: Sequence[str], env: Mapping[str, str]) -> tuple[float, float]:
    """The CPU time (user + system) and wall time of one run of ``argv``, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}{done.stdout}"
        )
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, wall


def medians(
    commands: Mapping[str, Sequence[str]], env: Mapping[str, str], runs: int
) -> dict[str, tuple[float, float]]:
    """The median CPU and wall time of each command; the commands take turns, run after run, so
    that a busy machine weighs on each alike."""
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            found[name].append(cpu_of(argv, env))
    return {
        name: (statistics.median(c for c, _ in times), statistics.median(w for _, w in times))
        for name, times in found.items()
    }


def note_hook(author: str, body: str, labels: list[str], project: int = PROJECT_ID) -> Any:
    path = PROJECT_PATH if project == PROJECT_ID else "elsewhere/other"
    return {
        "object_kind": "note",
        "event_type": "note",
        "user": {"username": author},
        "project": {"id": project, "path_with_namespace": path},
        "object_attributes": {
            "id": 9001,
            "note": body,
            "noteable_type": "Issue",
            "action": "create",
            "updated_at": datetime.now(UTC).isoformat(),
        },
        "issue": {"iid": 4, "labels": labels},
    }


def label_hook(author: str) -> Any:
    return {
        "object_kind": "issue",
        "event_type": "issue",
        "user": {"username": author},
        "project": {"id": PROJECT_ID, "path_with_namespace": PROJECT_PATH},
        "object_attributes": {"iid": 4, "action": "update", "labels": [{"title": "pto"}]},
        "labels": [{"title": "pto"}, {"title": "out::1"}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median)")
    parser.add_argument(
        "--source-only",
        action="store_true",
        help="pto_bot's modules and templates compiled from source on every run, as on an "
        "editable install with PYTHONDONTWRITEBYTECODE=1 (the packages it imports keep the "
        "bytecode pip wrote)",
    )
    args = parser.parse_args()
    python = sys.executable
    cli = [python, "-m", "pto_bot"]
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        fake = FakeGitLab(responses.RequestsMock())  # routes only: requests come over HTTP
        fake.now = datetime.now(UTC) - timedelta(days=1)
        team(fake)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler(fake))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("PYTHONDONTWRITEBYTECODE", "GITLAB_URL", "CI_SERVER_URL")
        }
        bytecode = {"PYTHONPYCACHEPREFIX": str(tmp / "bytecode")}
        env |= {
            **({"PYTHONDONTWRITEBYTECODE": "1"} if args.source_only else bytecode),
            "GITLAB_URL": f"http://127.0.0.1:{server.server_address[1]}",
            "GITLAB_TOKEN": TOKEN,
            "PTO_BOT_PROJECT": str(PROJECT_ID),
        }
        payloads = {
            "the bot's own comment": note_hook("pto-bot", "Noted.", ["pto"]),
            "the bot's own label change": label_hook("pto-bot"),
            "a comment without a command": note_hook("klang", "Enjoy!", ["pto"]),
            "another project's comment": note_hook("klang", "hi", [], project=99),
        }
        commands: dict[str, list[str]] = {}
        for name, payload in payloads.items():
            path = tmp / f"{len(commands)}.json"
            path.write_text(json.dumps(payload), encoding="utf-8")
            commands[f"ignored event: {name}"] = [
                *cli,
                *("handle-event", "--payload", str(path), "--policy", POLICY),
            ]
        cache = ("--cache", str(tmp / "cache.json"))
        reconcile = [*cli, "reconcile", "--policy", POLICY, *cache]
        commands["steady reconcile, small team"] = reconcile
        commands["steady reconcile, small team, report written"] = [
            *reconcile,
            *("--report", str(tmp / "public")),
        ]
        compiled = ROOT / "pto_bot" / "_compiled_templates"
        made = not compiled.exists()
        try:
            if made and not args.source_only:  # as the image has them
                subprocess.run([python, "-m", "pto_bot.app.templates"], env=env, check=True)
            for _ in range(2):  # bytecode, then the first run's writes: settled
                cpu_of(reconcile, env)
            floor = "`python -c pass` (the floor)"
            found = medians({floor: [python, "-c", "pass"], **commands}, env, args.runs)
        finally:
            server.shutdown()
            if made:
                shutil.rmtree(compiled, ignore_errors=True)
    how = "pto_bot compiled from source" if args.source_only else "bytecode compiled once"
    print(f"CPU time (user + system), median of {args.runs} runs, Python {sys.version.split()[0]}")
    print(f"({how})")
    print()
    print("| command | CPU | × floor | wall |")
    print("|---|---:|---:|---:|")
    base = found[floor][0]
    for name, (cpu, wall) in found.items():
        print(f"| {name} | {cpu * 1000:.0f} ms | {cpu / base:.1f} | {wall * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
