"""Runner time for each way of running pto_bot: a busy and a quiet week replayed for a team of nine
and a team of a hundred, every write of the bot counted as the webhook event GitLab sends for it,
then jobs a day and compute minutes a month for each set-up.

Run it from the project root, offline (a few minutes)::

    .venv/bin/python benchmarks/runner_minutes.py [--job-seconds 30] [--own-event-seconds 15]

A week is replayed against the test suite's fake GitLab, running ``pto-bot`` as the jobs do
(``pto_bot.cli.main``, ``--now``): people open PTO requests, edit them and their playbooks and
comment, with and without a command, on working days from 9:00 to 17:00 (the team's time), and
the bot reconciles every hour. What people do reaches the bot as events; what the bot writes
comes back as events too (a comment posted or edited: a comment event; an issue opened, its
labels or description changed: an issue event; a link between issues: none). The bot writes
the same things whichever way it runs, only sooner or later: each set-up is priced from one
replay, by which of those events start a pipeline and how often the schedule runs.

Set-ups (README "What it costs in CI minutes"):

- all events: webhook on issues and comments, hourly schedule, the Pages report;
- comments + a frequent schedule: webhook on comments only (commands answered at once), a
  schedule every 30 minutes from 8:00 to 17:30 on weekdays, no Pages report;
- office hours: no webhook, an hourly schedule from 8:00 to 18:00 on weekdays, no Pages report.

Compute minutes: GitLab.com counts each job's duration, from the moment a runner takes it, start
of the machine and image pull included; none of that can be measured without one of its
runners, so the duration of a job is given (``--job-seconds``: a reconcile, a Pages or an event
job; ``--own-event-seconds``: the job of the bot's own events, which restores no cache and
checks out one commit) and the minutes follow from the counts. A runner of the team's own
(a project runner) costs no compute minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests"), str(HERE)]

import responses  # noqa: E402

from fake_gitlab import FakeGitLab  # noqa: E402
from gitlab_team import POLICY, Run, Team, bot_events, running  # noqa: E402

MONDAY = date(2027, 3, 1)  # a week without public holidays in the US and Canada
WEEKS_A_MONTH = 365.25 / 12 / 7
# GitLab.com's compute minutes a month, by tier
TIERS = (("Free", 400), ("Premium", 10_000), ("Ultimate", 50_000))

# What people do on a working day, for a team of nine: (busy week, quiet week).
PER_DAY_OF_NINE = {
    "new request": (3, 1),
    "request edited": (2, 0.4),
    "playbook edited": (2, 0.4),
    "comment with a command": (5, 1),
    "comment without a command": (8, 2),
}
ISSUE_KINDS = ("new request", "request edited", "playbook edited")


@dataclass
class Week:
    """What a replayed week counted."""

    team: int
    kind: str
    human: dict[str, int] = field(default_factory=dict)  # events by kind
    bot_notes: int = 0  # the bot's comments posted or edited: comment events
    bot_issues: int = 0  # issues it opened, labels and descriptions it changed: issue events
    reconciles: int = 0
    seconds: float = 0.0

    @property
    def human_issue_events(self) -> int:
        return sum(n for k, n in self.human.items() if k in ISSUE_KINDS)

    @property
    def human_comment_events(self) -> int:
        return sum(n for k, n in self.human.items() if k not in ISSUE_KINDS)


def hundred(tmp: Path) -> tuple[str, list[str]]:
    """A policy for a hundred engineers in pods of four (the shipped policy otherwise)."""
    data = yaml.safe_load(Path(POLICY).read_text())
    names = [f"eng{i:03d}" for i in range(100)]
    data["engineers"] = {u: {"country": "US" if i % 3 else "CA"} for i, u in enumerate(names)}
    data["pods"] = {
        f"pod{i:02d}": {"lead": names[4 * i], "members": names[4 * i : 4 * i + 4]}
        for i in range(25)
    }
    data["team"]["manager"] = names[0]
    path = tmp / "hundred.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path), names


def replay(tmp: Path, size: int, busy: bool, seed: int = 7) -> Week:
    rnd = random.Random(seed)
    week = Week(size, "busy" if busy else "quiet", {k: 0 for k in PER_DAY_OF_NINE})
    started = time.perf_counter()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeGitLab(mock)
        with running(fake, tmp) as team:
            team.remember = True
            if size == 9:
                team.policy = POLICY
                people = [u for u in yaml.safe_load(Path(POLICY).read_text())["engineers"]]
            else:
                team.policy, people = hundred(tmp)
            scale = size / 9
            for n, owner in enumerate(people):  # two playbooks each
                team.playbook(f"Account {n}a", owner, "high", "auto-assigned")
                team.playbook(f"Account {n}b", owner, "normal", "global-support")
            playbooks = list(team.fake.issues)
            requests: list[int] = []
            for n in range(size):  # PTO already booked for the weeks after
                start = MONDAY + timedelta(days=14 + 7 * (n % 8))
                requests.append(team.request(people[n], str(start), str(start + timedelta(days=2))))
            settle(team, MONDAY - timedelta(days=1))
            for day in range(7):
                today = MONDAY + timedelta(days=day)
                for hour in range(24):
                    if today.weekday() < 5 and 14 <= hour < 22:  # 9:00-17:00 in New York
                        act(team, week, rnd, people, playbooks, requests, today, hour, scale, busy)
                    count(week, team, team.reconcile(f"{today}T{hour:02d}:59Z"))
    week.seconds = time.perf_counter() - started
    return week


def settle(team: Team, day: date) -> None:
    """The first runs: everything already on file is announced before the week starts."""
    for hour in range(24):
        run = team.reconcile(f"{day}T{hour:02d}:00Z")
        assert run.code == 0, run.text
        if not run.writes:
            return


def count(week: Week, team: Team, run: Run) -> None:
    assert run.code == 0, run.text
    week.reconciles += 1
    for event in bot_events(team, run.writes):
        if event["object_kind"] == "note":
            week.bot_notes += 1
        else:
            week.bot_issues += 1


def act(
    team: Team,
    week: Week,
    rnd: random.Random,
    people: list[str],
    playbooks: list[int],
    requests: list[int],
    today: date,
    hour: int,
    scale: float,
    busy: bool,
) -> None:
    """One working hour of the team: each kind of event, spread over the eight hours."""
    for kind, (on_busy, on_quiet) in PER_DAY_OF_NINE.items():
        per_hour = (on_busy if busy else on_quiet) * scale / 8
        times = int(per_hour) + (rnd.random() < per_hour - int(per_hour))
        for _ in range(times):
            when = f"{today}T{hour:02d}:{rnd.randrange(0, 55):02d}Z"
            who = rnd.choice(people)
            if kind == "new request":
                start = today + timedelta(days=rnd.randrange(15, 90))
                end = start + timedelta(days=rnd.randrange(0, 5))
                requests.append(team.request(who, str(start), str(end), created=when))
            elif kind == "request edited":
                iid = rnd.choice(requests)
                body = team.fake.issues[iid]["description"].replace("enjoy", "enjoy!")
                team.edit(iid, when, description=body)
            elif kind == "playbook edited":
                iid = rnd.choice(playbooks)
                team.edit(iid, when, description=f"Account notes, {when}")
            elif kind == "comment with a command":
                team.comment(rnd.choice(requests), who, "/pto status", when=when)
            else:
                team.comment(rnd.choice(requests), who, "Thanks, enjoy!", when=when)
            week.human[kind] += 1


@dataclass(frozen=True)
class SetUp:
    name: str
    issue_events: bool  # the webhook's Issues events
    comment_events: bool  # its Comments events
    runs_a_week: int  # scheduled pipelines
    pages: bool  # the Pages job after each scheduled reconcile


SET_UPS = (
    SetUp("all events, hourly, Pages", True, True, 24 * 7, True),
    SetUp("comments + every 30 min in office hours", False, True, 20 * 5, False),
    SetUp("office hours only, hourly", False, False, 11 * 5, False),
)


def jobs(week: Week, setup: SetUp, template: bool) -> tuple[int, int]:
    """Jobs a week: (full jobs, jobs of the bot's own events). Without the webhook's template,
    the bot's own events are full jobs."""
    scheduled = setup.runs_a_week * (2 if setup.pages else 1)
    people = week.human_issue_events * setup.issue_events
    people += week.human_comment_events * setup.comment_events
    own = week.bot_issues * setup.issue_events + week.bot_notes * setup.comment_events
    return (scheduled + people, own) if template else (scheduled + people + own, 0)


def minutes(full: int, own: int, full_s: float, own_s: float) -> float:
    return (full * full_s + own * own_s) / 60 * WEEKS_A_MONTH


def weeks_table(weeks: list[Week]) -> list[str]:
    lines = [
        "| team | week | people's issue events | people's comments | bot's issue events "
        "| bot's comments |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for w in weeks:
        lines.append(
            f"| {w.team} | {w.kind} | {w.human_issue_events} | {w.human_comment_events} | "
            f"{w.bot_issues} | {w.bot_notes} |"
        )
    return lines


def price_table(weeks: list[Week], job_s: float = 30, own_s: float = 15) -> list[str]:
    """Jobs a day and compute minutes a month of each set-up, and the smallest tier it fits."""
    lines = [
        "| set-up | template | team | jobs a day, busy / quiet | minutes a month, busy / quiet "
        "| fits |",
        "|---|---|---|---:|---:|---|",
    ]
    sizes = sorted({w.team for w in weeks})
    for setup in SET_UPS:
        webhook = setup.issue_events or setup.comment_events
        for template in (True, False) if webhook else (True,):
            for size in sizes:
                cost = []
                for w in (w for w in weeks if w.team == size):  # busy, then quiet
                    full, own = jobs(w, setup, template)
                    cost.append(((full + own) / 7, minutes(full, own, job_s, own_s)))
                fits = next((t for t, m in TIERS if cost[0][1] <= m), "a runner of its own")
                if fits != "Free" and cost[1][1] <= TIERS[0][1]:
                    fits += " (Free in quiet weeks)"
                mark = ("yes" if template else "no") if webhook else "—"
                lines.append(
                    f"| {setup.name} | {mark} | {size} | {cost[0][0]:.0f} / {cost[1][0]:.0f} | "
                    f"{cost[0][1]:,.0f} / {cost[1][1]:,.0f} | {fits} |"
                )
    return lines


def load(path: Path) -> list[Week]:
    return [Week(**w) for w in json.loads(path.read_text())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--job-seconds", type=float, default=30, help="a full job's duration")
    parser.add_argument(
        "--own-event-seconds", type=float, default=15, help="the bot's own event's job"
    )
    parser.add_argument("--json", type=Path, help="also write the weeks' counts to this file")
    parser.add_argument("--sizes", default="9,100", help="team sizes (9 and 100)")
    parser.add_argument(
        "--counts", type=Path, help="price the weeks a --json file of an earlier run counted"
    )
    args = parser.parse_args()
    weeks = load(args.counts) if args.counts else []
    with tempfile.TemporaryDirectory() as folder:
        for size in [int(s) for s in args.sizes.split(",")] if not weeks else ():
            for busy in (True, False):
                tmp = Path(folder) / f"{size}-{busy}"
                tmp.mkdir()
                weeks.append(replay(tmp, size, busy))
                print(
                    f"team of {size}, {weeks[-1].kind} week replayed in {weeks[-1].seconds:.0f} s"
                )
    print("\nWhat a week brings (events that start a pipeline with every webhook event):\n")
    print("\n".join(weeks_table(weeks)))
    print(
        f"\nJobs a day (a week's / 7) and compute minutes a month on GitLab.com's runners, at "
        f"{args.job_seconds:g} s a job and {args.own_event_seconds:g} s for the job of the "
        f"bot's own events; the smallest GitLab.com tier whose compute minutes cover a month "
        f"of busy weeks ({', '.join(f'{t} {m:,}' for t, m in TIERS)}); a runner of the team's "
        "own counts none:\n"
    )
    print("\n".join(price_table(weeks, args.job_seconds, args.own_event_seconds)))
    if args.json:
        args.json.write_text(json.dumps([w.__dict__ for w in weeks], indent=2) + "\n")


if __name__ == "__main__":
    main()
