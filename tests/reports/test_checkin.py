"""The pod pilot's check-in: on the review date one issue for the manager with the pilot's
figures since its start and the check-in's questions; once, and only while it is due."""

from __future__ import annotations

from project import Project, policy_with
from pto_bot.domain.markers import read_marker, strip_marker
from pto_bot.domain.policy import Policy
from pto_bot.plan.actions import CreateIssue
from pto_bot.reports.checkin import checkin_actions


def piloted(**pilot: object) -> Policy:
    return policy_with("pilot", **{"start": "2026-11-01", "review": "2026-12-15", **pilot})


def pilot_history() -> tuple[Project, dict[str, int]]:
    """Six weeks of the pilot: klang out alone; two of alpha out (a fallback klang volunteers
    on); a third and a fourth out (one approved by the manager, one still waiting)."""
    p = Project(policy=piloted())
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    iids = {
        "klang": p.request("klang", "2026-11-16", "2026-11-20", created="2026-11-02"),
        "andsmith3": p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01"),
        "dbass90": p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02"),
        "a.conrad": p.request("a.conrad", "2026-12-08", "2026-12-09", created="2026-11-03"),
        "harishsr": p.request("harishsr", "2026-12-08", "2026-12-08", created="2026-11-04"),
        "later": p.request("magomez3", "2027-01-11", "2027-01-15", created="2026-11-05"),
    }
    p.run("2026-11-20T14:00")  # Friday 09:00 in New York
    fallback = p.fallback_of(iids["dbass90"])
    assert fallback is not None
    p.comment(fallback["iid"], "klang", "/pto volunteer Northwind", when="2026-11-21T10:00")
    p.comment(iids["harishsr"], "melroberts", "/pto approve", when="2026-11-23T13:00")
    p.run("2026-11-23T14:00")
    return p, iids


def checkin(p: Project, now: str) -> CreateIssue | None:
    actions = checkin_actions(p.plan(now))
    assert len(actions) <= 1
    return actions[0] if actions and isinstance(actions[0], CreateIssue) else None


def test_on_the_review_date_one_issue_for_the_manager_with_the_pilots_figures() -> None:
    p, iids = pilot_history()
    p.run("2026-12-15T13:00")

    opened = checkin(p, "2026-12-15T14:00")

    assert opened is not None
    assert opened.title == "Pod pilot check-in: AMER ASE, 2026-11-01 – 2026-12-15"
    assert opened.assignees == ("melroberts",) and opened.confidential
    assert opened.labels == ("pto-checkin",) and opened.link_to is None
    assert read_marker(opened.description) == {"t": "checkin", "review": "2026-12-15"}
    text = strip_marker(opened.description)
    assert "| covered | 3 | 15 |" in text  # klang, andsmith3, dbass90 (5 days each)
    assert "| needs-coverage | 1 | 1 |" in text  # harishsr: approved, Acme Corp uncovered
    assert "| needs-approval | 1 | 2 |" in text  # a.conrad, still waiting
    assert "| **total** | **5** | **18** |" in text  # magomez3's January request is after
    # the week of December 7: andsmith3, dbass90 and harishsr out on Tuesday (a.conrad is held)
    assert "Weeks with people out together, of 7 week(s): 0 at 2 out, 1 at 3+ out." in text
    assert "Manager decisions: 1 approval(s), 0 denial(s)." in text
    northwind = f"| #{p.fallback_of(iids['dbass90'])['iid']} | #{iids['dbass90']} | `dbass90` "  # type: ignore[index]
    assert northwind + "| 1 | covered | `klang` (volunteer) |" in text
    assert "escalated past the deadline: 0" in text
    # waits: asked on Friday 09:00, decided on Monday 08:00 New York time: 23 working hours
    assert (
        f"| #{iids['harishsr']} | `harishsr` | Fri 2026-11-20 09:00 EST | approved | 23.0 |" in text
    )
    assert (
        f"| #{iids['a.conrad']} | `a.conrad` | Fri 2026-11-20 09:00 EST | still waiting | — |"
        in text
    )
    # longest without time off first; klang's was over on 2026-11-20, 25 days before
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    last_off = rows[-9:]
    assert last_off[0] == "| `a.conrad` | none on record | — | — |"
    assert "| `klang` | 2026-11-20 | 25 | — |" in last_off
    assert "| `magomez3` | none on record | — | 2027-01-11 |" in last_off
    assert last_off[-1] == "| `dbass90` | 2026-12-11 | 4 | — |"
    assert "1. Could you switch off during your time off" in text
    assert "7. What lessons learned from the PTO requests should go into the handbook?" in text


def test_it_is_opened_once_and_only_while_due() -> None:
    p, _ = pilot_history()
    assert checkin(p, "2026-12-14T23:00") is None  # the day before (18:00 in New York)
    opened = checkin(p, "2026-12-15T14:00")
    assert opened is not None
    p.data["issues"].append(
        {
            "iid": 99,
            "title": opened.title,
            "description": opened.description,
            "labels": list(opened.labels),
            "state": "closed",  # the manager closed it after the meeting
            "author": {"username": p.policy.bot.username},
            "assignees": [{"username": "melroberts"}],
            "created_at": "2026-12-15T14:00:00Z",
            "updated_at": "2026-12-16T14:00:00Z",
            "closed_at": "2026-12-16T14:00:00Z",
            "confidential": True,
        }
    )
    assert checkin(p, "2026-12-16T14:00") is None
    # a check-in someone else opened is not the bot's
    p.raw(99)["author"] = {"username": "melroberts"}
    assert checkin(p, "2026-12-16T14:00") is not None
    # fourteen days on, a check-in nobody ran is no longer opened
    p.data["issues"].pop()
    assert checkin(p, "2026-12-29T14:00") is not None
    assert checkin(p, "2026-12-30T14:00") is None


def test_no_check_in_without_both_dates_and_the_questions_are_the_policys() -> None:
    for dates in ({"start": None}, {"review": None}):
        p = Project(policy=piloted(**dates))
        assert checkin_actions(p.plan("2026-12-15T14:00")) == []
    own = Project(policy=piloted(questions=["Did the **pods** work?"]))
    opened = checkin(own, "2026-12-15T14:00")
    assert opened is not None
    assert strip_marker(opened.description).endswith("### Questions\n\n1. Did the **pods** work?")
    assert "No request waited for approval." in opened.description
