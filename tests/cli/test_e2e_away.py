"""Out of office end to end: ``handle-event`` and ``reconcile`` against the fake GitLab, in the
team project and in a customer's collaboration project.

klang (pod beta, with adamlauzon and magomez3) is out Mon 2026-11-23 – Fri 2026-11-27, back
Mon 2026-11-30. His accounts Acme Corp and Initech each have a collaboration project.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from fake_gitlab import BASE_URL, PROJECT_ID
from gitlab_team import POLICY, Team, issue_hook, note_hook
from project import at
from pto_bot.domain.markers import read_marker, strip_marker

ACME, INITECH = "customers/acme", "customers/initech"


def playbook(team: Team, name: str, project: str) -> int:
    iid = team.playbook(name, "klang", "high", "auto-assigned")
    team.fake.issues[iid]["description"] = (
        f"## Account info\n\n- **Collaboration project:** {project}\n"
    )
    return iid


def customers_policy(team: Team) -> str:
    """The shipped policy (the dashboard, the memory) with the customers' group allowed: the bot
    reads and writes only in projects the policy lists, or whose group it lists."""
    path = team.tmp / "customers.yaml"
    text = Path(POLICY).read_text(encoding="utf-8")
    path.write_text(text.replace("  groups: []", "  groups: [customers]", 1))
    return str(path)


@pytest.fixture
def away(team: Team) -> dict[str, Any]:
    """klang's PTO booked and announced; the bot's memory knows it."""
    team.policy, team.remember = customers_policy(team), True
    team.fake.add_project(ACME)
    team.fake.add_project(INITECH)
    books = {
        "acme": playbook(team, "Acme Corp", ACME),
        "initech": playbook(team, "Initech", INITECH),
    }
    books["request"] = team.request("klang", "2026-11-23", "2026-11-27", created="2026-11-01")
    assert team.reconcile("2026-11-20T14:00").code == 0
    assert team.reconcile("2026-11-20T15:00").code == 0
    coverage = read_marker(team.note(books["request"], "coverage")) or {}
    books["backup"] = coverage["assign"]
    books["coverage"] = team.coverage_of(books["request"])  # opened: the pod covers him
    return books


def customer_note(
    team: Team, project: str, iid: int, body: str, when: str, author: str = "jane"
) -> int:
    team.fake.now = at(when)
    return team.fake.add_note(iid, body, author=author, project=project)


def customer_issue(team: Team, project: str, title: str = "Upgrade to 18.6") -> int:
    return team.fake.add_issue_in(project, title, author="jane", description="Planning")


def hook_in(team: Team, project: str, iid: int, note_id: int, author: str) -> dict[str, Any]:
    """GitLab's Note Hook for a comment in a collaboration project (its group or project
    webhook points at the team project's pipeline trigger)."""
    space = team.fake.others[project]
    issue = space.issues[iid]
    note = next(n for n in space.notes[iid] if n["id"] == note_id)
    return {
        "object_kind": "note",
        "event_type": "note",
        "user": {"id": 99, "name": author.title(), "username": author},
        "project_id": space.id,
        "project": {"id": space.id, "path_with_namespace": project},
        "object_attributes": {
            "id": note_id,
            "note": note["body"],
            "noteable_type": "Issue",
            "discussion_id": note["discussion_id"],
            "created_at": note["created_at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
            "updated_at": note["created_at"].strftime("%Y-%m-%d %H:%M:%S UTC"),
            "system": False,
            "action": "create",
            "url": f"{BASE_URL}/{project}/-/issues/{iid}#note_{note_id}",
        },
        "issue": {"iid": iid, "title": issue["title"], "labels": [], "state": "opened"},
    }


def with_thread(payload: dict[str, Any], team: Team, iid: int) -> dict[str, Any]:
    note_id = payload["object_attributes"]["id"]
    payload["object_attributes"]["discussion_id"] = team.fake.thread_of(iid, note_id)
    return payload


def answers(team: Team, iid: int, project: str | None = None) -> list[str]:
    space = team.fake.others[project] if project else team.fake.team
    return [
        n["body"]
        for n in space.notes[iid]
        if n["author"] == team.fake.bot and (read_marker(n["body"]) or {}).get("t") == "away"
    ]


def test_a_mention_on_a_playbook_is_answered_in_its_thread_with_that_accounts_backup(
    team: Team, away: dict[str, Any]
) -> None:
    note = team.comment(
        away["acme"], "melroberts", "@klang can you look at the renewal?", when="2026-11-23T15:00"
    )
    run = team.event(
        with_thread(note_hook(team, away["acme"], note, "melroberts"), team, away["acme"]),
        now="2026-11-23T15:01",
    )

    assert run.code == 0, run.text
    (answer,) = answers(team, away["acme"])
    backup = away["backup"]["Acme Corp"]
    assert "`klang` is out of office until Fri 2026-11-27 and back on Mon 2026-11-30." in answer
    assert f"For Acme Corp, @{backup} is covering meanwhile." in answer
    reply = team.fake.notes[away["acme"]][-1]
    assert reply["discussion_id"] == team.fake.thread_of(away["acme"], note)  # in the thread
    # the memory, who the bot is, the issue and the thread as GitLab has them; then the answer
    assert [c for c in run.calls if c[0] == "GET"] == [
        ("GET", f"/projects/{PROJECT_ID}/issues"),
        ("GET", "/user"),
        ("GET", f"/projects/{PROJECT_ID}/issues/{away['acme']}"),
        (
            "GET",
            f"/projects/{PROJECT_ID}/issues/{away['acme']}/discussions/{reply['discussion_id']}",
        ),
    ]
    assert run.writes == [
        (
            "POST",
            f"/projects/{PROJECT_ID}/issues/{away['acme']}/discussions/{reply['discussion_id']}/notes",
        )
    ]


def test_a_mention_in_a_collaboration_project_names_only_that_customers_account(
    team: Team, away: dict[str, Any]
) -> None:
    iid = customer_issue(team, ACME)
    note = customer_note(team, ACME, iid, "Hi @klang, any news on the upgrade?", "2026-11-24T15:00")
    run = team.event(hook_in(team, ACME, iid, note, "jane"), now="2026-11-24T15:01")

    assert run.code == 0, run.text
    (answer,) = answers(team, iid, ACME)
    acme, initech = away["backup"]["Acme Corp"], away["backup"]["Initech"]
    assert f"For Acme Corp, @{acme} is covering meanwhile." in answer
    assert "Initech" not in answer and (initech == acme or initech not in answer)
    assert len([c for c in run.calls if c[0] == "GET"]) <= 4 and len(run.writes) == 1

    # a second mention in the same thread: read, not answered again
    again = customer_note(team, ACME, iid, "@klang ping?", "2026-11-24T16:00")
    payload = hook_in(team, ACME, iid, again, "jane")
    payload["object_attributes"]["discussion_id"] = team.fake.thread_of(iid, note, ACME)
    team.fake.others[ACME].notes[iid][-1]["discussion_id"] = team.fake.thread_of(iid, note, ACME)
    repeat = team.event(payload, now="2026-11-24T16:01")
    assert repeat.code == 0 and "answered already" in repeat.text
    assert repeat.writes == [] and len(answers(team, iid, ACME)) == 1


def test_someone_out_who_owns_no_account_of_a_customers_project_is_not_answered_there(
    team: Team, away: dict[str, Any]
) -> None:
    """A customer's project hears only about its own engineer: that someone else of the team
    is out is none of its business (the mention is still kept for their return)."""
    harish = team.request("harishsr", "2026-11-23", "2026-11-27", created="2026-11-02")
    assert team.reconcile("2026-11-20T16:00").code == 0
    iid = customer_issue(team, ACME)
    note = customer_note(team, ACME, iid, "@harishsr and @klang: the upgrade?", "2026-11-24T15:00")

    run = team.event(hook_in(team, ACME, iid, note, "jane"), now="2026-11-24T15:01")

    assert run.code == 0, run.text
    (answer,) = answers(team, iid, ACME)
    assert "klang" in answer and "harishsr" not in answer
    alone = customer_note(team, ACME, iid, "@harishsr are you there?", "2026-11-24T16:00")
    quiet = team.event(hook_in(team, ACME, iid, alone, "jane"), now="2026-11-24T16:01")
    assert quiet.code == 0 and quiet.writes == [], quiet.text
    team.reconcile("2026-11-24T17:00")
    assert len(answers(team, iid, ACME)) == 1
    (covering,) = [  # while he is out, his record is kept on his coverage issue
        i
        for i, issue in team.fake.issues.items()
        if "pto-coverage" in issue["labels"]
        and (read_marker(issue["description"]) or {}).get("request") == harish
    ]
    assert f"{ACME}#{iid}" in strip_marker(team.note(covering, "away-log"))


def test_a_playbook_naming_a_project_the_policy_does_not_list_is_named_and_left_alone(
    team: Team, away: dict[str, Any]
) -> None:
    team.fake.add_project("opensource/public-project", visibility="public")
    stranger = customer_issue(team, "opensource/public-project")
    customer_note(
        team, "opensource/public-project", stranger, "@klang any news?", "2026-11-24T15:00"
    )
    team.fake.issues[away["acme"]]["description"] += (
        "- **Collaboration project:** opensource/public-project\n"
    )

    run = team.reconcile("2026-11-24T16:00")

    assert run.code == 0, run.text
    assert not any("opensource" in path for _, path in run.calls)
    assert answers(team, stranger, "opensource/public-project") == []
    # on the playbook, for whoever wrote the field: once klang, whose playbook it is, is back
    assert "Held until the engineer is back" in run.text
    assert team.bot_notes(away["acme"], "playbook") == []
    back = team.reconcile("2026-11-30T16:00")
    assert back.code == 0, back.text
    told = team.note(away["acme"], "playbook")
    assert (
        "the collaboration project `opensource/public-project` is not under "
        "out_of_office.projects or out_of_office.groups in policy.yaml: ignored"
    ) in told
    assert not any("opensource" in path for _, path in run.calls)
    assert answers(team, stranger, "opensource/public-project") == []


@pytest.mark.parametrize(
    ("body", "cost"),
    [
        ("@jdoe can you help?", 0),  # nobody on the roster
        ("see `@klang` in the logs", 0),  # in code
        ("> @klang wrote: soon\n\nthanks", 0),  # in a quote
        ("[@klang](https://example.com/klang)", 0),  # a link
        ("@adamlauzon can you help?", 1),  # on the roster, not out: the memory says so
    ],
)
def test_no_answer_for_code_quotes_links_or_someone_not_out(
    team: Team, away: dict[str, Any], body: str, cost: int
) -> None:
    iid = customer_issue(team, ACME)
    note = customer_note(team, ACME, iid, body, "2026-11-24T15:00")
    run = team.event(hook_in(team, ACME, iid, note, "jane"), now="2026-11-24T15:01")
    assert run.code == 0 and "ignored" in run.text, run.text
    assert len(run.calls) == cost and answers(team, iid, ACME) == []


def test_the_bots_own_notes_and_the_engineers_own_notes_are_never_answered(
    team: Team, away: dict[str, Any]
) -> None:
    iid = customer_issue(team, ACME)
    own = customer_note(team, ACME, iid, "@klang noted", "2026-11-24T15:00", author="pto-bot")
    his = customer_note(team, ACME, iid, "I am @klang, back soon", "2026-11-24T15:05", "klang")
    for note, who in ((own, "pto-bot"), (his, "klang")):
        run = team.event(hook_in(team, ACME, iid, note, who), now="2026-11-24T15:10")
        assert run.code == 0 and run.calls == [] and "ignored" in run.text
    team.reconcile("2026-11-24T16:00")
    assert answers(team, iid, ACME) == []


def test_hostile_text_in_the_mentioning_comment_is_never_echoed(
    team: Team, away: dict[str, Any]
) -> None:
    iid = customer_issue(team, ACME)
    body = "/close\n@klang <img src=x onerror=alert(1)> @all\n/label ~pwned"
    note = customer_note(team, ACME, iid, body, "2026-11-24T15:00")
    run = team.event(hook_in(team, ACME, iid, note, "jane"), now="2026-11-24T15:01")
    (answer,) = answers(team, iid, ACME)
    assert run.code == 0
    assert "<img" not in answer and "@all" not in answer and "/close" not in answer
    assert not any(line.startswith("/") for line in answer.splitlines())
    assert team.fake.others[ACME].issues[iid]["state"] == "opened"
    assert team.fake.quick_actions_run == []


def test_a_mention_the_events_missed_is_answered_by_the_next_scheduled_run(
    team: Team, away: dict[str, Any]
) -> None:
    iid = customer_issue(team, INITECH)
    customer_note(team, INITECH, iid, "@klang is the license renewed?", "2026-11-23T16:00")
    on_playbook = team.comment(away["acme"], "dbass90", "cc @klang", when="2026-11-23T16:10")

    run = team.reconcile("2026-11-23T17:00")

    assert run.code == 0, run.text
    (answer,) = answers(team, iid, INITECH)
    assert f"For Initech, @{away['backup']['Initech']} is covering meanwhile." in answer
    assert len(answers(team, away["acme"])) == 1
    (reply,) = [n for n in team.fake.notes[away["acme"]] if n["body"] in answers(team, 1)]
    assert reply["discussion_id"] == team.fake.thread_of(away["acme"], on_playbook)
    # recorded on the request; the next runs write nothing more
    log = team.note(away["coverage"], "away-log")
    assert f"{INITECH}#{iid}" in log and "`dbass90`" in log
    team.reconcile("2026-11-23T18:00")  # reads again what it wrote to: the answers seen
    team.reconcile("2026-11-23T19:00")
    quiet = team.reconcile("2026-11-23T20:00")
    assert quiet.writes == [], quiet.writes
    # while someone is out: the seven reads, and one list of changed issues per watched project
    assert len(quiet.calls) == 7 + 3


def reply_in(
    team: Team, project: str, iid: int, note: int, author: str, body: str, when: str
) -> int:
    team.fake.now = at(when)
    thread = team.fake.thread_of(iid, note, project)
    return team.fake.add_note(iid, body, author=author, project=project, thread=thread)


def digests(team: Team, request: int) -> list[str]:
    return team.bot_notes(team.coverage_of(request), "away-digest")


@pytest.mark.slow
def test_the_digest_comes_on_working_days_with_something_new_and_knows_who_answered(
    team: Team, away: dict[str, Any]
) -> None:
    backup = away["backup"]["Acme Corp"]
    first = customer_issue(team, ACME)
    customer_note(team, ACME, first, "@klang question about SSO", "2026-11-23T16:00")
    team.reconcile("2026-11-23T17:00")  # Monday, noon in New York
    (monday,) = digests(team, away["request"])
    assert f"@{backup}, new since the last digest about `klang`" in monday
    assert f"{ACME}#{first}" in monday
    assert "(1 not answered yet)" in monday

    for hour in ("18:00", "19:00", "20:00"):  # one digest a day at most
        team.reconcile(f"2026-11-23T{hour}")
    team.reconcile("2026-11-24T13:00")  # Tuesday, 08:00 in New York: before the digest hour
    assert len(digests(team, away["request"])) == 1

    second = customer_issue(team, ACME, "Runner capacity")
    asked = customer_note(team, ACME, second, "@klang runners are slow", "2026-11-24T13:10")
    reply_in(team, ACME, second, asked, backup, "Looking into it today.", "2026-11-24T13:20")
    third = customer_issue(team, INITECH, "Renewal")
    customer_note(team, INITECH, third, "@klang renewal quote?", "2026-11-24T13:30")
    team.reconcile("2026-11-24T14:00")

    tuesday = digests(team, away["request"])[-1]
    assert len(digests(team, away["request"])) == 2
    assert f"{ACME}#{first}" not in tuesday  # told on Monday
    assert f"{ACME}#{second}" in tuesday and "answered by you" in tuesday
    assert f"{INITECH}#{third}" in tuesday and "not answered yet" in tuesday

    team.reconcile("2026-11-25T14:00")  # Wednesday: nothing new, no digest
    team.reconcile("2026-11-28T15:00")  # Saturday: no digest on a day off
    assert len(digests(team, away["request"])) == 2


def test_the_handback_lists_every_thread_and_the_backups_playbook_notes(
    team: Team, away: dict[str, Any]
) -> None:
    backup = away["backup"]["Acme Corp"]
    threads = []
    for n, project in enumerate((ACME, INITECH, ACME)):
        iid = customer_issue(team, project, f"Question {n}")
        note = customer_note(team, project, iid, f"@klang question {n}", f"2026-11-2{4 + n}T15:00")
        threads.append((project, iid, note))
    reply_in(team, ACME, threads[0][1], threads[0][2], "dbass90", "Answered.", "2026-11-24T16:00")
    team.comment(away["acme"], backup, "Renewal call moved to Dec 3.", when="2026-11-25T16:00")
    for day in ("24", "25", "26", "27"):
        team.reconcile(f"2026-11-{day}T17:00")

    team.reconcile("2026-11-30T14:00")  # back

    returned = team.note(away["request"], "returned")
    assert "#### While you were out" in returned
    mentioned, untagged = returned.split("New in your customers' projects, tagging nobody")
    for project, iid, _ in threads:
        assert f"{project}#{iid}" in mentioned
    assert "answered by `dbass90`" in mentioned and mentioned.count("not answered yet") == 2
    # jane opened the issues tagging nobody (she mentioned klang in a comment after): the two
    # she opened while he was out (the first one is a day older than its comment)
    assert untagged.count("| `jane` |") == 2
    assert "Acme Corp" in returned and f"by `{backup}`" in returned
    assert "@klang" in returned  # the returning engineer is told, once


def test_a_description_that_mentions_someone_out_gets_one_answer(
    team: Team, away: dict[str, Any]
) -> None:
    team.fake.now = at("2026-11-24T15:00")
    iid = team.fake.add_issue_in(
        ACME,
        "New project kickoff",
        author="jane",
        description="Hello @klang, we start on Monday.",
        age=timedelta(0),
    )
    space = team.fake.others[ACME]
    payload = {
        "object_kind": "issue",
        "event_type": "issue",
        "user": {"id": 99, "username": "jane"},
        "project": {"id": space.id, "path_with_namespace": ACME},
        "object_attributes": {
            "iid": iid,
            "action": "open",
            "description": space.issues[iid]["description"],
            "created_at": "2026-11-24 15:00:00 UTC",
            "updated_at": "2026-11-24 15:00:00 UTC",
            "url": f"{BASE_URL}/{ACME}/-/issues/{iid}",
            "labels": [],
        },
        "labels": [],
    }
    first = team.event(payload, now="2026-11-24T15:01")
    again = team.event(payload, now="2026-11-24T15:02")  # delivered twice
    assert first.code == again.code == 0, first.text
    (answer,) = answers(team, iid, ACME)
    assert "For Acme Corp" in answer and again.writes == []
    assert team.reconcile("2026-11-24T16:00").code == 0
    assert len(answers(team, iid, ACME)) == 1


@pytest.mark.parametrize("forged", ["mention", "date", "issue"])
def test_an_event_is_a_hint_what_the_bot_answers_is_what_gitlab_says(
    team: Team, away: dict[str, Any], forged: str
) -> None:
    """A payload says only what changed: a forged one (a mention GitLab's issue does not have,
    a date a month ahead, an issue that does not exist) makes the bot answer nothing."""
    # the issue as GitLab has it; the event comes at once (forged: dated in klang's absence)
    when = "2026-11-20T15:00" if forged == "date" else "2026-11-24T15:00"
    team.fake.now = at(when)
    written = "Hello @klang, we start on Monday." if forged == "date" else "Planning."
    iid = team.fake.add_issue_in(
        ACME, "Kickoff", author="jane", description=written, age=timedelta(0)
    )
    space = team.fake.others[ACME]
    stamp = "2026-11-24 15:00:00 UTC"
    text = "Hello @klang, we start on Monday."
    payload = {
        "object_kind": "issue",
        "event_type": "issue",
        "user": {"id": 99, "username": "jane"},
        "project": {"id": space.id, "path_with_namespace": ACME},
        "object_attributes": {
            "iid": iid + 40 if forged == "issue" else iid,
            "action": "open",
            "description": text,
            "created_at": stamp,
            "updated_at": stamp,
            "url": f"{BASE_URL}/{ACME}/-/issues/{iid}",
            "labels": [],
        },
        "labels": [],
    }

    run = team.event(payload, now=f"{when}:30")

    assert run.code == 0, run.text
    assert run.writes == [] and answers(team, iid, ACME) == []


def test_a_team_that_switches_answers_off_gets_none_and_pays_nothing(
    team: Team, away: dict[str, Any], tmp_path: Any
) -> None:
    off = tmp_path / "off.yaml"
    shipped = Path(POLICY).read_text()
    off.write_text(shipped.replace("  answer: true # false", "  answer: false # false"))
    team.policy = str(off)
    iid = customer_issue(team, ACME)
    note = customer_note(team, ACME, iid, "@klang any news?", "2026-11-24T15:00")
    run = team.event(hook_in(team, ACME, iid, note, "jane"), now="2026-11-24T15:01")
    assert run.code == 0 and run.calls == [] and "not from this bot's project" in run.text
    assert answers(team, iid, ACME) == []


def test_with_the_runners_cache_a_mention_of_someone_not_out_costs_nothing(
    team: Team, away: dict[str, Any]
) -> None:
    cache = str(team.tmp / "cache.json")
    assert team.reconcile("2026-11-24T14:00", "--cache", cache).code == 0
    iid = customer_issue(team, ACME)

    note = customer_note(team, ACME, iid, "@adamlauzon can you take a look?", "2026-11-24T15:00")
    path = team.tmp / "trigger_payload.json"
    path.write_text(json.dumps(hook_in(team, ACME, iid, note, "jane")), encoding="utf-8")
    not_out = team.run(
        "handle-event", "--payload", str(path), "--cache", cache, now="2026-11-24T15:01"
    )
    assert not_out.code == 0 and not_out.calls == [], not_out.text
    assert "nobody it mentions is out" in not_out.text and "runner's cache" in not_out.text

    # someone out: the cache does not decide, the memory does, and the mention is answered
    note = customer_note(team, ACME, iid, "@klang are we still on for Friday?", "2026-11-24T15:10")
    path.write_text(json.dumps(hook_in(team, ACME, iid, note, "jane")), encoding="utf-8")
    out = team.run("handle-event", "--payload", str(path), "--cache", cache, now="2026-11-24T15:11")
    assert out.code == 0 and len(answers(team, iid, ACME)) == 1, out.text

    # three hours after the last run the cache is too old to say: the memory is read (1 request)
    note = customer_note(team, ACME, iid, "@adamlauzon ping", "2026-11-24T17:30")
    path.write_text(json.dumps(hook_in(team, ACME, iid, note, "jane")), encoding="utf-8")
    later = team.run(
        "handle-event", "--payload", str(path), "--cache", cache, now="2026-11-24T17:31"
    )
    assert later.code == 0 and len(later.calls) == 1, later.text


# -- what a scheduled run must never get wrong -----------------------------------------------------


def test_an_edit_that_adds_no_comment_is_no_new_mention(team: Team, away: dict[str, Any]) -> None:
    team.reconcile("2026-11-23T14:00")
    team.fake.now = at("2026-11-23T14:10")
    iid = team.fake.add_issue_in(
        ACME,
        "Kickoff",
        author="jane",
        description="Hello @klang, we start Monday.",
        age=timedelta(0),
    )
    for hour in (15, 16, 17):
        team.reconcile(f"2026-11-23T{hour}:00")
    assert len(answers(team, iid, ACME)) == 1
    issue = team.fake.others[ACME].issues[iid]
    for n, hour in enumerate((18, 20)):  # the customer relabels it: no comment, no new mention
        team.fake.now = at(f"2026-11-23T{hour - 1}:30")
        issue["labels"], issue["updated_at"] = [f"step-{n}"], team.fake.now
        team.reconcile(f"2026-11-23T{hour}:00")
    assert len(answers(team, iid, ACME)) == 1


def new_request_event(team: Team, engineer: str, when: str) -> None:
    iid = team.request(engineer, "2026-12-14", "2026-12-15", created=when)
    payload = issue_hook(team, iid, engineer, previous=[])
    payload["object_attributes"]["action"] = "open"
    assert team.event(payload, now=when).code == 0


def test_a_mention_events_missed_is_answered_though_an_event_refreshed_the_memory(
    team: Team, away: dict[str, Any]
) -> None:
    team.reconcile("2026-11-23T14:00")
    iid = customer_issue(team, INITECH)
    customer_note(team, INITECH, iid, "@klang is the license renewed?", "2026-11-23T14:10")
    new_request_event(team, "dbass90", "2026-11-23T14:20")  # who is away changed: memory rewritten
    team.reconcile("2026-11-23T15:00")
    assert len(answers(team, iid, INITECH)) == 1


def test_a_project_whose_list_failed_is_read_again_from_where_it_was(
    team: Team, away: dict[str, Any]
) -> None:
    team.reconcile("2026-11-23T14:00")
    iid = customer_issue(team, INITECH)
    customer_note(team, INITECH, iid, "@klang is the license renewed?", "2026-11-23T14:10")
    team.fake.fail("GET", r"/projects/customers%2Finitech/issues$", status=502, times=5)
    failed = team.reconcile("2026-11-23T15:00")
    assert failed.code == 1 and "customers/initech" in failed.text
    team.fake.faults.clear()
    team.reconcile("2026-11-23T16:00")
    assert len(answers(team, iid, INITECH)) == 1


@pytest.mark.parametrize("event_between", [False, True])
def test_a_backups_playbook_note_reaches_the_handback_though_an_event_refreshed_the_memory(
    team: Team, away: dict[str, Any], event_between: bool
) -> None:
    backup = away["backup"]["Acme Corp"]
    team.reconcile("2026-11-24T14:00")
    team.comment(away["acme"], backup, "Renewal call moved to Dec 3.", when="2026-11-24T15:00")
    if event_between:
        new_request_event(team, "dbass90", "2026-11-24T15:10")
    for when in ("2026-11-24T16:00", "2026-11-25T16:00", "2026-11-30T14:00"):
        team.reconcile(when)
    assert f"by `{backup}`" in team.note(away["request"], "returned")


def test_a_mention_whose_record_could_not_be_written_is_recorded_later(
    team: Team, away: dict[str, Any]
) -> None:
    off = team.tmp / "record-only.yaml"
    off.write_text(Path(team.policy).read_text().replace("  answer: true", "  answer: false"))
    team.policy = str(off)  # mentions are only recorded: nothing else brings them back
    coverage = away["coverage"]  # where the record is kept while klang is out
    team.reconcile("2026-11-23T14:00")
    iid = customer_issue(team, INITECH)
    customer_note(team, INITECH, iid, "@klang is the license renewed?", "2026-11-23T14:10")
    team.fake.fail("POST", rf"/issues/{coverage}/notes$", status=500, times=50)
    assert team.reconcile("2026-11-23T15:00").code == 1  # GitLab has a bad minute
    team.fake.faults.clear()
    for when in ("2026-11-23T16:00", "2026-11-23T17:00"):
        team.reconcile(when)
    assert f"{INITECH}#{iid}" in team.note(coverage, "away-log")


# -- what the bot did is read from GitLab, not from what it kept --------------------------------


def test_a_thread_answered_before_the_memory_was_lost_is_not_answered_again(
    team: Team, away: dict[str, Any]
) -> None:
    iid = customer_issue(team, INITECH)
    first = customer_note(team, INITECH, iid, "@klang is the license renewed?", "2026-11-23T16:00")
    team.reconcile("2026-11-23T17:00")
    assert len(answers(team, iid, INITECH)) == 1
    reply_in(
        team, INITECH, iid, first, "jane", "Thanks! @klang one more thing.", "2026-11-24T09:00"
    )
    dashboard = next(i for i in team.fake.issues.values() if "pto-dashboard" in i["labels"])
    dashboard["description"] = "Edited by hand"  # what the bot kept is gone

    for when in ("2026-11-24T10:00", "2026-11-24T11:00"):
        assert team.reconcile(when).code == 0

    assert len(answers(team, iid, INITECH)) == 1  # the thread was answered: GitLab says so


def test_a_mention_made_before_an_emergency_request_was_opened_that_day_is_answered(
    team: Team, away: dict[str, Any]
) -> None:
    team.reconcile("2026-11-30T08:00")  # klang is back; nobody is away
    iid = team.fake.add_issue("Escalation process", author="jane", description="Draft")
    team.comment(iid, "jane", "@adamlauzon can you review this?", "2026-11-30T09:00")
    team.reconcile("2026-11-30T10:00")  # nobody away yet: nothing to answer
    sick = team.request(
        "adamlauzon", "2026-11-30", "2026-12-01", kind="emergency", created="2026-11-30T11:00"
    )

    run = team.reconcile("2026-11-30T12:00")

    assert run.code == 0, run.text
    assert "pto::covered" in team.labels(sick) or "pto::needs-coverage" in team.labels(sick)
    (answer,) = answers(team, iid)
    assert "adamlauzon" in answer
