"""``pto-bot demo``: one of the team's three ways of working (the pods of the AMER ASE pilot, the
classic hand-picked backups, the TAM buddy pairs) on its own bundled project and policy. Both are
copied into the demo's folder and reconciled twice (the second run writes nothing); then the
transcript, the coverage report, and the commands to try next, which work as printed from the
folder the demo ran in."""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TextIO

from ..adapters.offline import OfflineTracker
from ..domain.policy import OFFLINE_BOT
from ..domain.policy_file import load_policy
from ..errors import ConfigError
from ..reports.site import report_files
from ..reports.transcript import transcript
from .folders import check_folder
from .read import query
from .reconcile import reconcile
from .report import publish
from .run_log import describe

DEMO_NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
NEXT_WEEK = DEMO_NOW + timedelta(days=7)
METRICS_SINCE = "2026-11-01"  # the first of the month: every request of every demo


@dataclass(frozen=True)
class Process:
    """A bundled demo: the project, the policy of its way of working, and what it suggests to
    try next."""

    project: str  # file names in pto_bot/demo/
    policy: str
    team: str  # what the first line calls it
    check: str  # the what-if it suggests: check's options


PROCESSES = {
    "pods": Process(
        "project.json",
        "policy.yaml",
        "the AMER ASE team's project",
        "--engineer klang --start 2026-12-14 --end 2026-12-18",
    ),
    "classic": Process(
        "classic-project.json",
        "classic-policy.yaml",
        "the AMER ASE team's project in the classic workflow (backups hand-picked in each request)",
        "--engineer klang --start 2026-12-28 --end 2026-12-31 --backups @jdoe-se",
    ),
    "buddy": Process(
        "buddy-project.json",
        "buddy-policy.yaml",
        "the Americas East TAM team's project in the PTO buddy program (pairs cover each "
        "other's whole book)",
        "--engineer tam-emery --start 2026-12-07 --end 2026-12-11",
    ),
}


def bundled(name: str) -> Path:
    return Path(str(resources.files("pto_bot") / "demo" / name))


def run_demo(
    workdir: Path,
    process: str,
    policy_path: str | None,
    out: TextIO,
    program: str = "pto-bot",
) -> int:
    """The demo of ``process`` in ``workdir``; ``program`` is how the commands it suggests start
    (the way pto-bot was run)."""
    demo = PROCESSES[process]
    source = Path(policy_path) if policy_path else bundled(demo.policy)
    policy = load_policy(source)
    bot = policy.bot.username or OFFLINE_BOT
    report = workdir / "public"
    written = ["project.json", "policy.yaml", "transcript.md"]
    check_folder("--dir", workdir, [*written, *(f"public/{name}" for name in report_files())])
    _keep_a_teams_policy(workdir / "policy.yaml", source)
    workdir.mkdir(parents=True, exist_ok=True)
    project = workdir / "project.json"
    shutil.copyfile(bundled(demo.project), project)
    if not ((workdir / "policy.yaml").exists() and source.samefile(workdir / "policy.yaml")):
        shutil.copyfile(source, workdir / "policy.yaml")  # beside the project, for what is next
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
    after = tracker.read(query(policy, DEMO_NOW))
    (workdir / "transcript.md").write_text(transcript(after, bot), "utf-8")
    assert second.view is not None  # a scheduled run's
    publish(second.view, policy, report, public_calendar=False, public_only=False)
    out.write(
        f"\nSecond run on the same file: {second.result.writes} writes"
        f"{' (nothing changed, so nothing to do)' if not second.result.results else ''}.\n"
        f"Read what the team would see in GitLab: {workdir / 'transcript.md'}\n"
        f"The coverage report (timeline, calendar feed, data): {report / 'index.html'}, "
        f"{report / 'pto.ics'}, {report / 'report.json'}\n"
    )
    out.write(next_steps(demo, workdir, program))
    return max(first.exit_code, second.exit_code)


def _keep_a_teams_policy(target: Path, source: Path) -> None:
    """Refuse to overwrite a ``policy.yaml`` in the demo's folder that is neither a demo's policy
    nor the one given: ``--dir .`` in a team's repository would otherwise replace its policy."""
    if not target.is_file():
        return
    ours = {bundled(p.policy).read_bytes() for p in PROCESSES.values()} | {source.read_bytes()}
    if target.read_bytes() not in ours:
        raise ConfigError(
            [
                f"--dir {target.parent}: {target} is not a demo's policy; nothing was written. "
                f"Give another --dir, or --policy {target} to run the demo with it"
            ]
        )


def next_steps(demo: Process, workdir: Path, program: str) -> str:
    """The commands to try next, each one line that works as printed from the current folder."""
    files = "--policy {} --offline {}".format(
        shlex.quote(str(workdir / "policy.yaml")), shlex.quote(str(workdir / "project.json"))
    )
    now, later = (f"{moment:%Y-%m-%dT%H:%MZ}" for moment in (DEMO_NOW, NEXT_WEEK))
    report = shlex.quote(str(workdir / "public"))
    steps = [
        (
            "What a new request for these days would get, before anyone opens it:",
            f"check {files} {demo.check} --now {now}",
        ),
        (
            "The coverage report again (the timeline, the calendar feed, the data):",
            f"report {files} --now {now} --out {report}",
        ),
        (
            "The numbers a check-in review asks for:",
            f"metrics {files} --since {METRICS_SINCE} --now {now}",
        ),
        (
            f"A week later, {NEXT_WEEK:%a %Y-%m-%d}: the next week's reminders and escalations "
            "(the manager, back from PTO, reminded of the approval waiting), written into "
            f"{workdir / 'project.json'}:",
            f"reconcile {files} --now {later}",
        ),
    ]
    lines = ["", "Try next, from this folder:"]
    for why, command in steps:
        lines += [f"  {why}", f"    {program} {command}"]
    return "\n".join(lines) + "\n"
