"""How long the webhook job, and each parser of people's text alone, take on a 1 KB comment and
on a 1,000,000-character one. Every parser should be linear: the job on the long comment should
take at most 20 times as long as on the short one (its start and its reads weigh on both).

Run it from the project root, offline, in a few minutes::

    .venv/bin/python benchmarks/parsers.py [--repeat 5] [--large 1000000]

**The job** is ``pto-bot handle-event --payload FILE --offline PROJECT`` in a process of its own,
as CI runs it, each time on a fresh copy of the demo project as its first reconcile left it
(``policy.yaml``, as at 2026-11-23 14:00 UTC: adamlauzon is out), for two Note Hook events whose
comment ends with a command and a mention (``/pto status``, then ``@adamlauzon``):

- on dbass90's PTO request (#32), by klang: the command is answered (a mention on a PTO request
  is not: it is about who is out);
- on adamlauzon's playbook Oscorp (#14), by melroberts: the mention is answered (a playbook takes
  no command, but a line with one makes the event one to reconcile).

Each comment is ordinary notes (Markdown: lists, code, links, emphasis), hostile text (the
shapes that made the parsers quadratic: unclosed marker starts, comments, code spans, tags and
links, runs of spaces), both cut to 1 KB or to ``--large`` characters before their ending, or
notes, the command and the mention, then a last line of unclosed marker starts as long as all
the rest (an HTML comment GitLab shows nothing of; how the bot tells its own comments from a
person's reads the last line). The short and the long event run alternately, ``--repeat``
times each: the medians and their ratio, and what the job wrote.

**The parsers alone** (markers, commands, mentions, the request form, a playbook's
collaboration field), each on 1 KB and ``--large`` characters of notes and of hostile text, the
median of ``--repeat`` (the reading of Markdown is not kept between them): linear when the long
one takes about ``--large`` / 1,000 times as long (its time per character no more than at 1 KB).

Wall clock: compare the figures of one run with each other, never with another machine's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pto_bot.commands.parse import command_lines  # noqa: E402
from pto_bot.domain.accounts import collaboration_projects  # noqa: E402
from pto_bot.domain.markers import looks_like_the_bots, read_marker, strip_marker  # noqa: E402
from pto_bot.domain.mentions import mentions  # noqa: E402
from pto_bot.domain.policy_file import load_policy  # noqa: E402
from pto_bot.domain.request_form import parse_request  # noqa: E402

POLICY = ROOT / "policy.yaml"
DEMO = ROOT / "pto_bot" / "demo" / "project.json"
NOW = "2026-11-23T14:00Z"
SMALL = 1_000
ENDING = "\n\n/pto status\n\n@adamlauzon can you check the renewal before Friday?\n"
EVENTS = {  # issue iid -> (who comments, what the issue is)
    32: ("klang", "PTO request: the command answered"),
    14: ("melroberts", "playbook: the mention answered"),
}
NOTES = (
    "- Call with the customer: the upgrade to 18.6 is planned for **next week**.\n"
    "- They asked about `gitlab-ctl reconfigure` and the [runbook](https://example.com/rb).\n"
    "- _Open question_: who reviews the backup plan? See <https://example.com/issues/42>.\n\n"
)
HOSTILE = (
    'text <!-- pto-bot { <!-- pto-bot {"t": ` `` ``` [a]( [ <a b=\' <code> *a _b @a. '
    + " " * 40
    + "(optional \\\n"
)


def text(filler: str, size: int, ending: str = "") -> str:
    """``filler`` repeated and cut to ``size`` characters, then ``ending``."""
    body = filler * (size // len(filler) + 1)
    return body[: size - len(ending)] + ending


def comment(kind: str, size: int) -> str:
    """A comment of ``size`` characters of ``kind`` with a command and a mention at its end."""
    if kind == "markers":  # then a last line of marker starts
        return text(NOTES, size // 2, ENDING) + text("<!-- pto-bot {", size - size // 2)
    return text(NOTES if kind == "notes" else HOSTILE, size, ENDING)


# -- the job --------------------------------------------------------------------------------------
def event(folder: Path, iid: int, body: str) -> tuple[Path, Path]:
    """The converged project with ``body`` as a new comment on ``iid``, and its Note Hook."""
    author, _ = EVENTS[iid]
    project = json.loads((folder / "converged.json").read_text(encoding="utf-8"))
    issue = next(i for i in project["issues"] if i["iid"] == iid)
    stamp = "2026-11-23T13:50:00Z"
    note = {
        "id": 9001,
        "body": body,
        "author": {"username": author},
        "created_at": stamp,
        "updated_at": stamp,
        "system": False,
        "noteable_type": "Issue",
        "noteable_iid": iid,
        "discussion_id": "d" * 40,
    }
    project["notes"].setdefault(str(iid), []).append(note)
    payload = {
        "object_kind": "note",
        "event_type": "note",
        "user": {"id": 1, "username": author},
        "project": {"id": 42, "path_with_namespace": project["project"]["path_with_namespace"]},
        "object_attributes": {
            "id": 9001,
            "note": body,
            "noteable_type": "Issue",
            "discussion_id": "d" * 40,
            "created_at": "2026-11-23 13:50:00 UTC",
            "updated_at": "2026-11-23 13:50:00 UTC",
            "action": "create",
            "url": f"{issue['web_url']}#note_9001",
        },
        "issue": {"iid": iid, "labels": list(issue["labels"])},
    }
    size = "large" if len(body) > SMALL * 10 else "small"
    saved = folder / f"project-{iid}-{size}.json"
    saved.write_text(json.dumps(project), encoding="utf-8")
    hook = folder / f"payload-{iid}-{size}.json"
    hook.write_text(json.dumps(payload), encoding="utf-8")
    return saved, hook


def pto_bot(*argv: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """``pto-bot ARGV`` in a process of its own, on this checkout's code: seconds, and what it
    did."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PTO_BOT_PROJECT": "42", "PYTHONPATH": path}
    for var in ("GITLAB_URL", "GITLAB_TOKEN", "CI_PROJECT_ID", "TRIGGER_PAYLOAD", "PTO_BOT_CACHE"):
        env.pop(var, None)
    script = "import sys; from pto_bot.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", script, *argv, "--policy", str(POLICY), "--now", NOW]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def converge(folder: Path) -> None:
    """The demo project after its first reconcile: an event job then writes for its event."""
    shutil.copyfile(DEMO, folder / "converged.json")
    _, done = pto_bot("reconcile", "--offline", str(folder / "converged.json"))
    if done.returncode != 0:
        raise SystemExit(f"the demo project's reconcile failed: {done.stdout}{done.stderr}")


