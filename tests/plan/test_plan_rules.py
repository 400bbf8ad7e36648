"""The rules of the spec, table by table, on the seeds' roster (pods alpha, beta, gamma)."""

from __future__ import annotations

import pytest

from project import Project, at, iso, kinds, policy_file
from pto_bot.domain.markers import read_marker, strip_marker
from pto_bot.plan.actions import CreateIssue, Notify, PostNote

# alpha: harishsr (lead), dbass90, andsmith3 · beta: klang (lead), adamlauzon, magomez3
# gamma: a.conrad (lead), malmendarez, michwalker · manager: melroberts


def alpha_accounts(p: Project) -> None:
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.playbook("Initech", "harishsr", "high", "global-support")
    p.playbook("Globex", "harishsr", "normal", "global-support")


# -- rule 1: count-based thresholds -------------------------------------------------------------
@pytest.mark.parametrize(
    ("people", "label", "status"),
    [
        (["klang"], "out::1", "pto::covered"),
        (["klang", "harishsr"], "out::2", "pto::covered"),
        (["klang", "harishsr", "a.conrad"], "out::3+", "pto::needs-approval"),
        (["klang", "harishsr", "a.conrad", "malmendarez"], "out::3+", "pto::needs-approval"),
    ],
)
def test_the_count_of_people_out_sets_the_label(people: list[str], label: str, status: str) -> None:
    p = Project()
    iids = [
        p.request(who, "2026-12-07", "2026-12-11", created=f"2026-11-0{i + 1}")
        for i, who in enumerate(people)
    ]
    p.run("2026-11-20")
    assert label in p.labels(iids[-1])
    assert status in p.labels(iids[-1])


def test_only_requests_opened_before_count_and_weekends_do_not() -> None:
    p = Project()
    later = p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-05")
    first = p.request("harishsr", "2026-12-07", "2026-12-08", created="2026-11-01")
    weekend = p.request("a.conrad", "2026-12-12", "2026-12-13", created="2026-11-02")
    p.run("2026-11-20")
    assert "out::1" in p.labels(first)  # opened first: it counts alone
    assert "out::2" in p.labels(later)
    assert "out::1" in p.labels(weekend)


def test_two_out_is_posted_for_visibility_once() -> None:
    p = Project(chat=True)  # a team-channel webhook is set up
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = p.request("harishsr", "2026-12-09", "2026-12-10", created="2026-11-02")
    plan, _ = p.run("2026-11-20")
    notices = [a for a in plan.actions if isinstance(a, Notify)]
    assert [n.key for n in notices] == [f"visibility:{second}"]
    assert "is posted in `#support_assigned-support-eng`" in p.note(second, "coverage")
    assert p.plan("2026-11-21").actions == ()


def test_three_out_waits_for_the_manager_who_is_mentioned_once() -> None:
    p = Project()
    alpha_accounts(p)
    for i, who in enumerate(["klang", "a.conrad"]):
        p.request(who, "2026-12-07", "2026-12-11", created=f"2026-11-0{i + 1}")
    third = p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-05")
    p.run("2026-11-20")
    assert "@melroberts" in p.note(third, "approval")
    assert "Waiting for the manager" in p.note(third, "coverage")
    assert p.fallback_of(third) is None  # nothing else happens before approval
    p.run("2026-11-21")
    assert len(p.notes(third, "approval")) == 1


# -- approval commands --------------------------------------------------------------------------
def three_out(p: Project) -> int:
    alpha_accounts(p)
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-02")
    return p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-03")


