"""Quiet while out, end to end against the fake GitLab, for each of the three ways of working: a
whole absence from the week before to the first day back, with mentions, commands, declines and
a customer who tags nobody on the way, and not one write of the bot's between the engineer's
first day off and their last that GitLab would deliver to them (as author, assignee, commenter
or mentioned) — but the out-of-office answer in a thread where someone has just mentioned them.
What the backups need goes to the coverage issue; the engineer hears it all when back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from fake_gitlab import Notified
from gitlab_team import Team
from project import ROOT, at
from pto_bot.domain.markers import read_marker

NEW_YORK = ZoneInfo("America/New_York")
CLASSIC = str(ROOT / "examples/policies/classic.yaml")
BUDDY = str(ROOT / "examples/policies/tam-buddy.yaml")


@dataclass
class Absence:
    engineer: str
    request: int
    start: date
    end: date
    back: date


def playbook(team: Team, name: str, owner: str, project: str | None = None) -> int:
    iid = team.playbook(name, owner, "high", "auto-assigned")
    if project is not None:
        team.fake.add_project(project)
        team.fake.issues[iid]["description"] = f"- **Collaboration project:** {project}\n"
    return iid


def days(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def live(team: Team, first: date, last: date, *, on: dict[str, list[tuple[str, object]]]) -> None:
    """The bot's schedule from ``first`` to ``last``: a run at 09:00 and 16:00 UTC each day
    (before and after the digest hour in New York); ``on``: what people do that day between
    the two runs (a callable each)."""
    for day in days(first, last):
        assert team.reconcile(f"{day}T09:00").code == 0
        for _, act in on.get(day.isoformat(), []):
            act()  # type: ignore[operator]
        run = team.reconcile(f"{day}T16:00")
        assert run.code == 0, run.text


def body_of(team: Team, told: Notified) -> str:
    """The comment a notification is about."""
    space = (
        team.fake.team if told.project == team.fake.team.path else team.fake.others[told.project]
    )
    for note in space.notes.get(told.iid, []):
        if note["id"] == told.note:
            return str(note["body"])
    return ""


def reaching(team: Team, who: Absence) -> list[Notified]:
    """The bot's writes between ``who``'s first day off and their last that GitLab delivered to
    them, the out-of-office answers (the one exception) aside."""
    found = []
    for told in team.fake.notified:
        day = told.at.astimezone(NEW_YORK).date()
        if not who.start <= day <= who.end or who.engineer not in told.to:
            continue
        if (read_marker(body_of(team, told)) or {}).get("t") == "away":
            continue
        found.append(told)
    return found


def during(team: Team, who: Absence) -> list[Notified]:
    return [
        n for n in team.fake.notified if who.start <= n.at.astimezone(NEW_YORK).date() <= who.end
    ]


def topics(team: Team, iid: int) -> list[str]:
    return [str((read_marker(b) or {}).get("t")) for b in team.bot_notes(iid)]


def say(team: Team, iid: int, who: str, body: str, when: str) -> tuple[str, object]:
    return (body, lambda: team.comment(iid, who, body, when=when))


def on_fallback(team: Team, req: int, who: str, body: str, when: str) -> tuple[str, object]:
    """``who`` comments on the fallback request of ``req`` (opened by then)."""

    def act() -> None:
        fb = team.fallback_of(req)
        assert fb is not None
        team.comment(fb, who, body, when=when)

    return (body, act)


# -- pods ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_whole_absence_in_a_pod_reaches_the_engineer_only_on_their_return(team: Team) -> None:
    allowed = team.tmp / "customers.yaml"  # the bot reads the customers' group's projects
    allowed.write_text(
        Path(team.policy).read_text().replace("  groups: []", "  groups: [customers]")
    )
    team.policy = str(allowed)
    acme = playbook(team, "Acme Corp", "klang", "customers/acme")
    initech = playbook(team, "Initech", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    klang = Absence("klang", req, date(2026, 12, 7), date(2026, 12, 11), date(2026, 12, 14))
    customer = {}

    def customer_asks() -> None:
        team.fake.now = at("2026-12-08T15:00")
        issue = team.fake.add_issue_in("customers/acme", "Upgrade", author="jane", age=timedelta(0))
        team.fake.add_note(
            issue, "@klang can we upgrade on Friday?", author="jane", project="customers/acme"
        )
        customer["mention"] = issue
        team.fake.now = at("2026-12-09T13:00")
        customer["untagged"] = team.fake.add_issue_in(
            "customers/acme",
            "Runners slow",
            author="jane",
            description="Since Monday.",
            age=timedelta(0),
        )

    live(
        team,
        date(2026, 11, 30),
        date(2026, 12, 14),
        on={
            # the week before: the decline of a pod backup is the engineer's to hear
            "2026-12-02": [say(team, req, "magomez3", "/pto decline Initech", "2026-12-02T12:00")],
            "2026-12-08": [
                ("a customer", customer_asks),
                say(team, req, "melroberts", "/pto status", "2026-12-08T14:00"),
                say(team, initech, "dbass90", "@klang the renewal is due", "2026-12-08T14:30"),
            ],
            # while he is out: his backup for Acme Corp declines it on the coverage issue
            "2026-12-09": [
                (
                    "decline",
                    lambda: team.comment(
                        team.coverage_of(req),
                        "adamlauzon",
                        "/pto decline Acme Corp",
                        when="2026-12-09T12:00",
                    ),
                )
            ],
        },
    )

    assert reaching(team, klang) == []
    assert during(team, klang), "the bot wrote during the absence: it kept quiet to him only"
    coverage = team.coverage_of(req)
    issue = team.fake.issues[coverage]
    assert issue["title"] == "Coverage: klang out 2026-12-07 – 2026-12-11"
    assert issue["labels"] == ["pto-coverage"] and issue["state"] == "closed"  # after the handback
    # on the request: before the absence and on the first day back, nothing between
    request_notes = [
        (n["created_at"].astimezone(NEW_YORK).date(), (read_marker(n["body"]) or {}).get("t"))
        for n in team.fake.notes[req]
        if n["author"] == team.fake.bot
    ]
    assert not [t for d, t in request_notes if klang.start <= d <= klang.end], request_notes
    assert "returned" in [t for d, t in request_notes if d == klang.back]
    # what the backups needed went to the coverage issue
    found = topics(team, coverage)
    for topic in ("starts", "away-log", "away-digest", "backup-return", "backups", "reply:"):
        assert any(t.startswith(topic.rstrip(":")) for t in found), (topic, found)
    (status,) = [b for b in team.bot_notes(coverage) if "`status`" in b]
    assert "@melroberts (answering your comment on" in status
    news = team.note(coverage, "backups")
    assert "@magomez3" in news and "@klang" not in news and "@adamlauzon" not in news
    returned = team.note(req, "returned")
    assert f"customers/acme#{customer['mention']}" in returned
    assert f"customers/acme#{customer['untagged']}" in returned  # tagged nobody
    # the playbooks got their notes on the working day before, never while he was out
    for book in (acme, initech):
        posted = [
            n["created_at"].astimezone(NEW_YORK).date()
            for n in team.fake.notes[book]
            if n["author"] == team.fake.bot
            and (read_marker(n["body"]) or {}).get("t") == f"cover:{req}"
        ]
        assert posted == [date(2026, 12, 4)], (book, posted)


# -- the classic workflow -----------------------------------------------------------------------
@pytest.mark.slow
def test_a_whole_absence_with_hand_picked_backups_declined_before_and_during(team: Team) -> None:
    team.policy = CLASSIC
    team.playbook("Acme Corp", "harishsr", "normal", "global-support")
    team.playbook("Initech", "harishsr", "high", "global-support")
    body = (
        "- **Engineer:** @harishsr\n- **Start:** 2026-12-14\n- **End:** 2026-12-18\n"
        "- **Type:** planned\n- **Backups:** @dbass90 Acme Corp; @jdoe-se Initech\n"
    )
    req = team.raw_request(body, "harishsr", created="2026-11-01")
    harishsr = Absence("harishsr", req, date(2026, 12, 14), date(2026, 12, 18), date(2026, 12, 21))

    live(
        team,
        date(2026, 12, 7),
        date(2026, 12, 21),
        on={
            "2026-12-08": [say(team, req, "jdoe-se", "/pto decline Initech", "2026-12-08T12:00")],
            "2026-12-09": [
                on_fallback(team, req, "klang", "/pto volunteer Initech", "2026-12-09T12:00")
            ],
            "2026-12-15": [say(team, req, "dbass90", "/pto decline", "2026-12-15T12:00")],
            "2026-12-16": [
                on_fallback(
                    team, req, "melroberts", "/pto assign Acme Corp @rpatel-se", "2026-12-16T12:00"
                )
            ],
        },
    )

    assert reaching(team, harishsr) == []
    coverage = team.coverage_of(req)
    # before the absence the engineer heard of jdoe-se's decline on the request; during it,
    # dbass90's was told on the coverage issue, and the answer to his command went there too
    before = [b for b in team.bot_notes(req, "backups") if "Initech" in b]
    assert before and "@harishsr" in before[0]
    (during_news,) = [b for b in team.bot_notes(coverage, "backups") if "Acme Corp" in b]
    assert "@harishsr" not in during_news and "who declined" in during_news
    (answer,) = [b for b in team.bot_notes(coverage) if "`decline`" in b]
    assert "@dbass90 (answering your comment on" in answer
    assert not [b for b in team.bot_notes(req) if "`decline`" in b and "dbass90" in b]
    assert "pto::covered" in team.labels(req)  # rpatel-se has Acme Corp, klang Initech
    assert "returned" in topics(team, req) and team.fake.issues[coverage]["state"] == "closed"


# -- the buddy program --------------------------------------------------------------------------
@pytest.mark.slow
def test_a_whole_absence_with_a_buddy_free_for_one_of_two_weeks(team: Team) -> None:
    team.policy = BUDDY
    for name in ("Acme Rockets", "Bluth Company"):
        team.playbook(name, "tam-avery", "normal", "global-support")
    req = team.request("tam-avery", "2026-12-07", "2026-12-18", created="2026-11-01")
    team.request("tam-blake", "2026-12-14", "2026-12-18", created="2026-11-02")
    avery = Absence("tam-avery", req, date(2026, 12, 7), date(2026, 12, 18), date(2026, 12, 21))

    live(
        team,
        date(2026, 11, 30),
        date(2026, 12, 21),
        on={
            "2026-11-30": [
                on_fallback(
                    team, req, "tam-emery", "/pto volunteer Acme Rockets", "2026-11-30T12:00"
                )
            ],
            "2026-12-01": [
                on_fallback(
                    team, req, "tam-finley", "/pto volunteer Bluth Company", "2026-12-01T12:00"
                )
            ],
            "2026-12-02": [say(team, req, "tam-blake", "/pto accept", "2026-12-02T12:00")],
            "2026-12-08": [
                (
                    "decline",
                    lambda: team.comment(
                        team.coverage_of(req),
                        "tam-blake",
                        "/pto decline Bluth Company",
                        when="2026-12-08T12:00",
                    ),
                )
            ],
            "2026-12-09": [
                on_fallback(
                    team, req, "tam-casey", "/pto volunteer Bluth Company", "2026-12-09T12:00"
                )
            ],
        },
    )

    assert reaching(team, avery) == []
    fb = team.fallback_of(req)
    assert fb is not None
    described = team.fake.issues[fb]["description"]
    # the fallback request asked for the second week only, then for Bluth Company's first
    assert (
        "| Acme Rockets | normal | global-support | Mon 2026-12-14 – Fri 2026-12-18 | `tam-emery` |"
        in described
    )
    assert (
        "| Bluth Company | normal | global-support | Mon 2026-12-07 – Fri 2026-12-11 | "
        "`tam-casey` |" in described
    )
    assert (
        "| Bluth Company | normal | global-support | Mon 2026-12-14 – Fri 2026-12-18 | "
        "`tam-finley` |" in described
    )
    coverage = team.fake.issues[team.coverage_of(req)]
    assert (
        "| Acme Rockets | normal | global-support | `tam-blake` (pod, confirmed) | "
        "Mon 2026-12-07 – Fri 2026-12-11 |" in coverage["description"]
    )
    assert coverage["state"] == "closed"
    # the buddy's reminder the day before the return, on the coverage issue; not to the TAM
    assert "backup-return" in topics(team, coverage["iid"]) and "backup-return" not in topics(
        team, req
    )


# -- volunteers and assignees -------------------------------------------------------------------
@pytest.mark.slow
def test_an_assignee_declines_before_and_a_volunteer_during_the_absence(team: Team) -> None:
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.playbook("Contoso", "dbass90", "high", "global-support")
    team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = team.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    dbass90 = Absence("dbass90", req, date(2026, 12, 7), date(2026, 12, 11), date(2026, 12, 14))

    live(
        team,
        date(2026, 11, 30),
        date(2026, 12, 14),
        on={
            "2026-11-30": [
                on_fallback(team, req, "klang", "/pto volunteer Northwind", "2026-11-30T12:00")
            ],
            "2026-12-01": [
                say(team, req, "melroberts", "/pto assign Contoso @magomez3", "2026-12-01T12:00")
            ],
            "2026-12-02": [say(team, req, "magomez3", "/pto decline", "2026-12-02T12:00")],
            "2026-12-03": [
                on_fallback(team, req, "malmendarez", "/pto volunteer Contoso", "2026-12-03T12:00"),
                # he thanks them there: from now on GitLab tells him of every comment on it
                on_fallback(team, req, "dbass90", "Thank you both!", "2026-12-03T13:00"),
            ],
            "2026-12-08": [
                on_fallback(team, req, "klang", "/pto decline Northwind", "2026-12-08T12:00")
            ],
            "2026-12-09": [
                on_fallback(team, req, "a.conrad", "/pto volunteer Northwind", "2026-12-09T12:00")
            ],
        },
    )

    assert reaching(team, dbass90) == []
    fb = team.fallback_of(req)
    assert fb is not None
    coverage = team.coverage_of(req)
    # he commented on his fallback request: the answer to klang went to the coverage issue
    (declined,) = [r for r in team.bot_notes(coverage, "reply") if "`decline`" in r]
    assert f"@klang (answering your comment on #{fb})" in declined
    assert "you no longer cover Northwind" in declined
    (news,) = [b for b in team.bot_notes(coverage, "backups") if "Northwind" in b]
    assert (
        f"Northwind: no backup now (was `klang`, who declined): volunteers are asked in #{fb}"
        in (news)
    )
    assert "@dbass90" not in news and "@klang" not in news
    assert "pto::covered" in team.labels(req)


# -- who covers today, and a decline that comes as an event -----------------------------------
def test_the_out_of_office_answer_names_the_backup_of_the_day(team: Team) -> None:
    team.policy = BUDDY
    book = playbook(team, "Acme Rockets", "tam-avery")
    team.request("tam-avery", "2026-12-07", "2026-12-18", created="2026-11-01")
    team.request("tam-blake", "2026-12-14", "2026-12-18", created="2026-11-02")  # his 2nd week
    req = 1 + book
    assert team.reconcile("2026-11-20T14:00").code == 0
    fb = team.fallback_of(req)
    assert fb is not None
    team.comment(fb, "tam-emery", "/pto volunteer Acme Rockets", when="2026-11-20T15:00")
    assert team.reconcile("2026-11-20T16:00").code == 0
    answers = []
    for day, backup in (("2026-12-09", "tam-blake"), ("2026-12-16", "tam-emery")):
        team.comment(book, "tam-manager", f"@tam-avery question of {day}?", when=f"{day}T14:00")
        assert team.reconcile(f"{day}T15:00").code == 0
        answer = [b for b in team.bot_notes(book, "away") if b not in answers]
        assert len(answer) == 1 and f"For Acme Rockets, @{backup} is covering" in answer[0], day
        answers += answer


def test_a_decline_on_the_coverage_issue_is_handled_by_the_webhook_job(team: Team) -> None:
    from gitlab_team import note_hook

    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    assert team.reconcile("2026-12-08T14:00").code == 0  # klang is out
    coverage = team.coverage_of(req)
    (first,) = team.fake.issues[coverage]["assignees"]
    note = team.comment(coverage, first, "/pto decline", when="2026-12-08T15:00")
    run = team.event(note_hook(team, coverage, note, first), now="2026-12-08T15:01")
    assert run.code == 0, run.text
    (reply,) = team.bot_notes(coverage, "reply")
    assert f"@{first}" in reply and "you no longer cover Acme Corp" in reply
    (other,) = team.fake.issues[coverage]["assignees"]
    assert other != first  # the other member of the pod, assigned
    assert [n for n in team.fake.notified if "klang" in n.to and n.at >= at("2026-12-08")] == []
