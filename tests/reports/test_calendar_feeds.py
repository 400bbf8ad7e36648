"""What the calendar feeds give away: ``pto.ics`` (behind Pages access control) and
``pto-public.ics`` (anyone with the link). Event ids are opaque yet stable, so a calendar app
updates an event rather than adding it twice; neither feed says a request's type, and the
private one names customers only when the policy says so."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from icalendar import Calendar

from project import Project
from pto_bot.domain.policy import Policy
from pto_bot.reports.coverage_view import build_view
from pto_bot.reports.site import write_report

NOW = "2026-11-20"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ACCOUNTS = ("Acme Corp", "Initech", "Globex")


def team(path: str = "support/ase-secret-team") -> tuple[Project, dict[str, int]]:
    p = Project()
    p.data["project"]["path_with_namespace"] = path
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    p.playbook("Initech", "klang", "high", "global-support")
    p.playbook("Globex", "klang", "normal", "global-support")
    p.playbook("Umbrella", "dbass90", "high", "auto-assigned")
    iids = {
        "klang": p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01"),
        "andsmith3": p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-02"),
        "dbass90": p.request(
            "dbass90", "2026-12-07", "2026-12-11", kind="emergency", created="2026-11-03"
        ),
    }
    return p, iids


def with_accounts(policy: Policy, on: bool) -> Policy:
    reports = policy.reports.model_copy(update={"calendar_accounts": on})
    return policy.model_copy(update={"reports": reports})


def feeds(p: Project, out: Path, now: str = NOW) -> tuple[str, str]:
    """The text of pto.ics and pto-public.ics of ``p`` at ``now``."""
    the_plan = p.plan(now)
    view = build_view(the_plan, project=p.data["project"]["path_with_namespace"])
    write_report(view, the_plan.world.policy, out, public_calendar=True)
    return (out / "pto.ics").read_text("utf-8"), (out / "pto-public.ics").read_text("utf-8")


def events(text: str) -> dict[str, dict[str, str]]:
    """Each event by its engineer: its properties as text."""
    found = {}
    for e in Calendar.from_ical(text).walk("VEVENT"):
        who = str(e["SUMMARY"]).removeprefix("PTO: ").removesuffix(" out")
        found[who] = {k: str(v) for k, v in e.items()}
    return found


def uids(text: str) -> dict[str, str]:
    return {who: e["UID"] for who, e in events(text).items()}


# -- event ids -----------------------------------------------------------------------------------
def test_event_ids_are_opaque_in_both_feeds(tmp_path: Path) -> None:
    p, _ = team()
    private, public = feeds(p, tmp_path)

    for text in (private, public):
        found = uids(text)
        assert sorted(found) == ["andsmith3", "dbass90", "klang"]
        assert all(UUID.match(uid) for uid in found.values()), found
        assert "secret-team" not in text  # the project's path, which the report knows
    assert set(uids(private).values()).isdisjoint(uids(public).values())


def test_event_ids_depend_neither_on_the_project_path_nor_on_the_issue_number(
    tmp_path: Path,
) -> None:
    """The same request in a project of another name has the same id (the path is no input);
    another request with the same number, opened at another moment, has another one (the id is
    no function of the number)."""
    p, _ = team()
    renamed, _ = team("another/path")
    private, public = feeds(p, tmp_path / "a")
    private2, public2 = feeds(renamed, tmp_path / "b")
    assert uids(private) == uids(private2) and uids(public) == uids(public2)

    later = Project()
    later.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01T14:00:00.001")
    private3, _ = feeds(later, tmp_path / "c")
    assert uids(private3)["klang"] != uids(private)["klang"]


def test_event_ids_stay_the_same_across_runs_and_edits(tmp_path: Path) -> None:
    p, iids = team()
    before = [uids(text) for text in feeds(p, tmp_path / "a")]

    description = p.raw(iids["klang"])["description"].replace("2026-12-11", "2026-12-14")
    p.edit(iids["klang"], description=description, title="PTO klang, a day more")
    after = [uids(text) for text in feeds(p, tmp_path / "b", now="2026-11-27")]

    assert after == before
    private = Calendar.from_ical(feeds(p, tmp_path / "c")[0])
    klang = next(e for e in private.walk("VEVENT") if "klang" in str(e["SUMMARY"]))
    assert klang.decoded("DTEND") == date(2026, 12, 15)  # the event moved, under the same id


# -- what the private feed says ------------------------------------------------------------------
def test_the_private_feed_names_no_customer_by_default(tmp_path: Path) -> None:
    p, _ = team()
    assert p.policy.reports.calendar_accounts is False
    private, _ = feeds(p, tmp_path)

    for account in (*ACCOUNTS, "Umbrella"):
        assert account not in private
    klang = events(private)["klang"]["DESCRIPTION"]
    assert "Backups: adamlauzon, magomez3" in klang  # who covers is still there
    assert "Global Support handles 1 account" in klang
    dbass90 = events(private)["dbass90"]["DESCRIPTION"]
    assert "1 account has no backup yet" in dbass90


def test_the_private_feed_names_customers_when_the_policy_says_so(tmp_path: Path) -> None:
    p, _ = team()
    p.policy = with_accounts(p.policy, True)
    private, public = feeds(p, tmp_path)

    klang = events(private)["klang"]["DESCRIPTION"]
    assert "- Acme Corp: adamlauzon (pod)" in klang
    assert "Global Support handles: Globex" in klang
    assert "- Umbrella: nobody yet (fallback request)" in events(private)["dbass90"]["DESCRIPTION"]
    for account in ACCOUNTS:
        assert account not in public  # the public feed, never


def test_neither_feed_says_the_request_type(tmp_path: Path) -> None:
    p, _ = team()
    for on in (False, True):
        p.policy = with_accounts(p.policy, on)
        for text in feeds(p, tmp_path / str(on)):
            assert "emergency" not in text.lower() and "planned" not in text.lower()
            assert "dbass90" in text