def job(folder: Path, project: Path, payload: Path) -> tuple[float, str]:
    """One ``pto-bot handle-event`` on a fresh copy of ``project``: seconds, and its writes."""
    copy = folder / "project.json"
    shutil.copyfile(project, copy)
    took, done = pto_bot("handle-event", "--payload", str(payload), "--offline", str(copy))
    writes = [line.split("  — ")[0].strip() for line in done.stdout.splitlines() if " -> " in line]
    return took, f"exit {done.returncode}: {'; '.join(writes) or 'no write'}"


def jobs(folder: Path, repeat: int, large: int, kinds: list[str]) -> None:
    print(f"## The webhook job: 1 KB and {large:,} characters, median of {repeat}\n")
    print("| comment | event | 1 KB | large | ratio | the job (large) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name in kinds:
        for iid, (_, what) in EVENTS.items():
            small = event(folder, iid, comment(name, SMALL))
            big = event(folder, iid, comment(name, large))
            times: dict[str, list[float]] = {"small": [], "large": []}
            said = ""
            for _ in range(repeat):  # side by side: the machine's load weighs on both alike
                times["small"].append(job(folder, *small)[0])
                took, said = job(folder, *big)
                times["large"].append(took)
            a, b = statistics.median(times["small"]), statistics.median(times["large"])
            print(f"| {name} | #{iid} {what} | {a:.2f} s | {b:.2f} s | {b / a:.1f} | {said} |")
    print()


# -- the parsers alone ----------------------------------------------------------------------------
def forget() -> None:
    """Drop the reading of Markdown kept for the last texts, so each call reads afresh."""
    try:
        from pto_bot.domain.markdown import prose
    except ImportError:  # a version without one shared reading
        return
    prose.cache_clear()


def measure(parse: Callable[[str], Any], body: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        forget()
        start = time.perf_counter()
        parse(body)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parsers(repeat: int, large: int) -> None:
    policy = load_policy(POLICY)
    roster = list(policy.engineers)
    form = "- **Engineer:** @klang\n- **Start:** 2026-12-21\n- **End:** 2026-12-24\n"
    cases: list[tuple[str, Callable[[str], Any], str, str]] = [
        ("read_marker", read_marker, "<!-- pto-bot {", ""),
        ("strip_marker", strip_marker, "<!-- pto-bot {", ""),
        ("looks_like_the_bots", looks_like_the_bots, "<!-- pto-bot {", ""),
        ("command_lines", lambda b: command_lines(b, policy, "pto-bot"), HOSTILE, ENDING),
        ("mentions", mentions, HOSTILE, ENDING),
        ("request form", lambda b: parse_request(b, author="klang", roster=roster), HOSTILE, form),
        ("collaboration field", collaboration_projects, " " * 50, "\n- Collaboration project: a/b"),
    ]
    print(f"## Each parser alone: 1 KB and {large:,} characters, median of {repeat}\n")
    print("| parser | text | 1 KB | large | growth | per character, large / 1 KB |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, parse, hostile, ending in cases:
        for kind, filler in (("notes", NOTES), ("hostile", hostile)):
            a = measure(parse, text(filler, SMALL, ending), repeat)
            b = measure(parse, text(filler, large, ending), repeat)
            growth = b / a
            linear = growth / (large / SMALL)
            print(
                f"| {name} | {kind} | {a * 1000:.3f} ms | {b * 1000:.1f} ms | {growth:,.0f} |"
                f" {linear:.2f} |"
            )
    print()


def main_benchmark() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    options.add_argument("--repeat", type=int, default=5, help="runs of each (default 5)")
    options.add_argument("--large", type=int, default=1_000_000, help="characters (1,000,000)")
    options.add_argument("--only", choices=("jobs", "parsers"), help="one of the two tables")
    options.add_argument(
        "--comments", default="notes,hostile,markers", help="the job's comments (all three)"
    )
    args = options.parse_args()
    if args.only != "parsers":
        with tempfile.TemporaryDirectory() as folder:
            converge(Path(folder))
            jobs(Path(folder), args.repeat, args.large, args.comments.split(","))
    if args.only != "jobs":
        parsers(args.repeat, args.large)


if __name__ == "__main__":
    main_benchmark()
