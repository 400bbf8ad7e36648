"""The team's time-off calendar end to end: the scheduled job reads the secret feed named by
PTO_BOT_CALENDAR_URL (served here by a real HTTP server on 127.0.0.1), opens a PTO request for an
absence nobody requested, flags a request the calendar contradicts, and goes on with a warning
when the feed cannot be read; the webhook job never reads it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from calendar_server import SECRET, Answer, Server, event, ics, serving
from fake_gitlab import PROJECT_ID
from gitlab_team import Team, note_hook
from pto_bot.app import time_off
from pto_bot.domain.markers import strip_marker


@pytest.fixture
def calendar(team: Team, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    server = Server(0)
    with serving(server):
        team.fake.mock.add_passthru(f"http://127.0.0.1:{server.port}")  # past the fake GitLab
        monkeypatch.setenv("PTO_BOT_CALENDAR_URL", server.url)
        monkeypatch.setattr(time_off, "LOOPBACK_HTTP", True)  # http:// on loopback: tests only
        yield server


def titled(team: Team, title: str) -> int:
    (iid,) = [iid for iid, issue in team.fake.issues.items() if issue["title"] == title]
    return iid


def test_an_absence_in_the_calendar_alone_becomes_a_request_that_counts(
    team: Team, calendar: Server
) -> None:
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    team.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-01")
    calendar.answer = Answer(ics(event("hr-981", "20261207", "20261212", "PTO: KLang")))

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    assert [path for _, path, _ in calendar.received] == [SECRET]  # one request
    iid = titled(team, "PTO klang 2026-12-07 – 2026-12-11 (from the time-off calendar)")
    issue = team.fake.issues[iid]
    assert issue["labels"] == ["pto"] and issue["assignees"] == ["klang"]
    assert "- **Source:** calendar" in issue["description"]
    assert run.writes.count(("POST", f"/projects/{PROJECT_ID}/issues")) == 1
    assert run.count("GET", "/users") == 1  # klang's id, for the assignment
    assert calendar.url not in run.text and "7f3c9e1d2b" not in run.text

    second = team.reconcile("2026-11-20T15:00")

    assert second.code == 0, second.text
    assert {"out::2", "pto::covered"} <= set(team.labels(iid))
    assert "@adamlauzon (pod)" in team.note(iid, "coverage")
    titles = [i["title"] for i in team.fake.issues.values()]
    assert titles.count("PTO klang 2026-12-07 – 2026-12-11 (from the time-off calendar)") == 1
    # a third request for those days now waits for the manager
    later = team.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-20T16:00")
    team.reconcile("2026-11-20T17:00")
    assert {"out::3+", "pto::needs-approval"} <= set(team.labels(later))
    assert team.reconcile("2026-11-20T18:00").writes == []


def test_a_request_the_calendar_contradicts_is_flagged_once(team: Team, calendar: Server) -> None:
    req = team.request("dbass90", "2026-12-14", "2026-12-18", created="2026-11-01")
    team.reconcile("2026-11-20T14:00")
    description = team.fake.issues[req]["description"]
    calendar.answer = Answer(ics(event("hr-7", "20261214", "20261217", "dbass90 vacation")))

    run = team.reconcile("2026-11-23T14:00")

    assert run.code == 0, run.text
    assert run.writes == [("POST", f"/projects/{PROJECT_ID}/issues/{req}/notes")]
    flag = strip_marker(team.note(req, "calendar"))
    assert flag.startswith(
        "@dbass90 the team's time-off calendar shows `dbass90` off Mon 2026-12-14 – "
        "Wed 2026-12-16; this request says Mon 2026-12-14 – Fri 2026-12-18."
    )
    assert team.fake.issues[req]["description"] == description  # never changed
    assert team.reconcile("2026-11-23T15:00").writes == []
    assert len(calendar.received) == 3  # each scheduled run reads it once


def test_a_feed_that_cannot_be_read_is_a_warning_and_the_run_goes_on(
    team: Team, calendar: Server
) -> None:
    req = team.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    calendar.answer = Answer(b"<html>Sign in</html>", status=403)

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    assert (
        "Warnings (1):\n  PTO_BOT_CALENDAR_URL: the time-off calendar was not read: HTTP 403"
        in (run.text)
    )
    assert calendar.url not in run.text and "127.0.0.1" not in run.text
    assert "pto::covered" in team.labels(req)  # everything else as usual
    assert len(team.fake.issues) == 1


def test_the_webhook_job_never_reads_the_calendar(team: Team, calendar: Server) -> None:
    req = team.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    calendar.answer = Answer(ics(event("hr-1", "20261214", "20261215", "magomez3 off")))
    team.reconcile("2026-11-20T14:00")
    assert len(calendar.received) == 1
    note_id = team.comment(req, "klang", "/pto status", "2026-11-20T15:00")

    event_run = team.event(note_hook(team, req, note_id, "klang"), now="2026-11-20T15:01")

    assert event_run.code == 0, event_run.text
    assert len(calendar.received) == 1
