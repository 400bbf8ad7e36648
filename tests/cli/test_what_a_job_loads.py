"""A job loads only what its path needs (benchmarks/job_cpu.py measures what that saves): the
webhook job's ignored events neither Jinja, iCalendar, cryptography, python-gitlab nor the
holidays package; a reconcile only the team's countries' holidays, and iCalendar and the report's
templates only when it writes the report.

Each path runs in a fresh interpreter (this one has loaded everything already), which prints the
modules it ended with.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fake_gitlab import PROJECT_ID, PROJECT_PATH
from gitlab_team import templated
from project import ROOT
from pto_bot.adapters.hook_template import webhook_template

DEMO = ROOT / "pto_bot" / "demo"
NEVER_WHEN_IGNORED = ("jinja2", "icalendar", "cryptography", "gitlab", "requests", "holidays")


def loaded(argv: list[str], tmp: Path, **env: str) -> tuple[set[str], str]:
    """The modules ``pto-bot argv`` ended with, and what it printed."""
    script = (
        "import json, sys\n"
        "from pto_bot.cli import main\n"
        f"code = main({argv!r})\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
        "raise SystemExit(code)\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GITLAB_", "CI_"))}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp,
        env={**clean, **env},
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1])), done.stdout


def of(modules: set[str], package: str) -> set[str]:
    return {m for m in modules if m == package or m.startswith(f"{package}.")}


def note_hook(author: str, body: str, project: int = PROJECT_ID) -> dict[str, Any]:
    return {
        "object_kind": "note",
        "user": {"username": author},
        "project": {
            "id": project,
            "path_with_namespace": PROJECT_PATH if project == PROJECT_ID else "customer/acme",
        },
        "object_attributes": {"id": 7, "note": body, "noteable_type": "Issue"},
        "issue": {"iid": 3, "labels": ["pto"]},
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    ("payload", "said"),
    [
        (note_hook("pto-bot", "Noted."), "caused by the bot itself (@pto-bot)"),
        (note_hook("klang", "Enjoy!"), "has no /pto command"),
        (note_hook("klang", "Enjoy!", project=99), "customer/acme mentions nobody on the roster"),
    ],
    ids=["the bot's own comment", "a comment without a command", "another project's event"],
)
def test_an_ignored_event_loads_no_template_calendar_cipher_client_or_holidays(
    tmp_path: Path, payload: dict[str, Any], said: str
) -> None:
    path = tmp_path / "payload.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    argv = ["handle-event", "--payload", str(path), "--policy", str(ROOT / "policy.yaml")]
    modules, out = loaded(argv, tmp_path, PTO_BOT_PROJECT=str(PROJECT_ID))
    assert said in out and out.startswith("ignored: ")
    assert {p: of(modules, p) for p in NEVER_WHEN_IGNORED} == {p: set() for p in NEVER_WHEN_IGNORED}
    assert "pto_bot.domain.world" not in modules  # nothing is planned


@pytest.mark.slow
def test_the_job_of_the_bots_own_events_loads_no_more_than_an_ignored_event(
    tmp_path: Path,
) -> None:
    path = tmp_path / "payload.json"
    body = templated(note_hook("pto-bot", "Noted."), webhook_template())
    path.write_text(json.dumps(body), encoding="utf-8")
    argv = ["handle-event", "--payload", str(path), "--policy", str(ROOT / "policy.yaml")]
    modules, out = loaded([*argv, "--ignore-only"], tmp_path, PTO_BOT_PROJECT=str(PROJECT_ID))
    assert out == "ignored: note event caused by the bot itself (@pto-bot)\n"
    assert {p: of(modules, p) for p in NEVER_WHEN_IGNORED} == {p: set() for p in NEVER_WHEN_IGNORED}


def offline_reconcile(tmp: Path, *report: str) -> tuple[set[str], str]:
    shutil.copy(DEMO / "project.json", tmp / "project.json")
    argv = [
        *("reconcile", "--offline", str(tmp / "project.json"), "--dry-run"),
        *("--policy", str(DEMO / "policy.yaml"), "--now", "2026-11-23T14:00Z", *report),
    ]
    return loaded(argv, tmp)


@pytest.mark.slow
def test_a_reconcile_loads_the_holidays_of_the_teams_countries_alone_and_no_report(
    tmp_path: Path,
) -> None:
    modules, out = offline_reconcile(tmp_path)
    assert "Writes (" in out
    # the demo team works in the United States and Canada; the package knows 250 countries
    assert of(modules, "holidays.countries") == {
        "holidays.countries",
        "holidays.countries.canada",
        "holidays.countries.united_states",
    }
    assert of(modules, "icalendar") == set()
    assert "pto_bot.reports.site" not in modules
    assert "pto_bot.adapters.webhook" not in modules  # no payload to read


@pytest.mark.slow
def test_a_reconcile_that_writes_the_report_loads_icalendar_for_its_calendar(
    tmp_path: Path,
) -> None:
    modules, _ = offline_reconcile(tmp_path, "--report", str(tmp_path / "public"))
    assert (tmp_path / "public" / "pto.ics").exists()
    assert "icalendar" in modules and "pto_bot.reports.site" in modules
    assert len(of(modules, "holidays.countries")) == 3
