"""What one whole absence costs, in each way of working: API requests, writes, and who GitLab told
of the bot's writes while the engineer was out.

Run it from the project root, offline (a few seconds)::

    .venv/bin/python benchmarks/absence.py

Against the stateful fake GitLab of ``tests/fake_gitlab.py`` (no network), ``pto-bot reconcile``
runs twice a day (09:00 and 16:00 UTC) from a week before the first day off to the first day back,
with its memory kept in GitLab, without a runner cache. The engineer owns two accounts, one with a
collaboration project; on the second day off a customer mentions them there, a colleague mentions
them on a playbook, the manager asks ``/pto status`` on the request and the backup leaves a note on
a playbook; on the third a customer opens an issue tagging nobody. The fake tells who GitLab would
notify of each write (participants, mentions, assignees): "to the engineer while out" counts the
bot's writes between their first and last day off that GitLab delivered to them, the out-of-office
answers (in a thread where someone had just mentioned them) apart.

To compare with another version of ``pto_bot``: copy this folder and ``tests/`` into a checkout
of it and run it there with that checkout first on ``PYTHONPATH`` (its policies are its own).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests")]

import responses  # noqa: E402

from fake_gitlab import FakeGitLab  # noqa: E402
from gitlab_team import Team, running  # noqa: E402
from project import at  # noqa: E402
from pto_bot.domain.markers import read_marker  # noqa: E402

NEW_YORK = ZoneInfo("America/New_York")
WRITES = ("POST", "PUT")


@dataclass(frozen=True)
class Way:
    name: str
    policy: str
    engineer: str
    start: date
    end: date
    back: date
    accounts: tuple[tuple[str, str, str], ...]  # name, priority, model
    backups: str  # the Backups field
    backup: str  # who leaves a note on a playbook
    colleague: str


WAYS = (
    Way(
        "pods",
        "policy.yaml",
        "klang",
        date(2026, 12, 7),
        date(2026, 12, 11),
        date(2026, 12, 14),
        (("Acme Corp", "high", "auto-assigned"), ("Initech", "high", "global-support")),
        "",
        "adamlauzon",
        "dbass90",
    ),
    Way(
        "classic",
        "examples/policies/classic.yaml",
        "harishsr",
        date(2026, 12, 14),
        date(2026, 12, 18),
        date(2026, 12, 21),
        (("Acme Corp", "normal", "global-support"), ("Initech", "high", "global-support")),
        "@dbass90 Acme Corp; @jdoe-se Initech",
        "dbass90",
        "klang",
    ),
    Way(
        "buddy",
        "examples/policies/tam-buddy.yaml",
        "tam-avery",
        date(2026, 12, 7),
        date(2026, 12, 11),
        date(2026, 12, 14),
        (("Acme Rockets", "normal", "global-support"), ("Bluth Company", "high", "global-support")),
        "",
        "tam-blake",
        "tam-emery",
    ),
)


def scene(team: Team, way: Way) -> dict[date, list[Callable[[], object]]]:
    """The request and the playbooks; what people do on which day."""
    policy = team.tmp / "policy.yaml"  # the way's policy, the customers' projects allowed
    text = (ROOT / way.policy).read_text(encoding="utf-8")
    if "  groups: []" in text:
        text = text.replace("  groups: []", "  groups: [customers]", 1)
    elif "\nout_of_office:" not in text:  # the policy leaves out of office to its defaults
        text += "\nout_of_office:\n  groups: [customers]\n"
    policy.write_text(text, encoding="utf-8")
    team.policy = str(policy)
    team.remember = True  # the bot's memory in GitLab, as in production
    books = [team.playbook(n, way.engineer, p, m) for n, p, m in way.accounts]
    project = "customers/first"
    team.fake.add_project(project)
    team.fake.issues[books[0]]["description"] = f"- **Collaboration project:** {project}\n"
    body = (
        f"- **Engineer:** @{way.engineer}\n- **Start:** {way.start}\n- **End:** {way.end}\n"
        f"- **Type:** planned\n- **Backups:** {way.backups}\n"
    )
    req = team.raw_request(body, way.engineer, created="2026-11-01")
    second, third = way.start + timedelta(1), way.start + timedelta(2)

    def customer(day: date, mention: bool) -> Callable[[], object]:
        def act() -> None:
            team.fake.now = at(f"{day}T13:00")
            text = f"@{way.engineer} can we talk?" if mention else "Our runners are slow."
            issue = team.fake.add_issue_in(project, "Question", author="jane", age=timedelta(0))
            if mention:
                team.fake.add_note(issue, text, author="jane", project=project)
            else:
                team.fake.others[project].issues[issue]["description"] = text

        return act

    return {
        second: [
            customer(second, mention=True),
            lambda: team.comment(
                books[1], way.colleague, f"@{way.engineer} fyi", f"{second}T13:10"
            ),
            lambda: team.comment(req, "melroberts", "/pto status", f"{second}T13:20"),
            lambda: team.comment(books[0], way.backup, "Renewal call moved.", f"{second}T13:30"),
        ],
        third: [customer(third, mention=False)],
    }


def absence(way: Way) -> dict[str, int]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        responses.RequestsMock(assert_all_requests_are_fired=False) as mock,
    ):
        fake = FakeGitLab(mock)
        with running(fake, Path(tmp)) as team:
            acts = scene(team, way)
            day = way.start - timedelta(7)
            while day <= way.back:
                assert team.reconcile(f"{day}T09:00").code == 0
                for act in acts.get(day, []):
                    act()
                assert team.reconcile(f"{day}T16:00").code == 0
                day += timedelta(1)
            told = notified(team, way)
            return {
                "requests": len(fake.calls),
                "reads": sum(1 for m, _ in fake.calls if m == "GET"),
                "writes": sum(1 for m, _ in fake.calls if m in WRITES),
                **told,
            }


def notified(team: Team, way: Way) -> dict[str, int]:
    found = {"to the engineer while out": 0, "of which out-of-office answers": 0}
    for told in getattr(team.fake, "notified", ()):
        day = told.at.astimezone(NEW_YORK).date()
        if not way.start <= day <= way.end or way.engineer not in told.to:
            continue
        space = team.fake.others.get(told.project, team.fake.team)
        body = next((n["body"] for n in space.notes.get(told.iid, []) if n["id"] == told.note), "")
        found["to the engineer while out"] += 1
        found["of which out-of-office answers"] += (read_marker(body) or {}).get("t") == "away"
    return found


def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    print(
        "| way of working | requests (reads + writes) | writes | to the engineer while out "
        "| of which out-of-office answers |"
    )
    print("|---|---:|---:|---:|---:|")
    for way in WAYS:
        got = absence(way)
        print(
            f"| {way.name} | {got['requests']} ({got['reads']} + {got['writes']}) | "
            f"{got['writes']} | {got['to the engineer while out']} | "
            f"{got['of which out-of-office answers']} |"
        )


if __name__ == "__main__":
    main()
