"""``pto-bot demo``: one of the team's three ways of working (the pods of the AMER ASE pilot, the
classic hand-picked backups, the TAM buddy pairs) on its own bundled project and policy,
reconciled twice (the second run writes nothing); then the transcript and the coverage report."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TextIO

from ..adapters.offline import OfflineTracker
from ..domain.policy import OFFLINE_BOT
from ..domain.policy_file import load_policy
from ..plan.planner import plan
from ..reports.coverage_view import build_view
from ..reports.site import report_files, write_report
from ..reports.transcript import transcript
from .account import describe
from .folders import check_folder
from .read import labels_to_read
from .reconcile import reconcile

DEMO_NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Process:
    """A bundled demo: the project and the policy of its way of working."""

    project: str  # file names in pto_bot/demo/
    policy: str
    team: str  # what the first line calls it


PROCESSES = {
    "pods": Process(
        "project.json",
        "policy.yaml",
        "the AMER ASE team's project",
    ),
    "classic": Process(
        "classic-project.json",
        "classic-policy.yaml",
        "the AMER ASE team's project in the classic workflow (backups hand-picked in each request)",
    ),
    "buddy": Process(
        "buddy-project.json",
        "buddy-policy.yaml",
        "the Americas East TAM team's project in the PTO buddy program (pairs cover each "
        "other's whole book)",
    ),
}


def bundled(name: str) -> Path:
    return Path(str(resources.files("pto_bot") / "demo" / name))


def run_demo(
    workdir: Path,
    process: str,
    policy_path: str | None,
    out: TextIO,
) -> int:
    """The demo of ``process`` in ``workdir``."""
    demo = PROCESSES[process]
    source = Path(policy_path) if policy_path else bundled(demo.policy)
    policy = load_policy(source)
    bot = policy.bot.username or OFFLINE_BOT
    report = workdir / "public"
    written = ["project.json", "transcript.md"]
    check_folder("--dir", workdir, [*written, *(f"public/{name}" for name in report_files())])
    workdir.mkdir(parents=True, exist_ok=True)
    project = workdir / "project.json"
    shutil.copyfile(bundled(demo.project), project)
    out.write(f"Demo: {demo.team} ({project}), reconciled as at {DEMO_NOW:%Y-%m-%d %H:%M} UTC.\n\n")
    first = reconcile(
        policy,
        OfflineTracker(project, bot, lambda: DEMO_NOW),
        DEMO_NOW,
        dry_run=False,
    )
    out.write(describe(first.plan, first.result, dry_run=False, snapshot=first.snapshot))
    tracker = OfflineTracker(project, bot, lambda: DEMO_NOW)
    second = reconcile(policy, tracker, DEMO_NOW, dry_run=False)
    after = tracker.read(labels_to_read(policy))
    (workdir / "transcript.md").write_text(transcript(after, bot), "utf-8")
    view = build_view(plan(policy, after, DEMO_NOW), policy.reports.weeks, project=after.project)
    write_report(view, policy, report)
    out.write(
        f"\nSecond run on the same file: {second.result.writes} writes"
        f"{' (nothing changed, so nothing to do)' if not second.result.done else ''}.\n"
        f"Read what the team would see in GitLab: {workdir / 'transcript.md'}\n"
        f"The coverage report (timeline, calendar feed, data): {report / 'index.html'}, "
        f"{report / 'pto.ics'}, {report / 'report.json'}\n"
    )
    return max(first.exit_code, second.exit_code)
