"""Request budgets with no runner cache, counted against the fake GitLab.

A runner may have no cache at all (a new or autoscaled runner, an expired or cleared cache), so
every budget here is met without one: what the next run needs is kept in GitLab itself, in the
bot's memory (a sealed hidden comment at the end of the dashboard issue).

| run | budget |
| --- | --- |
| steady scheduled run, any history | 7 requests |
| event run (a `/pto volunteer` comment; a new request) | at most 10 requests, writes apart |
| (and to assign a new coverage issue) | one lookup per backup, once a run |
| event the bot ignores | 0 requests (tests/cli/test_e2e_gitlab.py) |
| first run with a year of history | one request per issue that can still matter, and lists |
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from fake_gitlab import PROJECT_ID
from gitlab_team import HISTORY_TODAY as TODAY
from gitlab_team import POLICY, Run, Team, issue_hook, note_hook, year_of_history
from project import at
from pto_bot.adapters.gitlab.memory import join, split
from pto_bot.domain.markers import read_marker

READS = 1 + 5 + 1  # GET /user, the open issues of each of the 5 labels, closed ones changed


def reads(run: Run) -> list[tuple[str, str]]:
    return [call for call in run.calls if call[0] == "GET"]


def board(team: Team) -> int:
    (iid,) = [i for i, issue in team.fake.issues.items() if "pto-dashboard" in issue["labels"]]
    return iid


def settle(team: Team) -> Run:
    """The first run, and the next."""
    first = team.reconcile(f"{TODAY}T14:00")
    assert first.code == 0, first.text
    team.reconcile(f"{TODAY}T15:00")
    return first


@pytest.mark.slow
def test_a_first_run_reads_each_issue_that_can_still_matter_once_and_later_runs_cost_seven(
    team: Team,
) -> None:
    counts = year_of_history(team)
    first = settle(team)

    # every request closed since January 1 (fallback weeks count per year) and every playbook:
    # one page of notes each; an open request nobody commented on has none to read; older
    # history is not read at all
    matter = counts["read"]
    assert first.count("GET", "/notes") == matter
    lists = first.count("GET", f"/projects/{PROJECT_ID}/issues") - matter
    # open: a page per label; closed requests: 3 pages; fallback requests: 1; coverage issues: 1
    assert lists == 5 + 3 + 1 + 1
    # the backups of klang's coverage issues, each looked up once to be assigned
    assert first.count("GET", "/users") == 2

    steady = team.reconcile(f"{TODAY}T16:00")
    assert len(steady.calls) == READS == 7, steady.calls
    assert steady.writes == [] and "nothing to do" in steady.text

    # a week later reminders are due: still seven reads; the run after reads nothing again of
    # what it wrote (the memory holds GitLab's answers to its writes), and writes nothing
    a_week_later = team.reconcile(f"{TODAY + timedelta(7)}T16:00")
    assert len(reads(a_week_later)) == READS and a_week_later.writes
    after = team.reconcile(f"{TODAY + timedelta(7)}T17:00")
    assert len(after.calls) == READS, after.calls


def test_a_first_run_after_going_live_reads_the_notes_only_of_issues_that_can_hold_the_bots(
    team: Team,
) -> None:
    """What closed before the bot went live holds nothing of the bot's, and an issue nobody has
    commented on has no comment to read: a first run lists them and reads no notes of theirs
    (but the playbooks', where people's edits show)."""
    counts = year_of_history(team)
    live = team.tmp / "live.yaml"
    live.write_text(Path(POLICY).read_text().replace("team:\n", f"go_live: {TODAY}\nteam:\n", 1))
    team.policy = str(live)
    commented = [iid for iid in list(team.fake.issues)[-4:]]
    for iid in commented:
        team.comment(iid, "klang", "Noted.", when=f"{TODAY}T09:00")

    first = team.reconcile(f"{TODAY}T14:00")

    assert first.code == 0, first.text
    playbooks = 4
    assert first.count("GET", "/notes") == playbooks + len(set(commented) - {1, 2, 3, 4})
    assert counts["closed since January 1"] > 100  # listed, their notes never read


def new_request_event(team: Team, engineer: str, start: str, when: str) -> Run:
    iid = team.request(engineer, start, start, created=f"{TODAY}T{when}")
    payload = issue_hook(team, iid, engineer, previous=[])
    payload["object_attributes"]["action"] = "open"
    run = team.event(payload, now=f"{TODAY}T{when}")
    assert run.code == 0 and "pto::covered" in team.labels(iid), run.text
    return run


@pytest.mark.slow
def test_an_event_costs_eight_reads_and_one_more_per_issue_changed_since_the_memory(
    team: Team,
) -> None:
    counts = year_of_history(team)
    settle(team)
    fb = team.fallback_of(counts["dbass90"])
    assert fb is not None

    # from a steady state: GET /user, 5 open lists, closed issues changed since the memory,
    # and the notes of the issue the event is about
    note_id = team.comment(fb, "klang", "/pto volunteer Northwind", when=f"{TODAY}T15:30")
    event = team.event(note_hook(team, fb, note_id, "klang"), now=f"{TODAY}T15:31")
    assert event.code == 0, event.text
    assert "you now cover Northwind" in team.bot_notes(fb, "reply")[0]
    # and, now that dbass90's request is covered, klang looked up to be assigned its coverage
    # issue: a write's, apart from the budget as the writes are
    assert reads(event)[READS:] == [
        ("GET", f"/projects/{PROJECT_ID}/issues/{fb}/notes"),
        ("GET", "/users"),
    ]
    assert event.writes  # apart from the budget

    # right after: the fallback request once more: it was read within a minute of the comment,
    # when GitLab may not have shown every change yet (the new request has no comment to read)
    opened = new_request_event(team, "magomez3", "2027-02-01", "15:40")
    assert reads(opened)[READS:] == [("GET", f"/projects/{PROJECT_ID}/issues/{fb}/notes")]

    # a burst of new requests, one every two minutes (the event jobs run one at a time): each
    # event stays within 10 reads; one that had to read more than REREAD_LIMIT other issues
    # refreshes the memory in the dashboard (one more write), so the next reads less. klang's
    # request is covered at once: its coverage issue is opened, its two backups looked up to be
    # assigned (a write's lookups, apart)
    costs, lookups = [], []
    for n, who in enumerate(["adamlauzon", "malmendarez", "michwalker", "klang", "a.conrad"]):
        run = new_request_event(team, who, f"2027-03-0{n + 1}", f"15:{42 + 2 * n}")
        costs.append(len(reads(run)) - run.count("GET", "/users"))
        lookups.append(run.count("GET", "/users"))
    assert max(costs) <= 10, costs
    assert lookups == [0, 0, 0, 2, 0]
    assert team.reconcile(f"{TODAY}T17:00").code == 0


@pytest.mark.slow
def test_a_steady_run_costs_seven_requests_whatever_the_history(team: Team) -> None:
    costs = []
    for size in (0, 120):
        team.fake.issues.clear()
        team.fake.notes.clear()
        year_of_history(team, closed=size, open_=4)
        settle(team)
        steady = team.reconcile(f"{TODAY}T16:00")
        costs.append(len(steady.calls))
    assert costs == [READS, READS]


def test_a_lost_or_edited_memory_costs_requests_never_a_duplicate_write(team: Team) -> None:
    counts = year_of_history(team, closed=60, open_=6)
    settle(team)
    dashboard = team.fake.issues[board(team)]
    notes_before = {iid: list(ns) for iid, ns in team.fake.notes.items()}

    # a person edits the dashboard: the memory survives but no longer matches its seal
    text, sealed = split(dashboard["description"])
    assert sealed is not None
    dashboard["description"] = join(text + "\n\nEdited by hand.", sealed[:-8] + "AAAAAAA=")

    rebuilt = team.reconcile(f"{TODAY}T16:00")

    assert rebuilt.code == 0, rebuilt.text
    # every issue that can still matter; the bot's own issues nobody commented on need no read
    assert rebuilt.count("GET", "/notes") == counts["all"]
    # the dashboard is rewritten (with a good memory); nothing else is written
    assert rebuilt.writes == [("PUT", f"/projects/{PROJECT_ID}/issues/{board(team)}")]
    assert {iid: list(ns) for iid, ns in team.fake.notes.items()} == notes_before
    assert len(team.reconcile(f"{TODAY}T17:00").calls) == READS


@pytest.mark.parametrize("where", ["deleted", "someone else's dashboard"])
def test_memory_not_written_by_the_bot_is_never_trusted(team: Team, where: str) -> None:
    counts = year_of_history(team, closed=20, open_=4)
    settle(team)
    dashboard = team.fake.issues[board(team)]
    kept = dashboard["description"]
    dashboard["description"] = "Cleared by hand"
    if where == "someone else's dashboard":
        title = "PTO coverage dashboard"
        team.fake.add_issue(title, labels=["pto-dashboard"], description=kept, author="melroberts")
    run = team.reconcile(f"{TODAY}T16:00")
    assert run.code == (0 if where == "deleted" else 1)  # 1: the copy is named, left alone
    # everything (none of the bot's own issues has a comment to read)
    assert run.count("GET", "/notes") == counts["all"]
    assert read_marker(dashboard["description"]) is not None  # the bot's own, rewritten
    assert split(dashboard["description"])[1] is not None  # with the memory in it


#: klang's fallback week in September: four working days (September 7 is Labor Day)
KLANG_WEEKS = "| `klang` | 0.8 | below |"


def klang_volunteered_in_september(team: Team) -> tuple[int, int]:
    """dbass90 and andsmith3 out together in September; klang volunteers for Northwind; both
    requests closed the day after. The request and its fallback request."""
    team.policy, team.remember = POLICY, True
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.request("andsmith3", "2026-09-07", "2026-09-11", created="2026-08-01")
    req = team.request("dbass90", "2026-09-07", "2026-09-11", created="2026-08-02")
    team.reconcile("2026-08-20T14:00")
    fb = team.fallback_of(req)
    assert fb is not None
    team.comment(fb, "klang", "/pto volunteer Northwind", when="2026-08-20T15:00")
    team.reconcile("2026-08-20T16:00")
    for iid in (req, req - 1):
        team.edit(iid, "2026-09-12T10:00", state="closed", closed_at=at("2026-09-12T10:00"))
    team.reconcile("2026-09-14T14:00")
    assert KLANG_WEEKS in team.fake.issues[board(team)]["description"]
    return req, fb


def test_fallback_weeks_of_a_request_long_closed_are_remembered_not_read(team: Team) -> None:
    req, fb = klang_volunteered_in_september(team)
    weeks = KLANG_WEEKS

    # ten weeks after: the closed request is no longer kept, its fallback week is folded
    folded = team.reconcile("2026-11-20T14:00")
    later = team.reconcile("2026-11-20T16:00")

    assert weeks in team.fake.issues[board(team)]["description"]
    assert not any(f"/issues/{req}/" in p or f"/issues/{fb}/" in p for _, p in folded.calls)
    assert len(later.calls) == READS and later.writes == []


def test_the_hourly_report_costs_no_request_of_its_own(team: Team) -> None:
    counts = year_of_history(team, closed=30, open_=4)
    settle(team)
    out = team.tmp / "public"
    team.comment(counts["dbass90"], "dbass90", "/pto status", when=f"{TODAY}T15:10")

    with_report = team.reconcile(f"{TODAY}T16:00", "--report", str(out), "--public-calendar")

    assert with_report.code == 0, with_report.text
    assert len(reads(with_report)) == READS + 1  # the issue commented on; nothing for the report
    assert sorted(p.name for p in out.iterdir()) == [
        "index.html",
        "pto-public.ics",
        "pto.ics",
        "report.json",
    ]
    assert "dbass90" in (out / "index.html").read_text(encoding="utf-8")


def test_a_calendar_option_without_a_report_is_refused_before_anything_is_read(
    team: Team,
) -> None:
    run = team.reconcile(f"{TODAY}T16:00", "--public-calendar")
    assert run.code == 2 and run.calls == []


def test_with_a_runner_cache_a_lost_memory_costs_only_the_lists(team: Team) -> None:
    year_of_history(team, closed=60, open_=6)
    cache = ("--cache", str(team.tmp / "cache.json"))
    for hour in (14, 15, 16):  # first, settling, steady: the cache keeps what memory stands in for
        assert team.reconcile(f"{TODAY}T{hour}:00", *cache).code == 0
    team.fake.issues[board(team)]["description"] = "Edited by hand"

    rebuilt = team.reconcile(f"{TODAY}T17:00", *cache)

    assert rebuilt.count("GET", "/notes") == 0  # every issue's notes from the runner's cache
    assert len(reads(rebuilt)) == READS


def test_a_memory_too_large_leaves_out_the_oldest_closed_history_which_is_read_again(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = year_of_history(team, closed=40, open_=4)
    settle(team)
    whole = split(team.fake.issues[board(team)]["description"])[1]
    assert whole is not None
    monkeypatch.setattr("pto_bot.adapters.gitlab.fitting.MEMORY_LIMIT", len(whole) * 2 // 3)
    team.fake.issues[board(team)]["description"] = "Edited by hand"  # the memory is lost

    first = team.reconcile(f"{TODAY}T16:00")
    steady = team.reconcile(f"{TODAY}T17:00")

    assert first.code == steady.code == 0, steady.text
    kept = split(team.fake.issues[board(team)]["description"])[1]
    assert kept is not None and len(kept) <= len(whole) * 2 // 3
    # the closed issues left out are read each run; the open ones and the rest are not
    again = steady.count("GET", "/notes")
    assert 0 < again < counts["closed since January 1"]
    assert steady.writes == []


def test_with_the_dashboard_off_the_memory_lives_in_a_closed_issue_of_the_bots(
    team: Team,
) -> None:
    counts = year_of_history(team, closed=40, open_=4)
    quiet = team.tmp / "no-dashboard.yaml"
    quiet.write_text(Path(POLICY).read_text().replace("dashboard: true", "dashboard: false"))
    team.policy = str(quiet)

    first = settle(team)

    (kept,) = [i for i in team.fake.issues.values() if "pto-dashboard" in i["labels"]]
    assert kept["state"] == "closed" and kept["title"] == "PTO bot memory"
    assert "The coverage dashboard is off" in kept["description"]
    assert first.count("POST", "/issues") >= 1 and first.count("PUT", f"/issues/{kept['iid']}")
    steady = team.reconcile(f"{TODAY}T16:00")
    assert len(steady.calls) == READS and steady.writes == []
    assert counts["all"] > READS

    # turned on: the same issue, reopened, shows the dashboard
    team.policy = POLICY
    team.reconcile(f"{TODAY}T17:00")
    assert [i["state"] for i in team.fake.issues.values() if "pto-dashboard" in i["labels"]] == [
        "opened"
    ]
    assert "## PTO coverage" in kept["description"]


def test_runs_soon_after_a_write_read_nothing_again_and_write_nothing(team: Team) -> None:
    year_of_history(team, closed=20, open_=4)
    first = team.reconcile(f"{TODAY}T14:00")
    assert len(first.writes) > 10
    # within GitLab's one-minute touch window: what changed there is the bot's own writes, and
    # the memory holds GitLab's answers to them
    soon = [team.reconcile(f"{TODAY}T14:00:{s}") for s in (20, 40)]
    assert [run.writes for run in soon] == [[], []]
    assert [len(run.calls) for run in soon] == [READS, READS]
    assert team.reconcile(f"{TODAY}T15:00").writes == []


@pytest.mark.parametrize("how", ["a comment", "a reopening"])
def test_a_folded_request_touched_again_keeps_its_fallback_weeks(team: Team, how: str) -> None:
    req, _ = klang_volunteered_in_september(team)
    for when in ("2026-11-20T14:00", "2026-11-20T16:00"):
        team.reconcile(when)  # by now folded
    weeks = KLANG_WEEKS
    assert weeks in team.fake.issues[board(team)]["description"]

    if how == "a comment":
        team.comment(req, "dbass90", "Thanks everyone!", when="2026-11-20T16:30")
    else:
        team.edit(req, "2026-11-20T16:30", state="opened", closed_at=None)
    for when in ("2026-11-20T17:00", "2026-11-27T14:00", "2026-12-01T14:00"):
        team.reconcile(when)

    assert weeks in team.fake.issues[board(team)]["description"]


def test_a_comment_on_an_old_closed_request_costs_one_read_not_one_each_run(team: Team) -> None:
    year_of_history(team, closed=30, open_=4)
    settle(team)
    old = next(
        iid
        for iid, issue in team.fake.issues.items()
        if issue["state"] == "closed" and issue["closed_at"] < at("2026-06-01")
    )
    team.comment(old, "klang", "Thanks again!", when=f"{TODAY}T15:30")
    costs = [len(team.reconcile(f"{TODAY}T{hour}:00").calls) for hour in (16, 17, 18, 19)]
    assert costs[1:] == [READS, READS, READS], costs


def test_a_closed_request_reopened_and_relabelled_is_no_longer_counted(team: Team) -> None:
    team.policy, team.remember = POLICY, True
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    done = team.request("klang", "2026-11-09", "2026-11-13", created="2026-10-01")
    later = team.request("adamlauzon", "2026-11-12", "2026-11-20", created="2026-10-02")
    team.edit(done, "2026-11-16T10:00", state="closed", closed_at=at("2026-11-16T10:00"))
    for when in ("2026-11-16T14:00", "2026-11-16T15:00"):
        team.reconcile(when)
    assert "out::2" in team.labels(later)  # klang's closed request still counts
    # someone reopens it and relabels it: it is no PTO request any more
    team.edit(done, "2026-11-16T15:30", state="opened", closed_at=None, labels=["retro"])
    team.reconcile("2026-11-16T16:00")
    assert "out::1" in team.labels(later)