def test_only_the_manager_can_approve() -> None:
    p = Project()
    req = three_out(p)
    p.comment(req, "magomez3", "/pto approve", when="2026-11-10")
    p.run("2026-11-20")
    assert "pto::needs-approval" in p.labels(req)
    assert "only the manager" in p.notes(req, "reply")[0]
    p.comment(req, "melroberts", "Fine by me.\n/pto approve", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "pto::needs-approval" not in p.labels(req)
    assert "pto::covered" in p.labels(req)
    assert "approved for 2026-12-07" in p.notes(req, "reply")[1]
    # the coverage note was edited (an edit tells nobody): the backups are told in a new note
    told = p.note(req, "backups")
    assert "@dbass90" in told or "@andsmith3" in told
    assert "@" not in strip_marker(p.note(req, "coverage")).replace("@\u200b", "")


def test_deny_needs_a_reason_and_releases_the_count() -> None:
    p = Project()
    req = three_out(p)
    p.comment(req, "melroberts", "/pto deny", when="2026-11-10")
    p.comment(req, "melroberts", "/pto deny the quarter-end crunch", when="2026-11-11")
    p.run("2026-11-20")
    replies = p.notes(req, "reply")
    assert "say why" in replies[0]
    assert "denied for 2026-12-07 – 2026-12-11: the quarter-end crunch" in replies[1]
    assert "pto::denied" in p.labels(req)
    assert not [label for label in p.labels(req) if label.startswith("out::")]


def test_an_approval_is_for_the_dates_approved() -> None:
    p = Project()
    req = three_out(p)
    p.comment(req, "melroberts", "/pto approve", when="2026-11-10")
    p.run("2026-11-20")
    assert "pto::covered" in p.labels(req)
    body = p.raw(req)["description"].replace("2026-12-11", "2026-12-14")
    p.edit(req, description=body)
    p.run("2026-11-21")
    assert "pto::needs-approval" in p.labels(req)


def test_emergency_is_not_held_for_approval_but_the_manager_is_told() -> None:
    p = Project()
    alpha_accounts(p)
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("a.conrad", "2026-12-07", "2026-12-11", created="2026-11-02")
    sick = p.request(
        "harishsr",
        "2026-12-07",
        "2026-12-08",
        kind="emergency",
        created="2026-12-07T13:00",
        author="dbass90",
    )
    p.run("2026-12-07T14:00")
    assert "pto::covered" in p.labels(sick)
    assert "out::3+" in p.labels(sick)
    # harishsr is out today: the manager is told on the coverage issue, not on his request
    assert p.notes(sick) == []
    coverage = p.coverage_of(sick)
    assert coverage is not None
    assert "for your information" in p.note(coverage["iid"], "approval")


# -- rule 2: pod coverage -----------------------------------------------------------------------
def test_only_high_priority_and_auto_assigned_accounts_get_a_named_backup() -> None:
    p = Project()
    p.playbook("Acme Corp", "harishsr", "high", "global-support")
    p.playbook("Hooli", "harishsr", "normal", "auto-assigned")
    p.playbook("Globex", "harishsr", "normal", "global-support")
    req = p.request("harishsr", "2026-12-07", "2026-12-11")
    plan, _ = p.run("2026-11-20")
    ev = plan.evaluation.get(req)
    assert ev is not None
    assert sorted(c.account.name for c in ev.covers) == ["Acme Corp", "Hooli"]
    assert [a.name for a in ev.global_support] == ["Globex"]
    assert "Global Support handles tickets for: Globex" in p.note(req, "coverage")


def test_load_is_spread_over_the_pod_with_auto_assigned_weighing_more() -> None:
    p = Project()
    p.playbook("A1", "klang", "high", "auto-assigned")  # 4 h
    p.playbook("H1", "klang", "high", "global-support")  # 2 h
    p.playbook("H2", "klang", "high", "global-support")  # 2 h
    req = p.request("klang", "2026-12-07", "2026-12-11")
    plan, _ = p.run("2026-11-20")
    ev = plan.evaluation.get(req)
    assert ev is not None
    backup = {c.account.name: c.backup for c in ev.covers}
    # the 4-hour account goes to one backup, both 2-hour accounts to the other: 4 h each
    assert backup["H1"] == backup["H2"] != backup["A1"]
    assert {backup["A1"], backup["H1"]} == {"adamlauzon", "magomez3"}


def test_assignments_are_stable_across_runs_and_new_accounts() -> None:
    p = Project()
    p.playbook("A1", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    first = read_marker(p.note(req, "coverage"))["assign"]  # type: ignore[index]
    p.playbook("A0", "klang", "high", "auto-assigned")  # would sort first next time
    p.run("2026-11-21")
    second = read_marker(p.note(req, "coverage"))["assign"]  # type: ignore[index]
    assert second["A1"] == first["A1"]
    assert second["A0"] != second["A1"]  # the newcomer goes to the less loaded backup


def test_an_assignment_is_redone_when_the_backup_books_pto() -> None:
    p = Project()
    p.playbook("A1", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    before = read_marker(p.note(req, "coverage"))["assign"]["A1"]  # type: ignore[index]
    p.request(before, "2026-12-10", "2026-12-10", created="2026-11-21")
    p.run("2026-11-21")
    after = read_marker(p.note(req, "coverage"))["assign"]  # type: ignore[index]
    # two of beta are out now: the pod cannot cover the account any more
    assert after.get("A1") in (None, *({"adamlauzon", "magomez3"} - {before}))
    assert len(p.notes(req, "coverage")) == 1  # edited in place


def test_public_holidays_are_shown_and_avoided_when_an_alternative_exists() -> None:
    policy = policy_file()
    p = Project(policy=policy)
    p.playbook("Acme Corp", "andsmith3", "high", "global-support")
    # 2026-11-26 is Thanksgiving in the US, not in Canada: dbass90 (CA) is chosen over
    # harishsr (US), both being free and equally loaded.
    req = p.request("andsmith3", "2026-11-25", "2026-11-27")
    plan, _ = p.run("2026-11-20")
    ev = plan.evaluation.get(req)
    assert ev is not None and ev.covers[0].backup == "dbass90"
    q = Project()
    q.playbook("Soylent", "a.conrad", "high", "global-support")  # gamma: all in the US
    both_us = q.request("a.conrad", "2026-11-25", "2026-11-27")
    q.run("2026-11-20")
    assert "holiday 2026-11-26 Thanksgiving" in q.note(both_us, "coverage")


# -- rule 4: fallback ---------------------------------------------------------------------------
def two_out_in_alpha(p: Project) -> tuple[int, int]:
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    first = p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    return first, second


def test_two_out_in_a_pod_opens_one_linked_fallback_request() -> None:
    p = Project(chat=True)  # a team-channel webhook is set up
    _, second = two_out_in_alpha(p)
    plan, _ = p.run("2026-11-20")
    created = [a for a in plan.actions if isinstance(a, CreateIssue) and "pto-fallback" in a.labels]
    assert len(created) == 1 and created[0].link_to == second
    fallback = p.fallback_of(second)
    assert fallback is not None
    assert "Northwind" in fallback["description"]
    # 48 h of working time after Friday 09:00: Tuesday
    assert "Tue 2026-11-24 09:00 EST" in fallback["description"]
    assert f"#{fallback['iid']}" in p.note(second, "coverage")
    assert "pto::needs-coverage" in p.labels(second)
    assert {"source": second, "target": fallback["iid"]} in p.data["links"]
    # suggested volunteers are outside the pod and ranked
    assert "@adamlauzon" in fallback["description"] and "@harishsr" not in fallback["description"]
    assert p.plan("2026-11-20T15:00").actions == ()
    notices = {a.key: a.text for a in plan.actions if isinstance(a, Notify)}
    assert "before Tue 2026-11-24 09:00 EST" in notices[f"fallback:{second}"]


@pytest.mark.parametrize(("kind", "hours"), [("planned", 48), ("emergency", 4)])
def test_deadline_lapse_mentions_the_manager_once(kind: str, hours: int) -> None:
    p = Project(chat=True)  # a team-channel webhook is set up
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", kind=kind, created="2026-11-02")
    p.run("2026-12-01T08:00")
    fallback = p.fallback_of(req)
    assert fallback is not None
    fb = fallback["iid"]
    just_before = f"2026-12-01T{8 + hours - 1:02d}:59" if hours < 16 else "2026-12-03T07:59"
    p.run(just_before)
    assert p.notes(fb, "escalated") == []
    after = "2026-12-01T12:00" if hours == 4 else "2026-12-03T08:00"
    plan, _ = p.run(after)
    assert "@melroberts" in p.note(fb, "escalated")
    assert "fallback::escalated" in p.labels(fb)
    assert [a.key for a in plan.actions if isinstance(a, Notify)] == [f"escalated:{req}"]
    p.run("2026-12-04T08:00")
    assert len(p.notes(fb, "escalated")) == 1


def test_volunteers_cover_the_fallback_which_then_closes() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.run("2026-11-20")
    fb = p.fallback_of(second)
    assert fb is not None
    p.comment(fb["iid"], "klang", "/pto volunteer northwind", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "you now cover Northwind" in p.notes(fb["iid"], "reply")[0]
    assert p.raw(fb["iid"])["state"] == "closed"
    assert "pto::covered" in p.labels(second)
    assert "@klang" in p.notes(fb["iid"], "reply")[0]  # told in the reply to the command
    assert "`klang` (volunteer)" in p.note(second, "coverage")  # the edit mentions nobody
    assert p.notes(second, "backups") == []  # and nobody is told twice
    p.comment(fb["iid"], "klang", "/pto withdraw Northwind", when="2026-11-21T15:00")
    p.run("2026-11-21T16:00")
    assert p.raw(fb["iid"])["state"] == "opened"
    assert "pto::needs-coverage" in p.labels(second)


@pytest.mark.parametrize(
    ("author", "command", "expected"),
    [
        ("someone", "/pto volunteer Northwind", "only engineers on the team roster"),
        ("dbass90", "/pto volunteer Northwind", "cannot cover your own accounts"),
        ("andsmith3", "/pto volunteer Northwind", "you are out yourself"),
        ("klang", "/pto volunteer", "name the account"),
        ("klang", "/pto volunteer Nortwind", "no account named ‘Nortwind’"),
        ("klang", "/pto dance", "not a command I know"),
    ],
)
def test_refused_volunteering_says_why(author: str, command: str, expected: str) -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.comment(second, author, command, when="2026-11-10")
    p.run("2026-11-20")
    reply = p.notes(second, "reply")[0]
    assert expected in reply
    assert "❌" in reply


def test_a_volunteer_takes_at_most_two_accounts_per_request() -> None:
    p = Project()
    for name in ("N1", "N2", "N3"):
        p.playbook(name, "dbass90", "high", "global-support")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    p.comment(req, "klang", "/pto volunteer N1, N2, N3", when="2026-11-10")
    p.run("2026-11-20")
    reply = p.notes(req, "reply")[0]
    assert "you now cover N1, N2" in reply
    assert "N3: you already cover 2 accounts" in reply
    fb = p.fallback_of(req)
    assert (
        fb is not None
        and "| N3 | high | global-support | Mon 2026-12-07 – Fri 2026-12-11 | **open** |"
        in fb["description"]
    )


def test_assign_is_for_the_manager_or_a_pod_lead() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.comment(second, "michwalker", "/pto assign Northwind @klang", when="2026-11-10")
    p.comment(second, "a.conrad", "/pto assign Northwind @magomez3", when="2026-11-11")
    p.run("2026-11-20")
    replies = p.notes(second, "reply")
    assert "only the manager" in replies[0]
    assert "Northwind is now covered by @magomez3" in replies[1]
    assert "@magomez3 (assigned)" in p.note(second, "coverage")


def test_commands_are_read_once_and_an_edit_adds_none() -> None:
    """As GitLab runs quick actions only from a comment as first posted: a command added by
    editing a comment is not run, and one reply says to post it anew."""
    p = Project()
    _, second = two_out_in_alpha(p)
    p.playbook("Extra", "dbass90", "high", "global-support")
    note = p.comment(second, "klang", "/pto volunteer Northwind", when="2026-11-10")
    p.run("2026-11-20")
    p.run("2026-11-21")
    assert len(p.notes(second, "reply")) == 1
    comment = next(n for n in p.data["notes"][str(second)] if n["id"] == note)
    comment["body"] += "\n/pto volunteer Extra"
    comment["updated_at"] = iso(at("2026-11-21T12:00"))  # as GitLab records an edit
    p.run("2026-11-22")
    p.run("2026-11-23")
    replies = p.notes(second, "reply")
    assert len(replies) == 2 and "Northwind" not in replies[1]
    assert "changed after it was posted" in replies[1] and "`/pto volunteer Extra`" in replies[1]
    assert "| Extra | high | global-support | **needs a volunteer**" in p.note(second, "coverage")


def test_commands_in_code_blocks_and_quotes_are_not_run() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.comment(second, "klang", "> /pto volunteer Northwind\n```\n/pto volunteer Northwind\n```")
    p.run("2026-11-20")
    assert p.notes(second, "reply") == []


# -- rule 3: hand-picked backups (the classic workflow) -----------------------------------------
def test_classic_hand_picked_backups_are_validated() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    p.playbook("Initech", "harishsr", "high", "global-support")
    ok = p.request(
        "harishsr", "2026-12-14", "2026-12-18", backups="@dbass90 Acme Corp; @jdoe-se Initech"
    )
    p.request("klang", "2026-12-07", "2026-12-08", created="2026-10-01")
    bad = p.request(
        "harishsr", "2027-01-11", "2027-01-15", created="2026-11-02", backups="@klang Acme Corp"
    )
    clash = p.request(
        "andsmith3", "2026-12-07", "2026-12-08", created="2026-11-03", backups="@klang"
    )
    part = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-04", backups="@klang")
    p.playbook("Northwind", "andsmith3", "high", "global-support")
    p.playbook("Contoso", "dbass90", "high", "global-support")
    p.run("2026-11-20")
    coverage = p.note(ok, "coverage")
    assert "@jdoe-se (hand-picked)" in coverage and "cc @melroberts" in coverage
    assert "pto::needs-info" in p.labels(bad)
    assert "nobody named for" in p.note(bad, "needs-info")
    # klang is out for all of andsmith3's days: choose someone else
    assert "@klang is out" in p.note(clash, "needs-info").replace("@\u200b", "@")
    # and for two of dbass90's: he covers the other three, volunteers are asked for the two
    assert "pto::needs-info" not in p.labels(part)
    assert "@klang (hand-picked) for Wed 2026-12-09 – Fri 2026-12-11" in p.note(part, "coverage")
    fallback = p.fallback_of(part)
    assert fallback is not None
    assert (
        "| Contoso | high | global-support | Mon 2026-12-07 – Tue 2026-12-08 | **open** |"
        in (fallback["description"])
    )


# -- rule 6 and 7: lead time and reminders ------------------------------------------------------
def test_late_planned_request_gets_one_warning_emergency_none() -> None:
    p = Project()
    late = p.request("klang", "2026-12-07", "2026-12-08", created="2026-11-30")
    sick = p.request(
        "harishsr", "2026-12-01", "2026-12-01", kind="emergency", created="2026-12-01T12:00"
    )
    p.run("2026-12-01T13:00")
    assert "opened 7 day(s) before its start" in p.note(late, "lead-time")
    assert p.notes(sick, "lead-time") == []


def test_reminders_come_on_their_day_and_once() -> None:
    p = Project()
    stale = p.playbook("Acme Corp", "klang", "high", "auto-assigned", updated="2026-10-01")
    p.playbook("Fresh Co", "klang", "normal", "global-support", updated="2026-11-25")
    req = p.request("klang", "2026-12-07", "2026-12-11")  # returns Mon 2026-12-14
    # on the request, on the coverage issue (the backups'), on the playbook
    timeline = {
        "2026-11-29": ([], [], []),
        "2026-11-30": (["playbooks", "checklist"], [], []),
        "2026-12-04": ([], [], [f"cover:{req}"]),  # the working day before the start
        "2026-12-07": ([], ["starts"], []),
        "2026-12-11": ([], ["backup-return"], []),
        "2026-12-14": (["returned"], [], []),
    }
    seen: list[str] = []
    for day, expected in timeline.items():
        p.run(day)
        coverage = p.coverage_of(req)
        assert coverage is not None
        where = (req, coverage["iid"], stale)
        found = tuple(
            [t for b in p.notes(iid) if (t := (read_marker(b) or {}).get("t")) not in seen]
            for iid in where
        )
        found = tuple([t for t in f if t not in ("coverage", "reply")] for f in found)
        assert found == expected, day
        seen += [t for f in found for t in f]
    assert "Acme Corp (#1)" in p.note(req, "playbooks") and "Fresh Co" not in p.note(
        req, "playbooks"
    )
    assert "| Acme Corp |" in p.note(req, "checklist")
    assert "is the named backup for this account and handles ALL its cases" in p.note(
        stale, f"cover:{req}"
    )
    assert "back on 2026-12-14" in p.note(coverage["iid"], "backup-return")
    assert "welcome back" in p.note(req, "returned")
    assert p.raw(coverage["iid"])["state"] == "closed"  # after the handback


def test_on_the_first_day_off_each_backup_is_told_the_days_they_cover() -> None:
    p = Project(policy=policy_file("tam-buddy.yaml"))
    p.playbook("Acme Rockets", "tam-avery", "normal", "auto-assigned")
    req = p.request("tam-avery", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("tam-blake", "2026-12-09", "2026-12-09", created="2026-11-02")  # the buddy, a day
    p.run("2026-11-20")
    p.run("2026-12-04")  # the working day before: the coverage issue opens

    p.run("2026-12-07")

    coverage = p.coverage_of(req)
    assert coverage is not None
    told = p.note(coverage["iid"], "starts")
    assert told.startswith("@tam-blake `tam-avery` is out from today until Fri 2026-12-11")
    assert (
        "- Acme Rockets: `tam-blake` on Mon 2026-12-07 – Tue 2026-12-08, "
        "Thu 2026-12-10 – Fri 2026-12-11 (handles ALL its cases)"
    ) in told


# -- rule 8: changes ----------------------------------------------------------------------------
def test_edited_dates_update_the_notes_in_place() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    p.edit(req, description=p.raw(req)["description"].replace("2026-12-11", "2026-12-18"))
    plan, _ = p.run("2026-11-21")
    assert "edit" in kinds(plan.actions) and "post" not in kinds(plan.actions)
    assert "2026-12-18" in p.note(req, "coverage")


@pytest.mark.parametrize("how", ["label", "close"])
def test_cancelling_releases_backups_and_closes_the_fallback(how: str) -> None:
    p = Project()
    p.playbook("Acme Corp", "andsmith3", "high", "auto-assigned")
    first, second = two_out_in_alpha(p)
    p.run("2026-11-20")
    fb = p.fallback_of(second)
    assert fb is not None
    if how == "label":
        p.edit(second, labels=[*p.labels(second), "pto::cancelled"])
    else:
        p.edit(second, state="closed", closed_at="2026-11-21T10:00:00Z")
    p.run("2026-11-21T12:00")
    assert p.raw(fb["iid"])["state"] == "closed"
    assert "Cancelled" in p.note(second, "coverage")
    assert "pto::cancelled" in p.labels(second)
    assert p.plan("2026-11-21T13:00").actions == ()
    # the earlier request keeps its backup: assignments are stable while still valid
    assert "@harishsr (pod)" in p.note(first, "coverage")


# -- rule 9: rotation and fairness --------------------------------------------------------------
def test_requests_after_a_rotation_use_the_new_pods() -> None:
    base = policy_file()
    data = base.model_dump(by_alias=True)
    data["rotations"] = [
        {
            "effective": "2027-01-01",
            "pods": {
                "alpha": {"lead": "klang", "members": ["klang", "harishsr", "michwalker"]},
                "beta": {"lead": "adamlauzon", "members": ["adamlauzon", "dbass90", "a.conrad"]},
                "gamma": {
                    "lead": "malmendarez",
                    "members": ["malmendarez", "andsmith3", "magomez3"],
                },
            },
        }
    ]
    from pto_bot.domain.policy_file import parse_policy

    p = Project(policy=parse_policy(data))
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    before = p.request("harishsr", "2026-12-07", "2026-12-11")
    after = p.request("harishsr", "2027-02-01", "2027-02-05")
    plan, _ = p.run("2026-11-20")
    old, new = plan.evaluation.get(before), plan.evaluation.get(after)
    assert old is not None and new is not None
    assert old.covers[0].backup in {"dbass90", "andsmith3"}
    assert new.covers[0].backup in {"klang", "michwalker"}


def test_fallback_weeks_are_counted_per_engineer_and_year() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.comment(second, "klang", "/pto volunteer Northwind", when="2026-11-10")
    plan, _ = p.run("2026-11-20")
    assert plan.evaluation.fallback_weeks("klang", 2026) == 1.0
    assert plan.evaluation.fallback_weeks("magomez3", 2026) == 0


# -- the TAM buddy program ----------------------------------------------------------------------
def test_buddy_program_covers_every_account_and_reminds_the_buddy() -> None:
    policy = policy_file("tam-buddy.yaml")
    pods = list(policy.pods.values())
    tam, buddy = pods[0].members
    p = Project(policy=policy)
    acct = p.playbook("Acme Corp", tam, "normal", "global-support")
    req = p.request(tam, "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    assert f"@{buddy} (pod)" in p.note(req, "coverage")
    p.run("2026-12-04")  # the working day before: the playbook names the buddy
    assert p.notes(acct, f"cover:{req}")
    p.run("2026-12-11")
    coverage = p.coverage_of(req)
    assert coverage is not None and coverage["assignees"] == [{"username": buddy}]
    assert f"@{buddy}" in p.note(coverage["iid"], "backup-return")
    assert p.notes(req, "backup-return") == []  # nothing reaches the engineer while out


# -- needs info, idempotency, hostile text ------------------------------------------------------
def test_a_malformed_request_gets_one_note_and_recovers_after_an_edit() -> None:
    p = Project()
    bad = p.raw_request("- **Start:** 12/07/2026\n- **End:** 2026-12-11", "klang", "2026-11-05")
    good = p.request("harishsr", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    assert "'12/07/2026' is not an ISO date" in p.note(bad, "needs-info")
    assert "pto::needs-info" in p.labels(bad)
    assert "pto::covered" in p.labels(good)  # the broken one stops nobody
    p.run("2026-11-21")
    assert len(p.notes(bad, "needs-info")) == 1
    p.edit(bad, description="- **Start:** 2026-12-07\n- **End:** 2026-12-11")
    p.run("2026-11-22")
    assert "complete now" in p.note(bad, "needs-info")
    assert "pto::needs-info" not in p.labels(bad)
    assert "out::2" in p.labels(bad)


def test_the_demo_like_project_converges_in_one_run() -> None:
    p = Project()
    alpha_accounts(p)
    two_out_in_alpha(p)
    three_out(p)
    p.raw_request("nonsense", "michwalker")
    p.run("2026-11-30")
    assert p.plan("2026-11-30").actions == ()


def test_hostile_text_never_reaches_a_note_live() -> None:
    p = Project()
    p.playbook(
        "Evil /close @all <script>x</script> [a](http://x)", "dbass90", "high", "auto-assigned"
    )
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    p.comment(req, "klang", "/pto volunteer /close @all", when="2026-11-10")
    p.comment(req, "melroberts", "/pto deny @all\n/label ~hacked", when="2026-11-11")
    p.run("2026-11-20")
    fb = p.fallback_of(req)
    assert fb is not None
    bodies = [*p.notes(req), fb["description"]]
    for body in bodies:
        for line in body.splitlines():
            assert not line.startswith("/")
        assert "@all" not in body  # not even in the hidden marker
        visible = strip_marker(body)
        assert "<script>" not in visible
        assert "](http" not in visible
        assert "Evil" in visible or "deny" in visible or "@" in visible


def test_playbook_without_labels_is_treated_as_high_and_noted() -> None:
    p = Project()
    pb = p.playbook("Mystery", "klang", None, None)
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    assert "treated as high priority" in p.note(pb, "playbook")
    assert "Mystery" in p.note(req, "coverage")
    p.edit(pb, labels=["playbook", "priority::normal", "coverage::global-support"])
    p.run("2026-11-21")
    assert "now has everything" in p.note(pb, "playbook")


def test_replies_are_posted_notes_never_quick_actions() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.comment(second, "klang", "/pto help")
    plan, _ = p.run("2026-11-20")
    reply = next(a for a in plan.actions if isinstance(a, PostNote) and a.topic.startswith("reply"))
    assert "`/pto volunteer <account>" in reply.body
    assert not any(line.startswith("/") for line in reply.body.splitlines())


def test_a_fallback_whose_request_lost_its_label_is_closed_with_a_reason() -> None:
    p = Project()
    _, second = two_out_in_alpha(p)
    p.run("2026-11-20")
    fb = p.fallback_of(second)
    assert fb is not None
    p.edit(second, labels=[])
    p.run("2026-11-21")
    assert p.raw(fb["iid"])["state"] == "closed"
    assert f"#{second} is no longer a PTO request" in p.note(fb["iid"], "closed")
    assert p.plan("2026-11-22").actions == ()
