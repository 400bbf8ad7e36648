"""The pod pilot's check-in against the fake GitLab: on the review date the scheduled job opens
one confidential issue assigned to the manager; later runs find it again by its marker, also
once it is closed, and never open a second."""

from __future__ import annotations

from pathlib import Path

from fake_gitlab import DEVELOPER, PROJECT_ID
from gitlab_team import MANAGER, Team
from pto_bot.domain.markers import read_marker, strip_marker


def piloted(team: Team) -> None:
    text = Path(team.policy).read_text()
    dates = "  start: 2025-11-15\n  review: 2025-12-15\n"
    assert dates in text
    path = team.tmp / "pilot-policy.yaml"
    path.write_text(text.replace(dates, "  start: 2026-11-02\n  review: 2026-12-14\n"))
    team.policy = str(path)


def checkins(team: Team) -> list[int]:
    return [
        iid
        for iid, issue in team.fake.issues.items()
        if (read_marker(issue["description"] or "") or {}).get("t") == "checkin"
    ]


def test_the_review_date_opens_one_check_in_issue_for_the_manager(team: Team) -> None:
    piloted(team)
    team.fake.members[MANAGER] = DEVELOPER  # the manager is a member: issues can be theirs
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.request("klang", "2026-11-16", "2026-11-20", created="2026-11-02")
    team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-03")
    team.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-04")
    team.reconcile("2026-11-20T14:00")

    before = team.reconcile("2026-12-13T14:00")  # Sunday, the day before
    assert checkins(team) == []

    review = team.reconcile("2026-12-14T14:00")

    assert review.code == 0, review.text
    (iid,) = checkins(team)
    issue = team.fake.issues[iid]
    assert issue["title"] == "Pod pilot check-in: AMER ASE, 2026-11-02 – 2026-12-14"
    assert issue["labels"] == ["pto-checkin"]
    assert issue["assignees"] == [MANAGER] and issue["confidential"]
    text = strip_marker(issue["description"])
    assert "| covered | 2 | 10 |" in text and "| needs-coverage | 1 | 5 |" in text
    assert "of 7 week(s): 1 at 2 out, 0 at 3+ out" in text
    assert "- Opened: 1 (0 covered, 1 uncovered, 0 not needed)" in text
    assert "| `klang` | 2026-11-20 | 24 | — |" in text
    assert "### Questions" in text
    assert (
        f"open issue 'Pod pilot check-in: AMER ASE, 2026-11-02 – 2026-12-14', assigned to "
        f"{MANAGER}, confidential -> #{iid}" in review.text
    )
    # while the check-in is due, two more lists: the open and the closed issues of its label
    lists = [c for c in review.calls if c == ("GET", f"/projects/{PROJECT_ID}/issues")]
    earlier = [c for c in before.calls if c == ("GET", f"/projects/{PROJECT_ID}/issues")]
    assert len(lists) == len(earlier) + 2
    assert review.writes.count(("POST", f"/projects/{PROJECT_ID}/issues")) == 1
    assert review.count("GET", "/users") == 1  # the manager's id, for the assignment

    team.edit(iid, "2026-12-15T13:00", by=MANAGER, state="closed")
    later = team.reconcile("2026-12-15T14:00")

    assert later.writes == [], later.text
    assert checkins(team) == [iid]
    after = team.reconcile("2026-12-29T14:00")  # the last day it could be opened
    assert after.writes == [] and checkins(team) == [iid]
