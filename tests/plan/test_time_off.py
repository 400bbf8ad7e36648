"""Absences the team's time-off calendar records, planned against the PTO requests: one nobody
requested becomes a PTO request the bot opens (so it counts and coverage starts), and a request
the calendar contradicts is flagged once and never changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from project import ROOT, Project, at, everything
from pto_bot.app.apply import apply
from pto_bot.domain.markers import read_marker, strip_marker
from pto_bot.domain.policy_file import load_policy
from pto_bot.domain.request_form import parse_request
from pto_bot.domain.time_off import TimeOff
from pto_bot.plan.actions import CreateIssue, PostNote
from pto_bot.plan.planner import Plan, plan


def off(engineer: str, first: str, last: str, uid: str = "evt-1") -> TimeOff:
    return TimeOff(engineer, date.fromisoformat(first), date.fromisoformat(last), uid)


def planned(p: Project, now: str, *absences: TimeOff) -> Plan:
    moment = at(now)
    snapshot = p.tracker(moment).read(everything())
    return plan(p.policy, snapshot, moment, time_off=absences)


def run(p: Project, now: str, *absences: TimeOff) -> Plan:
    the_plan = planned(p, now, *absences)
    apply(p.tracker(at(now)), the_plan.actions)
    return the_plan


def opened(the_plan: Plan) -> list[CreateIssue]:
    return [a for a in the_plan.actions if isinstance(a, CreateIssue) and a.key.startswith("cal")]


def flags(the_plan: Plan) -> list[PostNote]:
    return [a for a in the_plan.actions if isinstance(a, PostNote) and a.topic == "calendar"]


# -- an absence nobody requested -----------------------------------------------------------------
def test_an_absence_of_an_engineer_whose_username_has_an_underscore_opens_a_readable_request(
    tmp_path: Path,
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text((ROOT / "policy.yaml").read_text(encoding="utf-8").replace("klang", "k_lang"))
    p = Project(policy=load_policy(policy))
    p.playbook("Acme Corp", "k_lang", "high", "auto-assigned")
    absence = off("k_lang", "2026-12-07", "2026-12-11")

    (made,) = opened(run(p, "2026-11-20T14:00", absence))

    form = parse_request(made.description, author="pto-bot", roster=p.policy.engineers)
    assert form.problems == ()
    assert form.request is not None and form.request.engineer == "k_lang"
    (request,) = [i for i in p.data["issues"] if i["title"] == made.title]
    run(p, "2026-11-20T15:00", absence)
    assert "pto::covered" in p.labels(request["iid"])


def test_an_absence_nobody_requested_is_opened_as_a_request_assigned_to_the_engineer() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    absence = off("klang", "2026-12-07", "2026-12-11")

    first = run(p, "2026-11-20T14:00", absence)

    (made,) = opened(first)
    assert made.title == "PTO klang 2026-12-07 – 2026-12-11 (from the time-off calendar)"
    assert made.labels == ("pto",) and made.assignees == ("klang",)
    assert not made.confidential and made.link_to is None
    form = parse_request(made.description, author="pto-bot", roster=p.policy.engineers)
    assert form.problems == ()
    r = form.request
    assert r is not None
    assert (r.engineer, r.start, r.end, r.kind, r.source) == (
        "klang",
        date(2026, 12, 7),
        date(2026, 12, 11),
        "planned",
        "calendar",
    )
    assert "@klang" not in made.description.split("## PTO request")[1].split("\n\n")[1]
    assert "@klang: please check the dates" in made.description
    assert (read_marker(made.description) or {})["t"] == "from-calendar"
    assert "evt-1" not in made.description  # the event is named by a digest of its UID

    # the next run reads it as any request: counted, covered, and never opened again
    second = run(p, "2026-11-20T15:00", absence)
    assert opened(second) == [] and flags(second) == []
    (request,) = [i for i in p.data["issues"] if i["title"] == made.title]
    assert set(request["labels"]) == {"pto", "out::1", "pto::covered"}
    assert "| Acme Corp | high | auto-assigned | @adamlauzon (pod) |" in p.note(
        request["iid"], "coverage"
    )
    assert p.notes(request["iid"], "lead-time") == []  # booked in the time-off tool
    assert planned(p, "2026-11-20T16:00", absence).actions == ()


def test_it_then_counts_as_out_for_the_requests_that_come_after() -> None:
    p = Project()
    p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-01")
    run(p, "2026-11-20T14:00", off("klang", "2026-12-07", "2026-12-11"))
    later = p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-20T15:00")
    run(p, "2026-11-20T16:00", off("klang", "2026-12-07", "2026-12-11"))
    assert {"out::3+", "pto::needs-approval"} <= set(p.labels(later))


def test_an_absence_under_way_is_emergency_pto_assigned_to_nobody() -> None:
    p = Project()
    (made,) = opened(planned(p, "2026-11-24T14:00", off("dbass90", "2026-11-23", "2026-11-27")))
    assert made.assignees == ()
    assert "- **Type:** emergency" in made.description
    assert "`dbass90` is not assigned: nothing reaches them while they are out." in (
        made.description
    )


def test_what_needs_no_request_gets_none() -> None:
    p = Project()
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    cancelled = p.request("adamlauzon", "2026-12-14", "2026-12-18", created="2026-11-01")
    p.edit(cancelled, labels=["pto", "pto::cancelled"])
    nothing = planned(
        p,
        "2026-11-20T14:00",
        off("klang", "2026-12-08", "2026-12-09"),  # within a request of theirs
        off("adamlauzon", "2026-12-14", "2026-12-18"),  # a request cancelled: flagged instead
        off("magomez3", "2026-11-28", "2026-11-29"),  # a weekend
        off("magomez3", "2026-11-26", "2026-11-26"),  # Thanksgiving, a holiday in the US
        off("dbass90", "2026-11-02", "2026-11-06"),  # over
    )
    assert opened(nothing) == []


def test_overlapping_events_are_one_request_and_a_long_absence_is_opened_in_parts() -> None:
    p = Project()
    found = opened(
        planned(
            p,
            "2026-11-20T14:00",
            off("klang", "2026-12-07", "2026-12-09", "hr-1"),
            off("klang", "2026-12-09", "2026-12-11", "shared-1"),  # the team calendar's copy
            off("andsmith3", "2027-01-04", "2027-04-02", "leave"),  # 89 days: max_days is 60
        )
    )
    assert [(a.title, a.assignees) for a in found] == [
        ("PTO andsmith3 2027-01-04 – 2027-03-04 (from the time-off calendar)", ("andsmith3",)),
        ("PTO andsmith3 2027-03-05 – 2027-04-02 (from the time-off calendar)", ("andsmith3",)),
        ("PTO klang 2026-12-07 – 2026-12-11 (from the time-off calendar)", ("klang",)),
    ]
    assert "(part of a longer absence, to 2027-04-02)" in found[0].description


def test_nothing_is_planned_from_a_calendar_that_was_not_read() -> None:
    p = Project()
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    moment = at("2026-11-20T14:00")
    unread = plan(p.policy, p.tracker(moment).read(everything()), moment, time_off=None)
    assert opened(unread) == [] and flags(unread) == []


# -- a request the calendar contradicts ----------------------------------------------------------
def test_a_request_the_calendar_contradicts_is_flagged_once_and_never_changed() -> None:
    p = Project()
    req = p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    run(p, "2026-11-20T14:00")  # announced
    description = p.raw(req)["description"]
    shorter = off("klang", "2026-12-07", "2026-12-09")

    first = run(p, "2026-11-23T14:00", shorter)

    (flag,) = flags(first)
    text = strip_marker(flag.body)
    assert text.startswith(
        "@klang the team's time-off calendar shows `klang` off Mon 2026-12-07 – Wed 2026-12-09; "
        "this request says Mon 2026-12-07 – Fri 2026-12-11."
    )
    assert "- In this request, not in the calendar: Thu 2026-12-10, Fri 2026-12-11." in text
    assert "The PTO bot changes nothing." in text
    assert opened(first) == []
    assert p.raw(req)["description"] == description  # never changed
    assert [a for a in first.actions if getattr(a, "iid", None) == req] == [flag]
    assert planned(p, "2026-11-23T15:00", shorter).actions == ()  # once

    # a new difference is a new flag; a calendar that agrees again says nothing
    longer = off("klang", "2026-12-04", "2026-12-11")
    (again,) = flags(run(p, "2026-11-24T14:00", longer))
    assert "- In the calendar, in no PTO request: Fri 2026-12-04." in again.body
    assert flags(planned(p, "2026-11-25T14:00", off("klang", "2026-12-07", "2026-12-11"))) == []


def test_a_request_split_in_two_matches_one_absence_in_the_calendar() -> None:
    p = Project()
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("klang", "2026-12-14", "2026-12-15", created="2026-11-02")
    the_plan = planned(p, "2026-11-20T14:00", off("klang", "2026-12-05", "2026-12-15"))
    assert flags(the_plan) == [] and opened(the_plan) == []


def test_a_cancelled_request_the_calendar_still_shows_is_flagged() -> None:
    p = Project()
    req = p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.edit(req, labels=["pto", "pto::cancelled"])
    (flag,) = flags(planned(p, "2026-11-20T14:00", off("klang", "2026-12-07", "2026-12-11")))
    assert (
        "@klang this request is cancelled, yet the team's time-off calendar still shows `klang` "
        "off Mon 2026-12-07 – Fri 2026-12-11." in flag.body
    )
    assert "reopen this request or open a new one" in flag.body


def test_a_request_opened_from_the_calendar_is_flagged_when_its_absence_is_gone() -> None:
    p = Project()
    run(p, "2026-11-20T14:00", off("klang", "2026-12-07", "2026-12-11"))
    run(p, "2026-11-20T15:00", off("klang", "2026-12-07", "2026-12-11"))
    (flag,) = flags(planned(p, "2026-11-23T14:00"))  # the feed read well: no absence any more
    assert (
        "the team's time-off calendar no longer shows the absence this request was opened from."
        in flag.body
    )
    # a request people opened is not flagged when the calendar says nothing about it
    p.request("dbass90", "2026-12-14", "2026-12-18", created="2026-11-02")
    assert len(flags(planned(p, "2026-11-23T14:00"))) == 1


def test_an_engineer_who_is_out_is_named_not_mentioned_and_told_once_back() -> None:
    p = Project()
    req = p.request("klang", "2026-11-23", "2026-11-27", created="2026-11-01")
    during = planned(p, "2026-11-24T14:00", off("klang", "2026-11-23", "2026-11-25"))
    assert flags(during) == []  # his request: nothing reaches him while he is out
    (held,) = [h.action for h in during.held if getattr(h.action, "topic", "") == "calendar"]
    assert isinstance(held, PostNote)
    flag = held
    assert flag.iid == req
    assert strip_marker(flag.body).startswith("`klang` the team's time-off calendar shows")
