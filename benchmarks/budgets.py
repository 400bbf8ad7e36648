"""pto_bot's budgets in one run: API requests per run with and without a runner cache, a steady
hour and a busy day, writes per minute, the webhook job's cold start and the planner at scale.

Run it from the project root, offline (about a minute; ``--quick`` skips 20,000 requests)::

    .venv/bin/python benchmarks/budgets.py [--quick]

Requests are counted exactly, against the stateful fake GitLab of ``tests/fake_gitlab.py`` (no
network), running ``pto-bot`` as the CI jobs do (``pto_bot.cli.main``, the environment, ``--now``)
on a year of history: 300 PTO requests closed over the past year, 40 to come, 4 playbooks, the
shipped policy. Times are wall-clock on this machine (noisy: read them as ratios). Each figure is
shown against its floor:

- requests: who the token is (1) and one list per kind of issue (5: requests, playbooks, fallback
  requests, coverage issues, the dashboard); an event also needs its own issue's notes; a first
  run one page of notes per issue that can still matter;
- writes per minute: ``limits.writes_per_minute``;
- cold start: the Python interpreter starting and doing nothing;
- planner: linear growth from the smaller size.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests"), str(HERE)]

import responses  # noqa: E402

from fake_gitlab import FakeGitLab  # noqa: E402
from gitlab_team import (  # noqa: E402
    HISTORY_TODAY,
    POLICY,
    Run,
    Team,
    bot_events,
    issue_hook,
    note_hook,
    running,
    templated,
    year_of_history,
)
from pto_bot.adapters.hook_template import webhook_template  # noqa: E402

FLOOR = 1 + 5  # GET /user, and one list per kind of issue
Row = tuple[str, str, str, str]


def ratio(measured: float, floor: float) -> str:
    return f"{measured / floor:.2f}" if floor else "–"


class Project:
    """A year of history in a fresh fake GitLab, the CLI run against it."""

    def __init__(self, tmp: Path, cache: bool) -> None:
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self._mock.start()
        self.fake = FakeGitLab(self._mock)
        self._running = running(self.fake, tmp)
        self.team: Team = self._running.__enter__()
        self.counts = year_of_history(self.team)
        self.cache = ("--cache", str(tmp / "cache.json")) if cache else ()

    def close(self) -> None:
        self._running.__exit__(None, None, None)
        self._mock.stop()
        self._mock.reset()

    def reconcile(self, when: str, *extra: str) -> Run:
        run = self.team.reconcile(f"{HISTORY_TODAY}T{when}", *self.cache, *extra)
        assert run.code == 0, run.text
        return run

    def event(self, payload: dict[str, Any], when: str) -> Run:
        path = self.team.tmp / "trigger_payload.json"
        path.write_text(json.dumps(payload), encoding="utf-8")
        now = f"{HISTORY_TODAY}T{when}" if "T" not in when else when
        run = self.team.run("handle-event", "--payload", str(path), *self.cache, now=now)
        assert run.code == 0, run.text
        return run


def reads(run: Run) -> int:
    return sum(1 for method, _ in run.calls if method == "GET")


def cost(run: Run) -> str:
    writes = len(run.writes)
    return f"{reads(run)}" + (f" + {writes} write{'s' if writes != 1 else ''}" if writes else "")


def runs(tmp: Path, cache: bool) -> dict[str, tuple[Run, int]]:
    """Each kind of run, and its floor."""
    p = Project(tmp, cache)
    try:
        team = p.team
        matter = p.counts["all"]
        found: dict[str, tuple[Run, int]] = {}
        found["first run (a year of history)"] = (p.reconcile("14:00"), FLOOR + matter)
        found["second run (reads what it wrote)"] = (p.reconcile("15:00"), FLOOR)
        found["steady scheduled run, report included"] = (
            p.reconcile("16:00", "--report", str(tmp / "public")),
            FLOOR,
        )
        fb = team.fallback_of(p.counts["dbass90"])
        assert fb is not None
        note = team.comment(fb, "klang", "/pto volunteer Northwind", when=f"{HISTORY_TODAY}T16:30")
        found["event: /pto volunteer"] = (p.event(note_hook(team, fb, note, "klang"), "16:31"), 7)
        new = team.request("magomez3", "2027-02-01", "2027-02-03", created=f"{HISTORY_TODAY}T16:40")
        payload = issue_hook(team, new, "magomez3", previous=[])
        payload["object_attributes"]["action"] = "open"
        found["event: a new request, right after"] = (p.event(payload, "16:41"), 7)
        chat = team.comment(new, "adamlauzon", "Enjoy!", when=f"{HISTORY_TODAY}T16:50")
        found["event ignored (no command)"] = (
            p.event(note_hook(team, new, chat, "adamlauzon"), "16:51"),
            0,
        )
        p.reconcile("17:00")
        found["steady run after events, once settled"] = (p.reconcile("18:00"), FLOOR)
        board = next(i for i, x in team.fake.issues.items() if "pto-dashboard" in x["labels"])
        team.edit(board, f"{HISTORY_TODAY}T18:30", description="Edited by hand")
        found["run after the dashboard was edited by hand"] = (p.reconcile("19:00"), FLOOR)
        return found
    finally:
        p.close()


def request_rows(tmp: Path) -> list[Row]:
    cold = runs(tmp / "cold", cache=False)
    warm = runs(tmp / "warm", cache=True)
    rows = []
    for name, (run, floor) in cold.items():
        with_cache = warm[name][0]
        rows.append(
            (
                f"requests: {name}",
                f"{cost(run)} (runner cache: {cost(with_cache)})",
                str(floor),
                ratio(reads(run), floor),
            )
        )
    return rows


def busy_day(tmp: Path) -> list[Row]:
    """24 scheduled runs and 100 webhook events in a working day of 10 hours: each hour 2 new
    requests, 2 ``/pto status`` comments, 1 edit of a request's dates, 4 comments without a
    command and 1 event caused by the bot itself."""
    p = Project(tmp, cache=False)
    try:
        team = p.team
        p.reconcile("00:00")
        day = datetime.combine(HISTORY_TODAY + timedelta(days=1), datetime.min.time())
        requests_made = writes = events = pipelines = own = own_requests = 0
        opened = [i for i, issue in team.fake.issues.items() if issue["state"] == "opened"]
        pending = [i for i in opened if "pto" in team.fake.issues[i]["labels"]]
        people = ["klang", "adamlauzon", "magomez3", "a.conrad", "malmendarez", "michwalker"]
        hourly: list[int] = []

        def count(run: Run) -> None:
            """The run's pipeline, and one for each of its writes: the webhook GitLab sends,
            through the custom template, to the job of the bot's own events."""
            nonlocal requests_made, writes, pipelines, own, own_requests
            requests_made += len(run.calls)
            writes += len(run.writes)
            pipelines += 1
            for payload in bot_events(team, run.writes):
                path = team.tmp / "own_event.json"
                path.write_text(json.dumps(templated(payload, webhook_template())))
                now = team.fake.now.isoformat()
                back = team.run("handle-event", "--payload", str(path), "--ignore-only", now=now)
                assert back.code == 0 and back.text.startswith("ignored: "), back.text
                own += 1
                own_requests += len(back.calls)
                pipelines += 1

        for hour in range(24):
            start = day + timedelta(hours=hour)

            def stamp(minutes: int, start: datetime = start) -> str:
                return (start + timedelta(minutes=minutes)).isoformat()

            if 8 <= hour < 18:
                for n in range(2):
                    who = people[(hour + n) % len(people)]
                    first = f"2027-0{3 + n}-{hour + 1:02}"
                    new = team.request(who, first, first, created=stamp(5 + n))
                    payload = issue_hook(team, new, who, previous=[])
                    payload["object_attributes"]["action"] = "open"
                    count(p.event(payload, stamp(6 + n)))
                    pending.append(new)
                for n in range(2):
                    iid = pending[(hour * 2 + n) % len(pending)]
                    note = team.comment(iid, "adamlauzon", "/pto status", when=stamp(20 + n))
                    count(p.event(note_hook(team, iid, note, "adamlauzon"), stamp(21 + n)))
                edited = pending[-1]
                issue = team.fake.issues[edited]
                text = issue["description"].replace("enjoy", "enjoy, and thanks")
                team.edit(edited, stamp(30), description=text)
                count(p.event(issue_hook(team, edited, issue["author"], ["pto"]), stamp(31)))
                for n in range(4):
                    iid = pending[(hour + n) % len(pending)]
                    note = team.comment(iid, "klang", "Thanks, enjoy!", when=stamp(40 + n))
                    count(p.event(note_hook(team, iid, note, "klang"), stamp(41 + n)))
                note = team.comment(pending[0], "pto-bot", "a note", when=stamp(50))
                count(p.event(note_hook(team, pending[0], note, "pto-bot"), stamp(51)))
                events += 10
            run = team.reconcile(stamp(59))
            count(run)
            hourly.append(len(run.calls))
        return [
            (
                "busy day: 100 events + 24 scheduled runs",
                f"{requests_made} requests, {writes} writes, {pipelines} pipelines",
                f"{FLOOR * 24} requests (the scheduled runs' lists)",
                ratio(requests_made, FLOOR * 24),
            ),
            (
                "busy day: the bot's own events (its writes, back as webhooks)",
                f"{own} pipelines, each the job of the bot's own events: {own_requests} "
                "requests, no lock, no cache, one commit checked out",
                "0 requests",
                ratio(own_requests, 0),
            ),
            (
                "quiet hour: 1 scheduled run (report included)",
                f"{min(hourly)} requests, 1 pipeline",
                str(FLOOR),
                ratio(min(hourly), FLOOR),
            ),
        ]
    finally:
        p.close()


