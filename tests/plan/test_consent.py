"""Rule 10: a backup may decline (the account goes to the next pod member who is free, else to
the fallback request) or accept; a backup free for part of the period covers that part. Before
the absence, on the offline project."""

from __future__ import annotations

import pytest

from project import Project, policy_file
from pto_bot.domain.markers import read_marker, strip_marker

# beta: klang (lead), adamlauzon, magomez3 · alpha: harishsr (lead), dbass90, andsmith3


def beta_request(p: Project) -> tuple[int, str, str]:
    """klang out a week with one auto-assigned account; its pod backup and the other one."""
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    first = read_marker(p.note(req, "coverage"))["assign"]["Acme Corp"]  # type: ignore[index]
    other = next(m for m in ("adamlauzon", "magomez3") if m != first)
    return req, first, other


def test_a_pod_backup_who_declines_is_replaced_by_the_next_member_and_told_once() -> None:
    p = Project()
    req, first, other = beta_request(p)
    p.comment(req, first, "/pto decline", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    (reply,) = p.notes(req, "reply")
    assert f"@{first}" in reply and "✅" in reply
    assert "you no longer cover Acme Corp (2026-12-07 – 2026-12-11) for `klang`" in reply
    assert f"@{other} (pod)" not in p.note(req, "coverage")  # edited: no live mention
    assert f"`{other}` (pod)" in p.note(req, "coverage")
    (news,) = p.notes(req, "backups")
    # the engineer and the new backup are told; the one who declined had their reply
    assert "@klang" in news and f"@{other}" in news and f"@{first}" not in news
    assert f"Acme Corp: `{other}` covers it now (was `{first}`, who declined)" in news
    p.run("2026-11-20T17:00")  # nothing more: the decline is read once
    assert len(p.notes(req, "reply")) == 1 and len(p.notes(req, "backups")) == 1


def test_when_the_whole_pod_declines_the_account_goes_to_a_fallback_request() -> None:
    p = Project()
    req, first, other = beta_request(p)
    p.comment(req, first, "/pto decline Acme Corp", when="2026-11-20T15:00")
    p.comment(req, other, "/pto decline Acme Corp", when="2026-11-21T15:00")
    p.run("2026-11-21T16:00")
    fallback = p.fallback_of(req)
    assert fallback is not None
    assert (
        "| Acme Corp | high | auto-assigned | Mon 2026-12-07 – Fri 2026-12-11 | **open** |"
        in (fallback["description"])
    )
    assert f"@{first}" not in fallback["description"] and f"@{other}" not in fallback["description"]
    assert "pto::needs-coverage" in p.labels(req)


def test_a_hand_picked_backup_who_declines_sends_the_account_to_the_fallback_request() -> None:
    p = Project(policy=policy_file("classic.yaml"))
    p.playbook("Acme Corp", "harishsr", "normal", "global-support")
    p.playbook("Initech", "harishsr", "high", "global-support")
    req = p.request(
        "harishsr", "2026-12-14", "2026-12-18", backups="@dbass90 Acme Corp; @jdoe-se Initech"
    )
    p.run("2026-11-20")
    p.comment(req, "dbass90", "/pto decline", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "✅" in p.notes(req, "reply")[0]
    assert "pto::needs-info" not in p.labels(req)  # nobody has to fix the Backups field
    assert "pto::needs-coverage" in p.labels(req)
    fallback = p.fallback_of(req)
    assert fallback is not None and "| Acme Corp |" in fallback["description"]
    assert "| Initech |" not in fallback["description"]  # jdoe-se still covers it
    (news,) = p.notes(req, "backups")
    assert "@harishsr" in news and "@dbass90" not in news
    assert f"volunteers are asked in #{fallback['iid']}" in news


def test_a_buddy_who_declines_sends_the_book_to_the_fallback_request() -> None:
    p = Project(policy=policy_file("tam-buddy.yaml"))
    tam, buddy = p.policy.pods["buddy-1"].members
    p.playbook("Acme Corp", tam, "normal", "global-support")
    p.playbook("Initech", tam, "normal", "global-support")
    req = p.request(tam, "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    p.comment(req, buddy, "/pto decline Initech", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    fallback = p.fallback_of(req)
    assert fallback is not None
    assert (
        "| Initech |" in fallback["description"]
        and "| Acme Corp |" not in (fallback["description"])
    )
    assert f"`{buddy}` (pod)" in p.note(req, "coverage")  # still covers Acme Corp


def volunteered(p: Project) -> tuple[int, int]:
    """dbass90 out with andsmith3: Northwind on a fallback request, klang volunteers."""
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    p.run("2026-11-20T14:00")
    fallback = p.fallback_of(req)
    assert fallback is not None
    p.comment(fallback["iid"], "klang", "/pto volunteer Northwind", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert p.raw(fallback["iid"])["state"] == "closed"
    return req, fallback["iid"]


def test_a_volunteer_who_declines_reopens_the_fallback_request_with_a_fresh_window() -> None:
    p = Project()
    req, fb = volunteered(p)
    p.comment(req, "klang", "/pto decline", when="2026-11-23T15:00")
    p.run("2026-11-23T16:00")
    assert p.raw(fb)["state"] == "opened"
    description = strip_marker(p.raw(fb)["description"])
    assert "| Northwind | high | auto-assigned | Mon 2026-12-07 – Fri 2026-12-11 | **open** |" in (
        description
    )
    assert "2026-11-25 11:00 EST" in description  # 48 h from the decline, not from the opening
    # klang said no: volunteering again is their choice, the bot never names them again for it
    assert "@klang" not in description


def test_an_assigned_backup_who_declines_is_released_and_the_account_is_open_again() -> None:
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    p.comment(req, "melroberts", "/pto assign Northwind @klang", when="2026-11-10")
    p.run("2026-11-20")
    assert "pto::covered" in p.labels(req)
    p.comment(req, "klang", "/pto decline Northwind", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    assert "pto::needs-coverage" in p.labels(req)
    assert "✅" in p.notes(req, "reply")[-1]


@pytest.mark.parametrize(
    ("author", "command", "expected"),
    [
        ("michwalker", "/pto decline", "only a backup named on this request can decline it"),
        ("klang", "/pto decline", "only a backup named on this request can decline it"),
        ("melroberts", "/pto accept", "only a backup named on this request can accept it"),
        ("{first}", "/pto decline Initech", "‘Initech’: not an account you cover here"),
    ],
)
def test_only_a_named_backup_declines_or_accepts_their_own_accounts(
    author: str, command: str, expected: str
) -> None:
    p = Project()
    req, first, _ = beta_request(p)
    p.comment(req, author.format(first=first), command, when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    (reply,) = p.notes(req, "reply")
    assert "❌" in reply and expected in reply
    assert read_marker(p.note(req, "coverage"))["assign"]["Acme Corp"] == first  # type: ignore[index]


def test_an_accepted_cover_is_shown_confirmed_in_the_coverage_note_and_the_dashboard() -> None:
    p = Project()
    req, first, _ = beta_request(p)
    assert "confirmed" not in p.note(req, "coverage")
    p.comment(req, first, "/pto accept", when="2026-11-20T15:00")
    plan, _ = p.run("2026-11-20T16:00")
    assert (
        "your cover of Acme Corp (2026-12-07 – 2026-12-11) for `klang` is confirmed"
        in (p.notes(req, "reply")[0])
    )
    assert f"`{first}` (pod, confirmed)" in p.note(req, "coverage")
    ev = plan.evaluation.get(req)
    assert ev is not None and [c.confirmed for c in ev.covers] == [True]


def test_a_buddy_free_for_one_of_two_weeks_covers_it_and_the_fallback_asks_for_the_other() -> None:
    p = Project(policy=policy_file("tam-buddy.yaml"))
    tam, buddy = p.policy.pods["buddy-1"].members
    p.playbook("Acme Corp", tam, "normal", "global-support")
    p.request(buddy, "2026-12-14", "2026-12-18", created="2026-10-01")
    req = p.request(tam, "2026-12-07", "2026-12-18")
    p.run("2026-11-20")
    coverage = p.note(req, "coverage")
    assert f"@{buddy} (pod) for Mon 2026-12-07 – Fri 2026-12-11" in coverage
    assert "**needs a volunteer** for Mon 2026-12-14 – Fri 2026-12-18" in coverage
    fallback = p.fallback_of(req)
    assert fallback is not None
    assert (
        "| Acme Corp | normal | global-support | Mon 2026-12-14 – Fri 2026-12-18 | **open** |"
        in (fallback["description"])
    )
    p.comment(fallback["iid"], "tam-emery", "/pto volunteer Acme Corp", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    reply = p.notes(fallback["iid"], "reply")[0]
    assert "you now cover Acme Corp (2026-12-14 – 2026-12-18) for `tam-avery`" in reply
    assert p.raw(fallback["iid"])["state"] == "closed"
    coverage = p.note(req, "coverage")
    assert f"`{buddy}` (pod) for Mon 2026-12-07 – Fri 2026-12-11" in coverage
    assert "`tam-emery` (volunteer) for Mon 2026-12-14 – Fri 2026-12-18" in coverage
    checklist_row = "| Acme Corp | `tam-emery` | 2026-12-14 – 2026-12-18 |"
    p.run("2026-11-30")  # the week before: the table to copy, one row per backup and dates
    assert checklist_row in p.note(req, "checklist")


def test_an_account_declined_onto_an_open_fallback_request_gets_a_fresh_window() -> None:
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.playbook("Contoso", "dbass90", "high", "global-support")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    p.comment(req, "melroberts", "/pto assign Contoso @klang", when="2026-11-10")
    p.run("2026-11-20T14:00")  # Friday: Northwind open, volunteers until Tuesday 09:00 EST
    fallback = p.fallback_of(req)
    assert fallback is not None and "Tue 2026-11-24 09:00 EST" in fallback["description"]
    p.run("2026-11-24T15:00")  # the window closed: the manager is asked to assign
    assert "fallback::escalated" in p.labels(fallback["iid"])
    p.comment(req, "klang", "/pto decline Contoso", when="2026-11-24T15:30")
    p.run("2026-11-24T16:00")
    description = p.raw(fallback["iid"])["description"]
    assert "| Contoso | high | global-support |" in description
    # 48 h of working time from now, for both accounts (Thanksgiving does not count)
    assert "Fri 2026-11-27 11:00 EST" in description
    assert "fallback::escalated" not in p.labels(fallback["iid"])
    p.run("2026-11-24T17:00")
    assert len(p.notes(fallback["iid"], "escalated")) == 1  # not asked again before then


def test_help_names_every_command() -> None:
    from pto_bot.commands.parse import VERBS

    p = Project()
    req, _, _ = beta_request(p)
    p.comment(req, "michwalker", "/pto help", when="2026-11-20T15:00")
    p.run("2026-11-20T16:00")
    (reply,) = p.notes(req, "reply")
    for verb in VERBS:
        assert f"`/pto {verb}" in reply, verb
