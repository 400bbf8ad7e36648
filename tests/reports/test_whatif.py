"""``pto-bot check``: what a PTO request would get, answered before anyone opens it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from project import ROOT, Project, at, everything
from pto_bot import cli
from pto_bot.errors import ConfigError
from pto_bot.reports.whatif import OFFSET, what_if

POLICY = str(ROOT / "policy.yaml")
Check = Callable[..., tuple[int, str]]

# alpha: harishsr (lead), dbass90, andsmith3 · beta: klang (lead), adamlauzon, magomez3
# gamma: a.conrad (lead), malmendarez, michwalker · manager: melroberts


@pytest.fixture
def check(tmp_path: Path) -> Callable[[Project], Check]:
    """``pto-bot check`` through cli.main on a project file; the file must be left exactly as
    it was."""

    def on(p: Project) -> Check:
        path = tmp_path / "project.json"
        path.write_text(json.dumps(p.data))

        def invoke(*argv: str, now: str = "2026-11-20T14:00Z") -> tuple[int, str]:
            before = path.read_text()
            out = io.StringIO()
            args = ["check", *argv, "--policy", POLICY, "--offline", str(path), "--now", now]
            code = cli.main(args, out=out)
            assert path.read_text() == before  # nothing written
            return code, out.getvalue()

        return invoke

    return on


def beta_accounts(p: Project) -> None:
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")  # 4 h
    p.playbook("Initech", "klang", "high", "global-support")  # 2 h
    p.playbook("Globex", "klang", "normal", "global-support")  # Global Support


def test_one_out_names_the_backups(check: Callable[[Project], Check]) -> None:
    p = Project()
    beta_accounts(p)
    code, text = check(p)("--engineer", "klang", "--start", "2026-12-07", "--end", "2026-12-11")
    assert code == 0, text
    assert text.startswith("What if klang is off 2026-12-07 – 2026-12-11 (planned)")
    assert "  Mon 2026-12-07  1  klang\n" in text
    assert "Peak: 1 out" in text and "label out::1" in text
    assert "Approval: not needed (it takes 3 out)." in text
    assert "  pod beta\n" in text
    assert "  Acme Corp (high, auto-assigned): @adamlauzon (pod)\n" in text
    assert "  Initech (high, global-support): @magomez3 (pod)\n" in text
    assert "  Global Support handles tickets for: Globex\n" in text
    assert "fallback" not in text
    assert "Lead time: fine (17 day(s) ahead)." in text
    assert "Other requests" not in text


def test_a_third_out_needs_approval(check: Callable[[Project], Check]) -> None:
    p = Project()
    beta_accounts(p)
    p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("a.conrad", "2026-12-09", "2026-12-18", created="2026-11-02")
    code, text = check(p)("--engineer", "klang", "--start", "2026-12-07", "--end", "2026-12-11")
    assert code == 0, text
    assert "  Mon 2026-12-07  2  harishsr, klang\n" in text
    assert "  Wed 2026-12-09  3  a.conrad, harishsr, klang\n" in text
    assert "Peak: 3 out (Wed 2026-12-09, Thu 2026-12-10, Fri 2026-12-11): label out::3+." in text
    assert "Approval needed: 3 out reaches the threshold of 3; nothing is booked until " in text
    assert "melroberts comments `/pto approve`." in text
    assert "Coverage once approved:" in text  # what the pod would do after the approval
    assert "@adamlauzon (pod)" in text


def test_an_emergency_is_not_held_for_approval(check: Callable[[Project], Check]) -> None:
    p = Project()
    p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-02")
    code, text = check(p)(
        "--engineer", "klang", "--start", "2026-12-07", "--end", "2026-12-08", "--emergency"
    )
    assert code == 0, text
    assert "(emergency)" in text
    assert "Approval: not held (emergency PTO); melroberts is informed (3 out)." in text
    assert "Lead time: no warning for emergency PTO." in text


def test_two_of_a_pod_out_opens_a_fallback_with_its_accounts(
    check: Callable[[Project], Check],
) -> None:
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.playbook("Hooli", "dbass90", "high", "global-support")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    code, text = check(p)("--engineer", "dbass90", "--start", "2026-12-07", "--end", "2026-12-11")
    assert code == 0, text
    assert "  Northwind (high, auto-assigned): no backup in the pod → fallback request\n" in text
    assert "  Hooli (high, global-support): no backup in the pod → fallback request\n" in text
    assert "A fallback request would open for: Northwind, Hooli (2 or more of the pod" in text
    assert "48 h for volunteers" in text
    suggested = next(line for line in text.splitlines() if "Suggested volunteers" in line)
    assert "@a.conrad (0 wk)" in suggested and "@harishsr" not in suggested  # outside the pod
    assert "Visibility: post it in #support_assigned-support-eng yourself." in text  # no webhook


def test_holidays_lead_time_and_existing_bookings(check: Callable[[Project], Check]) -> None:
    p = Project()
    booked = p.request("a.conrad", "2026-11-23", "2026-11-27", created="2026-11-01")
    code, text = check(p)("--engineer", "a.conrad", "--start", "2026-11-25", "--end", "2026-11-27")
    assert code == 0, text
    assert "Public holidays in the period for a.conrad: Thu 2026-11-26 Thanksgiving" in text
    assert (
        "Lead time: warning — opened today it is 5 day(s) before the start; "
        "the policy asks for 14." in text
    )
    assert f"Already booked: #{booked} has a.conrad out 2026-11-23 – 2026-11-27." in text


def test_backups_an_existing_request_would_lose_are_shown(
    check: Callable[[Project], Check],
) -> None:
    p = Project()
    beta_accounts(p)
    existing = p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.run("2026-11-20")
    code, text = check(p)(
        "--engineer", "adamlauzon", "--start", "2026-12-10", "--end", "2026-12-11"
    )
    assert code == 0, text
    assert "Other requests this would change:" in text
    assert f"  #{existing} klang: Acme Corp: @adamlauzon → @magomez3" in text


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ("--engineer", "nobody", "--start", "2026-12-07", "--end", "2026-12-11"),
            "error: check: Engineer: @nobody is not on the team roster in policy.yaml",
        ),
        (
            ("--engineer", "klang", "--start", "2026-02-30", "--end", "2026-12-11"),
            "error: check: Start: '2026-02-30' is not a real calendar date; write it as YYYY-MM-DD",
        ),
        (
            ("--engineer", "klang", "--start", "2026-12-11", "--end", "2026-12-07"),
            "error: check: End 2026-12-07 is before Start 2026-12-11",
        ),
        (
            ("--engineer", "klang", "--start", "12/07/2026", "--end", "2026-12-11"),
            "error: check: Start: '12/07/2026' is not an ISO date",
        ),
    ],
)
def test_unknown_engineers_and_bad_dates_exit_2_with_the_parsers_message(
    check: Callable[[Project], Check],
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    code, text = check(Project())(*argv)
    assert code == 2
    assert text == ""
    assert message in capsys.readouterr().err


def test_missing_options_are_usage_errors(
    check: Callable[[Project], Check], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = check(Project())("--engineer", "klang", "--start", "2026-12-07")
    assert code == 2
    assert "the following arguments are required: --end" in capsys.readouterr().err


def test_the_hypothetical_request_is_opened_now_far_above_the_other_issues() -> None:
    p = Project()
    beta_accounts(p)
    last = p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-01")
    now = at("2026-11-20")
    snapshot = p.tracker(now).read(everything())
    answer, plan = what_if(p.policy, snapshot, now, "@klang", "2026-12-07", "2026-12-11")
    issue = answer.ev.filed.issue
    assert issue.iid == last + OFFSET and issue.created_at == now and issue.author == "klang"
    assert plan.evaluation.requests[-1] is answer.ev  # judged after every request already open
    assert "- **Start:** 2026-12-07" in issue.description
    assert len(snapshot.issues) == 4  # the project's snapshot is not changed
    with pytest.raises(ConfigError):
        what_if(p.policy, snapshot, now, "klang", "2026-12-07", "someday")