def pacing(tmp: Path) -> list[Row]:
    """A first run with 200 writes to make (100 requests to label and announce)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake = FakeGitLab(mock)
        with running(fake, tmp) as team:
            team.policy = POLICY
            for n in range(100):
                day = str(HISTORY_TODAY + timedelta(weeks=7 + n))
                team.request(["klang", "a.conrad", "dbass90"][n % 3], day, day)
            mark = len(fake.timed)
            run = team.reconcile(f"{HISTORY_TODAY}T14:00")
            timed = [(t, p) for t, m, p in fake.timed[mark:] if m != "GET"]
    window = timedelta(seconds=60)

    def most(times: list[datetime]) -> int:
        return max((sum(1 for t in times if s <= t < s + window) for s in times), default=0)

    all_writes = [t for t, _ in timed]
    notes = [t for t, p in timed if p.endswith("/notes") or "/notes/" in p]
    minutes = (max(all_writes) - min(all_writes)).total_seconds() / 60
    deferred = run.text.count("(next run)")
    return [
        (
            "writes: most in any minute (first run, 200 to make)",
            f"{most(all_writes)} ({len(all_writes)} in {minutes:.0f} min, {deferred} left)",
            "20 (limits.writes_per_minute)",
            ratio(most(all_writes), 20),
        ),
        ("comments: most in any minute", str(most(notes)), "50", ratio(most(notes), 50)),
    ]


def timed(argv: list[str], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(argv, check=False, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_start(tmp: Path) -> list[Row]:
    python = sys.executable
    payload = tmp / "ignored.json"
    payload.write_text(
        json.dumps(
            {
                "object_kind": "note",
                "user": {"username": "klang"},
                "project": {"id": 99, "path_with_namespace": "elsewhere/other"},
                "object_attributes": {"id": 1, "note": "hi", "noteable_type": "Issue"},
                "issue": {"iid": 1, "labels": []},
            }
        ),
        encoding="utf-8",
    )
    floor = timed([python, "-c", "pass"])
    cli = str(Path(python).with_name("pto-bot"))
    event = timed([cli, "handle-event", "--payload", str(payload), "--policy", str(POLICY)])
    rows = [
        ("cold start: handle-event, an ignored event", f"{event:.2f} s", f"{floor:.2f} s", ""),
    ]
    rows[0] = (*rows[0][:3], ratio(event, floor))
    for module in ("pydantic", "yaml", "jinja2", "holidays", "icalendar", "gitlab"):
        spent = timed([python, "-c", f"import {module}"], repeat=5) - floor
        used = "not on the ignored path" if module in ("jinja2", "icalendar", "gitlab") else ""
        rows.append((f"import {module}", f"{spent * 1000:.0f} ms", used, ""))
    return rows


def first_request(tmp: Path, repeat: int = 5) -> list[Row]:
    """From the command's start to the first HTTP request GitLab receives: the fake served over
    HTTP on 127.0.0.1 (benchmarks/serve_fake_gitlab.py)."""
    import threading
    from http.server import ThreadingHTTPServer

    from serve_fake_gitlab import handler, team

    from fake_gitlab import TOKEN

    fake = FakeGitLab(responses.RequestsMock())  # routes only: requests come over HTTP here
    fake.now = datetime.now().astimezone() - timedelta(days=1)
    team(fake)
    arrivals: list[float] = []
    handle = fake._handle

    def stamped(request: Any) -> Any:
        arrivals.append(time.perf_counter())
        return handle(request)

    fake._handle = stamped  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(fake))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        "PATH": str(Path(sys.executable).parent),
        "GITLAB_URL": f"http://127.0.0.1:{server.server_address[1]}",
        "GITLAB_TOKEN": TOKEN,
        "PTO_BOT_PROJECT": "42",
    }
    cli = str(Path(sys.executable).with_name("pto-bot"))
    commands = {"reconcile --dry-run": ["reconcile", "--dry-run"]}
    rows = []
    try:
        for name, argv in commands.items():
            waits = []
            for _ in range(repeat):
                arrivals.clear()
                started = time.perf_counter()
                subprocess.run(
                    [cli, *argv, "--policy", str(POLICY)], env=env, capture_output=True, check=True
                )
                waits.append(arrivals[0] - started)
            rows.append(
                (
                    f"cold start: {name}, to its first request",
                    f"{statistics.median(waits):.2f} s",
                    "",
                    "",
                )
            )
    finally:
        server.shutdown()
    return rows


def planner(quick: bool) -> list[Row]:
    from planner import measure as plan_measure

    sizes = [100, 2000] if quick else [100, 2000, 20000]
    found = [plan_measure(n) for n in sizes]
    rows = []
    for row in found:
        rows.append(
            (
                f"planner: no-op plan, {row['requests']:,} requests, {row['engineers']:,} eng.",
                f"{row['seconds']:.2f} s, {row['peak_mib']:.0f} MiB peak",
                "",
                "",
            )
        )
    for small, large in itertools.pairwise(found):
        data = large["requests"] / small["requests"]
        rows.append(
            (
                f"planner: growth {small['requests']:,} → {large['requests']:,}",
                f"{large['seconds'] / small['seconds']:.1f}x time, "
                f"{large['peak_mib'] / small['peak_mib']:.1f}x memory",
                f"{data:g}x (linear)",
                ratio(large["seconds"] / small["seconds"], data),
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the 20,000-request planner")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for sub in ("cold", "warm", "day", "pace", "start"):
            (tmp / sub).mkdir()
        rows = request_rows(tmp)
        rows += busy_day(tmp / "day")
        rows += pacing(tmp / "pace")
        rows += cold_start(tmp / "start")
        rows += first_request(tmp / "start")
        rows += planner(args.quick)
    print("| figure | measured | floor | ratio to floor |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n(measured in {time.perf_counter() - started:.0f} s on this machine)")


if __name__ == "__main__":
    main()
