"""Pilot metrics on a known history, and the ``pto-bot metrics`` command on the bundled demo."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from project import ROOT, Project
from pto_bot import cli
from pto_bot.reports.metrics import compute_metrics
from pto_bot.reports.metrics_text import render_markdown, to_json

DEMO = ROOT / "pto_bot/demo/project.json"
POLICY = str(ROOT / "policy.yaml")
DEMO_NOW = "2026-11-23T14:00Z"
Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run() -> Run:
    """``pto-bot`` through cli.main."""

    def invoke(*argv: str) -> tuple[int, str]:
        out = io.StringIO()
        return cli.main(list(argv), out=out), out.getvalue()

    return invoke


# -- a known history ------------------------------------------------------------------------------
def history() -> tuple[Project, dict[str, int]]:
    """Ten requests starting from 2026-12-01, one before the range and one without dates.

    alpha: harishsr, dbass90, andsmith3 · beta: klang, adamlauzon, magomez3
    gamma: a.conrad, malmendarez, michwalker · manager: melroberts
    """
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.playbook("Virtucon", "malmendarez", "high", "global-support")
    p.playbook("Soylent", "adamlauzon", "high", "auto-assigned")
    iids = {
        "before": p.request("klang", "2026-10-05", "2026-10-09", created="2026-09-01"),
        # two of alpha out: a fallback for Northwind, which klang covers
        "andsmith3": p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01"),
        "dbass90": p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02"),
        # two of gamma out: a fallback for Virtucon, never covered, escalated
        "a.conrad": p.request("a.conrad", "2027-01-11", "2027-01-15", created="2026-11-03"),
        "malmendarez": p.request("malmendarez", "2027-01-11", "2027-01-15", created="2026-11-04"),
        # a third out, approved; a fourth, denied
        "harishsr": p.request("harishsr", "2027-02-01", "2027-02-05", created="2026-11-05"),
        "klang": p.request("klang", "2027-02-01", "2027-02-05", created="2026-11-06"),
        "michwalker": p.request("michwalker", "2027-02-01", "2027-02-05", created="2026-11-07"),
        "andsmith3-feb": p.request("andsmith3", "2027-02-01", "2027-02-05", created="2026-11-08"),
        "magomez3": p.request("magomez3", "2026-12-14", "2026-12-18", created="2026-11-09"),
        # opened 11 days ahead: late
        "adamlauzon": p.request(
            "adamlauzon", "2026-12-01", "2026-12-02", created="2026-11-20T10:00"
        ),
        "undated": p.raw_request("- **Start:** soon", "michwalker", created="2026-11-16"),
    }
    p.edit(iids["magomez3"], labels=["pto", "pto::cancelled"])
    return p, iids


def lived(p: Project, iids: dict[str, int]) -> None:
    p.run("2026-11-20T14:00")  # both fallbacks open now
    northwind = p.fallback_of(iids["dbass90"])
    assert northwind is not None
    p.comment(northwind["iid"], "klang", "/pto volunteer Northwind", when="2026-11-21T10:00")
    p.comment(iids["michwalker"], "klang", "/pto approve", when="2026-11-21T10:30")  # refused
    p.comment(iids["michwalker"], "melroberts", "/pto approve", when="2026-11-21T11:00")
    p.comment(iids["andsmith3-feb"], "melroberts", "/pto deny busy", when="2026-11-21T11:00")
    p.run("2026-11-21T15:00")  # the volunteer is recorded 25 h after the fallback opened
    # the Virtucon fallback, opened on Friday, is past its 48 h of working time on Tuesday
    p.run("2026-11-24T14:00")


def test_metrics_of_a_known_history() -> None:
    p, iids = history()
    lived(p, iids)
    plan = p.plan("2026-11-24T15:00")
    assert plan.actions == ()
    m = compute_metrics(plan, date(2026, 11, 15), None)
    assert m.requests == {
        "covered": 7,
        "needs-coverage": 1,
        "needs-approval": 0,
        "needs-info": 0,
        "denied": 1,
        "cancelled": 1,
    }
    # 5 working days each, adamlauzon 2; nothing for the denied and the cancelled requests
    assert m.days_off == {"covered": 32, "needs-coverage": 5, "needs-approval": 0}
    assert m.undated == 1
    assert (m.planned, m.planned_on_time) == (10, 9)
    assert m.overlap == {"1": 4, "2": 3, "3+": 1}
    assert (m.approvals, m.denials) == (1, 1)
    by_request = {f.request: f for f in m.fallbacks}
    assert set(by_request) == {iids["dbass90"], iids["malmendarez"]}
    northwind = by_request[iids["dbass90"]]
    assert (northwind.state, northwind.hours_to_cover, northwind.escalated) == (
        "covered",
        25,
        False,
    )
    virtucon = by_request[iids["malmendarez"]]
    assert (virtucon.state, virtucon.hours_to_cover, virtucon.escalated) == (
        "uncovered",
        None,
        True,
    )
    assert m.median_hours_to_cover == 25.0
    assert m.escalations == 1
    assert sorted(m.fallback_weeks) == [2026, 2027]
    assert m.fallback_weeks[2026]["klang"] == 1.0
    assert m.fallback_weeks[2027]["klang"] == 0
    assert (m.pending_fallbacks, m.pending_commands) == (0, 0)


def test_until_bounds_the_requests_by_their_start() -> None:
    p, iids = history()
    lived(p, iids)
    m = compute_metrics(p.plan("2026-11-24T15:00"), date(2026, 11, 15), date(2026, 12, 31))
    assert m.total_requests == 4  # andsmith3, dbass90, magomez3 (cancelled), adamlauzon
    assert m.requests["covered"] == 3 and m.requests["cancelled"] == 1
    assert m.total_days_off == 12
    assert (m.approvals, m.denials) == (0, 0)  # both decisions are on February requests
    assert sorted(m.fallback_weeks) == [2026]
    # fallback requests are counted by the day they opened
    assert len(m.fallbacks) == 2
    nothing = compute_metrics(p.plan("2026-11-24T15:00"), date(2026, 11, 21), date(2026, 11, 30))
    assert nothing.total_requests == 0 and nothing.fallbacks == ()


def test_a_withdrawal_and_a_new_volunteer_count_from_the_new_one() -> None:
    p, iids = history()
    lived(p, iids)
    fb = p.fallback_of(iids["dbass90"])
    assert fb is not None
    p.comment(fb["iid"], "klang", "/pto withdraw Northwind", when="2026-11-25T09:00")
    p.run("2026-11-25T10:00")
    assert p.raw(fb["iid"])["state"] == "opened"
    m = compute_metrics(p.plan("2026-11-25T11:00"), date(2026, 11, 15), None)
    assert {f.request: f.state for f in m.fallbacks}[iids["dbass90"]] == "uncovered"
    p.comment(fb["iid"], "michwalker", "/pto volunteer Northwind", when="2026-11-25T12:00")
    p.run("2026-11-25T16:00")
    m = compute_metrics(p.plan("2026-11-25T17:00"), date(2026, 11, 15), None)
    northwind = {f.request: f for f in m.fallbacks}[iids["dbass90"]]
    assert northwind.state == "covered" and northwind.hours_to_cover == 5 * 24 + 2


def test_what_a_run_would_record_counts_as_if_it_had_run() -> None:
    """Metrics before a run equal the metrics after it (at the same instant)."""
    p, iids = history()
    p.run("2026-11-20T14:00")
    fb = p.fallback_of(iids["dbass90"])
    assert fb is not None
    p.comment(fb["iid"], "klang", "/pto volunteer Northwind", when="2026-11-21T10:00")
    p.comment(iids["michwalker"], "melroberts", "/pto approve", when="2026-11-21T11:00")
    before = compute_metrics(p.plan("2026-11-21T15:00"), date(2026, 11, 15), None)
    assert before.pending_commands == 2
    p.run("2026-11-21T15:00")
    after = compute_metrics(p.plan("2026-11-21T15:00"), date(2026, 11, 15), None)
    assert after.pending_commands == 0
    assert to_json(before)["fallbacks"] == to_json(after)["fallbacks"]
    assert to_json(before)["requests"] == to_json(after)["requests"]
    assert before.approvals == after.approvals == 1


def test_markdown_and_json_show_the_same_numbers() -> None:
    p, iids = history()
    lived(p, iids)
    m = compute_metrics(p.plan("2026-11-24T15:00"), date(2026, 11, 15), None)
    text = render_markdown(m)
    assert "| covered | 7 | 32 |" in text
    assert "| **total** | **10** | **37** |" in text
    assert "Lead time: 9 of 10 planned request(s) (90%)" in text
    assert "4 request(s) at 1 out, 3 request(s) at 2 out, 1 request(s) at 3+ out" in text
    assert "Opened: 2 (1 covered, 1 uncovered, 0 not needed)" in text
    assert "Median time to full coverage: 25.0 h (over 1)" in text
    assert "Escalated past the deadline: 1." in text
    assert "| klang | 1 (below) | 0 (below) |" in text
    data = to_json(m)
    assert json.loads(json.dumps(data)) == data
    assert data["requests"]["working_days_off"]["total"] == 37
    assert data["fallbacks"]["median_hours_to_cover"] == 25.0
    assert data["lead_time"]["share"] == 0.9


# -- the command on the bundled demo ---------------------------------------------------------------
def demo_metrics(run: Run, project: Path, *extra: str) -> tuple[int, str]:
    args = ("metrics", "--since", "2025-11-15", "--policy", POLICY, "--offline", str(project))
    return run(*args, "--now", DEMO_NOW, *extra)


def test_metrics_on_the_demo_in_markdown(run: Run) -> None:
    before = DEMO.read_text()
    code, text = demo_metrics(run, DEMO)
    assert code == 0
    assert DEMO.read_text() == before  # read only
    assert text.startswith("# PTO coverage metrics: AMER ASE\n")
    assert "Requests starting 2025-11-15 onwards, as at team day 2026-11-23." in text
    assert "| covered | 6 | 29 |" in text
    assert "| needs-coverage | 1 | 8 |" in text
    assert "| needs-approval | 1 | 4 |" in text
    assert "| **total** | **8** | **41** |" in text
    assert "1 more request(s) opened in the range have no readable dates." in text
    assert "Lead time: 6 of 7 planned request(s) (86%)" in text
    assert "5 request(s) at 1 out, 2 request(s) at 2 out, 1 request(s) at 3+ out" in text
    assert "Manager decisions: 0 approval(s), 0 denial(s)." in text  # klang may not approve
    # opened by the bot on Friday
    assert "| #39 | #31 | harishsr | 2026-11-20 09:00 EST | 2 | uncovered | — |" in text
    # Initech from Dec 28 (dbass90 covers the first week): 4 working days, none in 2027 (New Year)
    assert "| michwalker | 0 (below) | 0.8 (below) | 0 (below) |" in text


def test_metrics_on_the_demo_in_json_before_and_after_a_reconcile(run: Run, tmp_path: Path) -> None:
    project = tmp_path / "project.json"
    shutil.copyfile(DEMO, project)
    code, text = demo_metrics(run, project, "--json")
    assert code == 0
    data = json.loads(text)
    assert data["since"] == "2025-11-15" and data["until"] is None
    assert data["requests"]["total"] == 8
    assert data["requests"]["by_status"]["covered"] == 6
    assert data["requests"]["working_days_off"]["total"] == 41
    assert data["overlap"] == {"1": 5, "2": 2, "3+": 1}
    assert data["fallbacks"]["opened"] == 1 and data["fallbacks"]["uncovered"] == 1
    assert data["fallbacks"]["items"][0]["issue"] == 39  # opened by the bot on Friday
    assert data["pending"] == {"fallbacks": 0, "commands": 6}  # a decline and an accept too
    assert data["fallback_weeks"]["by_year"]["2026"]["malmendarez"] == 0.8
    assert data["fallback_weeks"]["target"] == {"min": 2, "max": 4}
    reconcile = ("reconcile", "--policy", POLICY, "--offline", str(project), "--now", DEMO_NOW)
    assert run(*reconcile)[0] == 0
    after = json.loads(demo_metrics(run, project, "--json")[1])
    assert after["pending"] == {"fallbacks": 0, "commands": 0}
    assert after["fallbacks"]["items"] == data["fallbacks"]["items"]
    for key in ("requests", "overlap", "lead_time", "decisions", "fallback_weeks"):
        assert after[key] == data[key], key
    assert after["fallbacks"]["uncovered"] == 1


def test_bad_dates_and_ranges_exit_2(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = demo_metrics(run, DEMO, "--until", "2025-13-01")
    assert code == 2
    assert "'2025-13-01' is not a date; write it as YYYY-MM-DD" in capsys.readouterr().err
    code, _ = demo_metrics(run, DEMO, "--until", "2025-01-01")
    assert code == 2
    assert "--until 2025-01-01 is before --since 2025-11-15" in capsys.readouterr().err


def test_the_pilot_is_counted_from_its_start_day_when_no_since_is_given(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("metrics", "--offline", str(DEMO), "--now", DEMO_NOW, "--json")
    code, text = run(*args, "--policy", POLICY)  # the policy's pilot.start: 2025-11-15
    assert code == 0 and json.loads(text)["since"] == "2025-11-15"
    code, text = run(*args, "--policy", POLICY, "--since", "2026-12-01")
    assert code == 0 and json.loads(text)["since"] == "2026-12-01"
    pilotless = tmp_path / "policy.yaml"
    text = Path(POLICY).read_text(encoding="utf-8")
    pilotless.write_text(_without_pilot(text))
    code, _ = run(*args, "--policy", str(pilotless))
    assert code == 2
    said = capsys.readouterr().err
    assert "metrics: give --since DATE, or set pilot.start in policy.yaml" in said


def _without_pilot(text: str) -> str:
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith("pilot:"))
    end = next(n for n in range(start + 1, len(lines)) if not lines[n].startswith("  "))
    return "".join(lines[:start] + lines[end:])


def test_an_account_covered_in_parts_counts_once_and_its_volunteer_weeks_are_its_days() -> None:
    from project import policy_file

    p = Project(policy=policy_file("tam-buddy.yaml"))
    p.playbook("Acme Rockets", "tam-avery", "normal", "global-support")
    req = p.request("tam-avery", "2026-12-07", "2026-12-18", created="2026-11-16")
    p.request("tam-blake", "2026-12-14", "2026-12-18", created="2026-11-17")  # his 2nd week
    p.run("2026-11-20")
    fallback = p.fallback_of(req)
    assert fallback is not None
    p.comment(fallback["iid"], "tam-emery", "/pto volunteer Acme Rockets", when="2026-11-20T15:00")
    p.comment(req, "tam-blake", "/pto decline", when="2026-11-20T16:00")  # his week open again
    p.run("2026-11-20T17:00")
    m = compute_metrics(p.plan("2026-11-20T18:00"), date(2026, 11, 15), None)
    (stat,) = [f for f in m.fallbacks if f.request == req]
    assert (stat.accounts, stat.state) == (1, "uncovered")  # one account, one part still open
    assert m.fallback_weeks[2026]["tam-emery"] == 1.0  # his week, not the two of the request
