"""The ``pto-bot`` command line: the scheduled job, the webhook job, the demo and the checks.

Exit codes: 0 done; 1 some issues could not be processed (the others were); 2 bad configuration
or usage, with a message that names the file, the field and the problem.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TextIO

from .apply import Notifier, Result, apply
from .cli_options import add_read_options
from .commands import command_lines
from .errors import ConfigError, PtoBotError
from .metrics import add_metrics_command
from .model import Snapshot
from .plan import Plan, event_scope, plan, within
from .policy import Policy, load_policy, policy_schema
from .report import describe, transcript
from .report_cli import add_report_command
from .slack import notifier_from_env
from .tracker.base import Tracker
from .tracker.offline import OfflineTracker
from .whatif import add_check_command

DEMO_NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG = 0, 1, 2


def _now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            [f"--now: {value!r} is not an ISO-8601 time; write e.g. 2026-12-21T09:00:00Z"]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def labels_to_read(policy: Policy) -> list[str]:
    labels = policy.labels
    return [labels.request, labels.playbook, labels.fallback, labels.dashboard]


def open_tracker(
    policy: Policy, offline: Path | None, now: datetime, cache: Path | None = None
) -> Tracker:
    if offline is not None:
        return OfflineTracker(offline, policy.bot.username, clock=lambda: now)
    from .tracker.gitlab import GitLabTracker  # the only place python-gitlab is loaded

    return GitLabTracker.from_env(os.environ, bot_username=policy.bot.username, cache_path=cache)


def _cache_path(args: argparse.Namespace) -> Path | None:
    value = args.cache or os.environ.get("PTO_BOT_CACHE")
    return Path(value) if value else None


def read_project(args: argparse.Namespace) -> tuple[Policy, datetime, Tracker, Snapshot]:
    """The read every command starts with: policy, the moment, the tracker and a snapshot."""
    policy = load_policy(args.policy)
    now = _now(args.now)
    tracker = open_tracker(policy, args.offline, now, _cache_path(args))
    return policy, now, tracker, tracker.read(labels_to_read(policy))


def problems_of(snapshot: Snapshot, the_plan: Plan, result: Result | None = None) -> list[str]:
    """Everything that went wrong in a run, one line each, naming the issue where one is known."""
    failures = the_plan.failures + (result.failures if result else [])
    return [*snapshot.errors] + [f"#{iid}: {msg}" if iid else msg for iid, msg in failures]


@dataclass
class Run:
    snapshot: Snapshot
    plan: Plan
    result: Result

    @property
    def exit_code(self) -> int:
        failed = self.snapshot.errors or self.plan.failures or self.result.failures
        return EXIT_PARTIAL if failed else EXIT_OK


def reconcile(
    policy: Policy,
    tracker: Tracker,
    now: datetime,
    dry_run: bool,
    event_iid: int | None = None,
    notifier: Notifier | None = None,
) -> Run:
    """Read, plan, apply. With ``event_iid`` only the issues that event can change are written;
    the scheduled run takes care of the rest."""
    snapshot = tracker.read(labels_to_read(policy))
    the_plan = plan(policy, snapshot, now)
    if event_iid is not None:
        scope = event_scope(the_plan.world, the_plan.evaluation, event_iid)
        the_plan.actions = within(the_plan.actions, scope)
    result = apply(tracker, the_plan.actions, dry_run=dry_run, notifier=notifier)
    if event_iid is None and policy.reports.dashboard:
        _dashboard(policy, tracker, now, dry_run, snapshot, the_plan, result)
    if not dry_run and isinstance(tracker, OfflineTracker):
        tracker.save()
    return Run(snapshot, the_plan, result)


def _dashboard(
    policy: Policy,
    tracker: Tracker,
    now: datetime,
    dry_run: bool,
    snapshot: Snapshot,
    the_plan: Plan,
    result: Result,
) -> None:
    """Rewrite the dashboard from the state the run's writes produced, with the run's problems."""
    from .coverage_view import build_view
    from .dashboard import dashboard_actions

    problems = problems_of(snapshot, the_plan, result)
    shown = the_plan
    if result.writes and not dry_run:
        shown = plan(policy, tracker.read(labels_to_read(policy)), now)
    view = build_view(shown, policy.reports.weeks, project=snapshot.project)
    actions = dashboard_actions(shown.world, view, problems)
    extra = apply(tracker, actions, dry_run=dry_run)
    result.done.extend(extra.done)
    result.failures.extend(extra.failures)


# -- commands --------------------------------------------------------------------------------------
def cmd_reconcile(args: argparse.Namespace, out: TextIO) -> int:
    policy = load_policy(args.policy)
    # no channel messages from a trial on an export: they would reach the real team channel
    notifier = notifier_from_env(os.environ) if args.offline is None else None
    now = _now(args.now)
    tracker = open_tracker(policy, args.offline, now, _cache_path(args))
    run = reconcile(policy, tracker, now, args.dry_run, notifier=notifier)
    out.write(describe(run.plan, run.result, dry_run=args.dry_run, snapshot=run.snapshot))
    return run.exit_code


def cmd_handle_event(args: argparse.Namespace, out: TextIO) -> int:
    from .events import Ignored, parse_event

    path = args.payload or os.environ.get("TRIGGER_PAYLOAD")
    if not path:
        raise ConfigError(["handle-event: give --payload FILE or set TRIGGER_PAYLOAD"])
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read the webhook payload ({exc.strerror})"]) from None
    policy = load_policy(args.policy)
    project = os.environ.get("PTO_BOT_PROJECT") or os.environ.get("CI_PROJECT_ID")
    event = parse_event(
        raw,
        project_id=int(project) if project and project.isdigit() else None,
        project_path=project if project and not project.isdigit() else None,
        bot_username=policy.bot.username,
    )
    if isinstance(event, Ignored):
        out.write(f"ignored: {event.reason}\n")
        return EXIT_OK
    ours = {policy.labels.request, policy.labels.playbook, policy.labels.fallback}
    if not ours & set(event.labels):
        out.write(f"ignored: #{event.iid} carries none of the labels {', '.join(sorted(ours))}\n")
        return EXIT_OK
    if event.kind == "note" and not command_lines(event.note_body or "", policy):
        out.write(f"ignored: the comment on #{event.iid} has no {policy.bot.command} command\n")
        return EXIT_OK
    notifier = notifier_from_env(os.environ) if args.offline is None else None
    out.write(f"{event.kind} event on #{event.iid} by {event.actor}: reconciling\n")
    now = _now(args.now)
    tracker = open_tracker(policy, args.offline, now, _cache_path(args))
    run = reconcile(policy, tracker, now, args.dry_run, event_iid=event.iid, notifier=notifier)
    out.write(describe(run.plan, run.result, dry_run=args.dry_run, snapshot=run.snapshot))
    return run.exit_code


def bundled(name: str) -> Path:
    return Path(str(resources.files("pto_bot") / "demo" / name))


def cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    policy = load_policy(args.policy or bundled("policy.yaml"))
    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    project = workdir / "project.json"
    shutil.copyfile(bundled("project.json"), project)
    out.write(
        f"Demo: the AMER ASE team's project ({project}), reconciled as at "
        f"{DEMO_NOW:%Y-%m-%d %H:%M} UTC.\n\n"
    )
    first = reconcile(
        policy,
        OfflineTracker(project, policy.bot.username, lambda: DEMO_NOW),
        DEMO_NOW,
        dry_run=False,
    )
    out.write(describe(first.plan, first.result, dry_run=False, snapshot=first.snapshot))
    tracker = OfflineTracker(project, policy.bot.username, lambda: DEMO_NOW)
    second = reconcile(policy, tracker, DEMO_NOW, dry_run=False)
    from .coverage_view import build_view
    from .site import write_report

    after = tracker.read(labels_to_read(policy))
    (workdir / "transcript.md").write_text(transcript(after, policy.bot.username), "utf-8")
    view = build_view(plan(policy, after, DEMO_NOW), policy.reports.weeks, project=after.project)
    report = workdir / "public"
    write_report(view, policy, report)
    out.write(
        f"\nSecond run on the same file: {second.result.writes} writes"
        f"{' (nothing changed, so nothing to do)' if not second.result.done else ''}.\n"
        f"Read what the team would see in GitLab: {workdir / 'transcript.md'}\n"
        f"The coverage report (timeline, calendar feed, data): {report / 'index.html'}, "
        f"{report / 'pto.ics'}, {report / 'report.json'}\n"
    )
    return max(first.exit_code, second.exit_code)


def cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    from .templates_check import check_templates

    problems: list[str] = []
    policies: list[Policy] = []
    for path in args.policy_files or [args.policy]:
        try:
            policies.append(load_policy(path))
            out.write(f"{path}: OK\n")
        except ConfigError as exc:
            problems.extend(exc.messages)
    if policies and not args.skip_templates:
        template_problems = check_templates(Path(args.root), policies[0])
        problems.extend(template_problems)
        if not template_problems:
            out.write(f"{Path(args.root) / '.gitlab/issue_templates'}: OK\n")
    if problems:
        raise ConfigError(problems)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    out.write(policy_schema())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pto-bot",
        description="PTO coverage for a support team that plans in GitLab issues.",
        epilog="Exit codes: 0 done, 1 some issues failed (others were processed), "
        "2 bad configuration or usage.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        add_read_options(p, writes=True)

    p = sub.add_parser(
        "reconcile",
        help="the scheduled job: bring the whole project up to date",
        description="Read every PTO request, playbook and fallback request, "
        "evaluate them against the policy and write what changed. Needs "
        "GITLAB_URL (or CI_SERVER_URL), GITLAB_TOKEN and PTO_BOT_PROJECT "
        "(or CI_PROJECT_ID) unless --offline is given.",
    )
    common(p)
    p.set_defaults(func=cmd_reconcile)

    p = sub.add_parser(
        "handle-event",
        help="the webhook job: react to one issue or comment event",
        description="Read a GitLab Issue Hook or Note Hook payload (the pipeline "
        "trigger's TRIGGER_PAYLOAD file) and reconcile. Events from other projects, "
        "other kinds and the bot itself exit at once without API requests.",
    )
    common(p)
    p.add_argument(
        "--payload",
        metavar="FILE",
        help="webhook body (default: the file named by $TRIGGER_PAYLOAD)",
    )
    p.set_defaults(func=cmd_handle_event)

    p = sub.add_parser(
        "demo",
        help="run on a bundled offline copy of a team project",
        description="Copy the bundled demo project (the AMER ASE roster, a "
        "playbook per account and a set of PTO requests) to DIR, reconcile it at "
        f"{DEMO_NOW:%Y-%m-%d %H:%M} UTC, print what the bot did and why, run "
        "again to show that nothing is repeated, and write DIR/transcript.md and the "
        "coverage report in DIR/public.",
    )
    p.add_argument("--dir", default="pto-demo", help="working folder (default: %(default)s)")
    p.add_argument(
        "--policy",
        default=None,
        help="policy file (default: the bundled copy of the AMER ASE policy.yaml)",
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "validate",
        help="check policy files and the issue templates",
        description="Load each policy (default policy.yaml) and check the issue "
        "templates under ROOT/.gitlab/issue_templates against the first one.",
    )
    p.add_argument("policy_files", nargs="*", metavar="POLICY")
    p.add_argument("--policy", default="policy.yaml", help=argparse.SUPPRESS)
    p.add_argument("--root", default=".", help="project root holding .gitlab/ (default: .)")
    p.add_argument("--skip-templates", action="store_true", help="check the policies only")
    p.set_defaults(func=cmd_validate)

    add_report_command(sub)
    add_metrics_command(sub)
    add_check_command(sub)

    p = sub.add_parser("schema", help="print the JSON Schema of policy.yaml")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return int(args.func(args, out))
    except ConfigError as exc:
        for message in exc.messages:
            print(f"error: {message}", file=sys.stderr)
        return EXIT_CONFIG
    except PtoBotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    except Exception as exc:  # a bug must still end the job with a message, not a bare crash
        print(f"error: unexpected {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_PARTIAL


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
