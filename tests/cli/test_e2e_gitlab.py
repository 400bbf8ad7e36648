"""The command line end to end against the stateful fake GitLab (``fake_gitlab``).

Every test runs ``pto_bot.cli.main`` exactly as the CI job does (the harness is
:mod:`gitlab_team`) and then looks at what a person would see in GitLab: the fake's issues,
labels, notes and links, plus the HTTP requests the run made where the request budget matters.
"""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests

from fake_gitlab import BOT, PROJECT_ID, TOKEN
from gitlab_team import MANAGER, POLICY, Team, issue_hook, note_hook
from project import at
from pto_bot.domain.markers import strip_marker

# --- scenes shared by several tests -------------------------------------------------------------


def beta_accounts(team: Team) -> None:
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")  # 4 h/week
    team.playbook("Initech", "klang", "high", "global-support")  # 2 h/week
    team.playbook("Globex", "klang", "normal", "global-support")  # Global Support


def two_out_in_alpha(team: Team, kind: str = "planned") -> tuple[int, int]:
    """andsmith3, then dbass90 out together: pod alpha (3 people) cannot cover dbass90."""
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.playbook("Contoso", "dbass90", "high", "global-support")
    first = team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = team.request("dbass90", "2026-12-07", "2026-12-11", kind=kind, created="2026-11-02")
    return first, second


def three_out(team: Team, start: str = "2026-12-07", end: str = "2026-12-11") -> int:
    """klang, a.conrad, then harishsr out together: the third needs the manager's approval."""
    team.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    team.request("klang", start, end, created="2026-11-01")
    team.request("a.conrad", start, end, created="2026-11-02")
    return team.request("harishsr", start, end, created="2026-11-03")


# --- one, two, three out ------------------------------------------------------------------------


def test_one_out_is_covered_by_the_pod_and_a_second_run_writes_nothing(team: Team) -> None:
    beta_accounts(team)
    req = team.request("klang", "2026-12-07", "2026-12-11")

    first = team.reconcile("2026-11-20T14:00")

    assert first.code == 0, first.text
    assert set(team.labels(req)) == {"pto", "out::1", "pto::covered"}
    coverage = strip_marker(team.note(req, "coverage"))
    assert "| Acme Corp | high | auto-assigned | @adamlauzon (pod) |" in coverage
    assert "| Initech | high | global-support | @magomez3 (pod) |" in coverage
    assert "Global Support handles tickets for: Globex" in coverage
    assert len(team.fake.notes[req]) == 1
    # one PUT for both labels, the coverage issue (opened, linked), one POST for the note
    coverage_issue = max(team.fake.issues)
    assert first.writes == [
        ("PUT", f"/projects/{PROJECT_ID}/issues/{req}"),
        ("POST", f"/projects/{PROJECT_ID}/issues"),
        ("POST", f"/projects/{PROJECT_ID}/issues/{req}/links"),
        ("POST", f"/projects/{PROJECT_ID}/issues/{req}/notes"),
    ]
    opened = team.fake.issues[coverage_issue]
    assert opened["title"] == "Coverage: klang out 2026-12-07 – 2026-12-11"
    assert opened["labels"] == ["pto-coverage"] and not opened["confidential"]
    assert sorted(opened["assignees"]) == ["adamlauzon", "magomez3"]

    second = team.reconcile("2026-11-20T15:00")

    assert second.code == 0
    assert second.writes == []
    assert "nothing to do: every issue is up to date" in second.text
    assert len(team.fake.notes[req]) == 1


def test_two_out_in_a_pod_opens_a_linked_fallback_issue_with_a_48_hour_deadline(
    team: Team,
) -> None:
    first, second = two_out_in_alpha(team)

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    fb = team.fallback_of(second)
    assert fb is not None
    fallback = team.fake.issues[fb]
    assert fallback["labels"] == ["pto-fallback"]
    assert fallback["author"] == BOT and fallback["state"] == "opened"
    assert fallback["title"] == (
        "Fallback coverage: dbass90 out 2026-12-07 – 2026-12-11"
    )  # the title is the planner's own text: a validated username and dates
    assert [(link["source"], link["target"]) for link in team.fake.links] == [(second, fb)]
    description = strip_marker(fallback["description"])
    assert (
        "| Northwind | high | auto-assigned | Mon 2026-12-07 – Fri 2026-12-11 | **open** |"
        in description
    )
    assert (
        "| Contoso | high | global-support | Mon 2026-12-07 – Fri 2026-12-11 | **open** |"
        in description
    )
    # opened on Friday at 09:00 in New York: 48 h of working time end on Tuesday
    assert (
        "**Tue 2026-11-24 09:00 EST** (48 h of working time after this request opened: "
        "weekends and US public holidays do not count)"
    ) in description
    assert f"PTO request: #{second} (planned)" in description
    assert {"out::2", "pto::needs-coverage"} <= set(team.labels(second))
    assert f"#{fb}" in team.note(second, "coverage")
    assert "out::1" in team.labels(first)
    # the fallback request (create, link) and the two coverage notes; no coverage issue yet:
    # nobody covers andsmith3 (no account) nor dbass90, it opens the working day before
    assert run.count("POST", "/issues") == 4
    assert team.reconcile("2026-11-20T15:00").writes == []


def test_the_report_written_by_a_run_names_the_fallback_request_it_opened(team: Team) -> None:
    _, second = two_out_in_alpha(team)
    out = team.tmp / "public"

    run = team.reconcile("2026-11-20T14:00", "--report", str(out))

    assert run.code == 0, run.text
    fb = team.fallback_of(second)
    assert fb is not None
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [(f["request"], f["iid"]) for f in data["fallbacks"]] == [(second, fb)]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "opens on the next run" not in page
    assert f"#{fb}" in page


def test_three_out_waits_for_the_manager_and_only_the_manager_approves(team: Team) -> None:
    req = three_out(team)

    team.reconcile("2026-11-20T14:00")

    assert {"pto::needs-approval", "out::3+"} <= set(team.labels(req))
    assert f"@{MANAGER} your decision is needed" in team.note(req, "approval")
    assert team.fallback_of(req) is None
    mentions = sum(f"@{MANAGER}" in body for body in team.bot_notes(req))
    assert mentions == 1

    team.comment(req, "magomez3", "/pto approve", when="2026-11-20T15:00")
    refused = team.reconcile("2026-11-20T16:00")

    (reply,) = team.bot_notes(req, "reply")
    assert "❌" in reply and f"only the manager (`{MANAGER}`) can decide" in reply
    assert "pto::needs-approval" in team.labels(req)
    assert refused.count("POST", "/notes") == 1  # the reply, and no second mention

    team.comment(req, MANAGER, "Fine by me.\n/pto approve", when="2026-11-20T17:00")
    approved = team.reconcile("2026-11-20T18:00")

    assert approved.code == 0
    assert "approved for 2026-12-07 – 2026-12-11" in team.bot_notes(req, "reply")[1]
    assert "pto::covered" in team.labels(req)
    assert "pto::needs-approval" not in team.labels(req)
    told = team.note(req, "backups")  # a new note: an edited one would notify nobody
    assert "@dbass90" in told or "@andsmith3" in told
    assert len(team.bot_notes(req, "approval")) == 1
    assert team.reconcile("2026-11-20T19:00").writes == []


# --- volunteering: the scheduled job and the event job ------------------------------------------


def test_volunteering_by_schedule_and_by_event_is_answered_once_and_closes_the_fallback(
    team: Team,
) -> None:
    _, req = two_out_in_alpha(team)
    team.reconcile("2026-11-21T14:00")
    fb = team.fallback_of(req)
    assert fb is not None

    # klang volunteers; the hourly scheduled run answers
    team.comment(fb, "klang", "/pto volunteer Northwind", when="2026-11-21T15:00")
    scheduled = team.reconcile("2026-11-21T16:00")

    assert scheduled.code == 0
    (reply,) = team.bot_notes(fb, "reply")
    assert "@klang" in reply and "you now cover Northwind" in reply
    assert team.state(fb) == "opened"  # Contoso is still open
    assert (
        "| Northwind | high | auto-assigned | Mon 2026-12-07 – Fri 2026-12-11 | `klang` |"
        in team.fake.issues[fb]["description"]
    )
    assert "pto::needs-coverage" in team.labels(req)

    # magomez3 volunteers; the webhook (through the pipeline trigger) runs the event job
    note_id = team.comment(
        fb, "magomez3", "Happy to help\n/pto volunteer contoso", "2026-11-23T13:50"
    )
    payload = note_hook(team, fb, note_id, "magomez3")
    assert payload["object_attributes"]["created_at"] == "2026-11-23 13:50:00 UTC"
    event = team.event(payload, now="2026-11-23T13:51")

    assert event.code == 0, event.text
    assert event.text.startswith(f"note event on #{fb} by magomez3: reconciling")
    replies = team.bot_notes(fb, "reply")
    assert len(replies) == 2 and "@magomez3" in replies[1] and "Contoso" in replies[1]
    assert team.state(fb) == "closed"
    assert "Every account is covered: thank you @klang, @magomez3" in team.note(fb, "covered")
    assert "pto::covered" in team.labels(req)
    assert "pto::needs-coverage" not in team.labels(req)
    assert "`magomez3` (volunteer)" in team.note(req, "coverage")  # told in the reply

    # the same event delivered again, then the next scheduled run: nothing is answered twice
    assert team.event(payload, now="2026-11-23T13:52").writes == []
    later = team.reconcile("2026-11-23T15:00")
    assert later.writes == [], later.text
    assert len(team.bot_notes(fb, "reply")) == 2
    assert not team.bot_notes(fb, "escalated")  # covered before its deadline (11-23 14:00)


# --- the fallback deadline ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "opened", "due"),
    [
        # a Friday fallback: the weekend is no working time (Fri 10:00 -> Tue 10:00 New York)
        ("planned", "2026-12-04T15:00", "2026-12-08T15:00"),
        # an emergency window opened on Friday at 22:00 lapses on Monday at 02:00
        ("emergency", "2026-12-05T03:00", "2026-12-07T07:00"),
        # on a Tuesday every hour counts
        ("planned", "2026-12-01T08:00", "2026-12-03T08:00"),
    ],
)
def test_the_manager_is_mentioned_once_when_the_fallback_deadline_passes(
    team: Team, kind: str, opened: str, due: str
) -> None:
    _, req = two_out_in_alpha(team, kind=kind)
    team.reconcile(opened)
    fb = team.fallback_of(req)
    assert fb is not None
    deadline = at(due)
    hours = 48 if kind == "planned" else 4
    shown = deadline.astimezone(ZoneInfo("America/New_York"))  # the team's time zone
    assert (
        f"**{shown:%a %Y-%m-%d %H:%M %Z}** ({hours} h of working time"
        in (team.fake.issues[fb]["description"])
    )

    calendar_hours = at(opened) + timedelta(hours=hours)  # what the window used to be
    for moment in sorted({calendar_hours, deadline - timedelta(minutes=1)} - {deadline}):
        before = team.reconcile(moment.isoformat())
        assert [w for w in before.writes if f"/issues/{fb}" in w[1]] == []
        assert team.bot_notes(fb, "escalated") == []
        assert "fallback::escalated" not in team.labels(fb)

    lapsed = team.reconcile(deadline.isoformat())

    assert lapsed.code == 0
    escalated = team.note(fb, "escalated")
    assert f"@{MANAGER} the volunteer window closed at {shown:%a %Y-%m-%d %H:%M %Z}" in escalated
    assert "Northwind" in escalated and "Contoso" in escalated
    assert "fallback::escalated" in team.labels(fb)
    assert sorted(lapsed.writes) == [
        ("POST", f"/projects/{PROJECT_ID}/issues/{fb}/notes"),
        ("PUT", f"/projects/{PROJECT_ID}/issues/{fb}"),
    ]

    assert team.reconcile((deadline + timedelta(hours=5)).isoformat()).writes == []
    assert len(team.bot_notes(fb, "escalated")) == 1


# --- changes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("job", ["schedule", "event"])
def test_cancelling_closes_the_fallback_issue(team: Team, job: str) -> None:
    _, req = two_out_in_alpha(team)
    team.reconcile("2026-11-20T14:00")
    fb = team.fallback_of(req)
    assert fb is not None and team.state(fb) == "opened"

    previous = team.labels(req)
    team.edit(req, "2026-11-21T10:00", labels=[*previous, "pto::cancelled"])
    if job == "schedule":
        run = team.reconcile("2026-11-21T11:00")
    else:
        run = team.event(issue_hook(team, req, "dbass90", previous), now="2026-11-21T10:01")

    assert run.code == 0, run.text
    assert team.state(fb) == "closed"
    assert "the PTO request is cancelled" in team.note(fb, "closed")
    assert "Cancelled" in team.note(req, "coverage")
    assert "pto::cancelled" in team.labels(req)
    assert "pto::needs-coverage" not in team.labels(req)
    assert not [label for label in team.labels(req) if label.startswith("out::")]
    assert team.reconcile("2026-11-21T12:00").writes == []


def test_edited_dates_edit_the_coverage_note_in_place(team: Team) -> None:
    beta_accounts(team)
    req = team.request("klang", "2026-12-07", "2026-12-11")
    team.reconcile("2026-11-20T14:00")
    (note_before,) = team.fake.notes[req]
    assert "2026-12-11" in note_before["body"]

    description = team.fake.issues[req]["description"].replace("2026-12-11", "2026-12-18")
    team.edit(req, "2026-11-21T09:00", description=description)
    run = team.reconcile("2026-11-21T10:00")

    assert run.code == 0
    (note_after,) = team.fake.notes[req]
    assert note_after["id"] == note_before["id"]
    assert "Mon 2026-12-07 – Fri 2026-12-18" in note_after["body"]
    assert '"end":"2026\\u002d12\\u002d18"' in note_after["body"]  # the marker follows
    assert run.count("PUT", f"/notes/{note_before['id']}") == 1
    assert run.count("POST") == 0
    assert team.reconcile("2026-11-21T11:00").writes == []


def test_a_malformed_request_gets_needs_info_and_one_note_naming_the_field(team: Team) -> None:
    bad = team.raw_request("- **Start:** 12/07/2026\n- **End:** 2026-12-11", "klang")
    good = team.request("harishsr", "2026-12-07", "2026-12-11")

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0
    assert "pto::needs-info" in team.labels(bad)
    note = team.note(bad, "needs-info")
    assert "@klang, this PTO request cannot be evaluated yet" in note
    assert "Start: '12/07/2026' is not an ISO date" in note.replace("\u200b", "")
    assert "pto::covered" in team.labels(good)  # one broken request stops nobody
    assert team.reconcile("2026-11-20T15:00").writes == []
    assert len(team.bot_notes(bad)) == 1


# --- hostile text -------------------------------------------------------------------------------


def test_hostile_text_in_every_field_runs_no_quick_action_and_mentions_nobody(
    team: Team,
) -> None:
    evil = "/close @all <script>alert(1)</script>"
    team.playbook(f"{evil} /label ~x", "dbass90", "high", "auto-assigned")
    team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01", title=evil)
    req = team.request(
        "dbass90", "2026-12-07", "2026-12-11", created="2026-11-02", title=f"/label ~x {evil}"
    )
    approval = three_out(team, "2027-01-11", "2027-01-15")
    malformed = team.raw_request(
        "- **Engineer:** @all /close\n- **Start:** /close\n- **End:** <script>x</script>\n"
        "- **Type:** /label ~x\n- **Backups:** @all /reopen\n- **Notes:** /close @all\n",
        "michwalker",
    )
    team.comment(req, "klang", "/pto volunteer /close @all\n/pto volunteer <script>", "2026-11-10")
    team.comment(approval, MANAGER, f"/pto deny {evil} /label ~hacked", when="2026-11-11")
    team.comment(req, "someone", "/pto status @all", when="2026-11-12")
    states = {iid: issue["state"] for iid, issue in team.fake.issues.items()}

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    fb = team.fallback_of(req)
    assert fb is not None
    assert team.fake.quick_actions_run == []
    opened = {iid for iid, issue in team.fake.issues.items() if issue["author"] == BOT}
    assert {iid: s for iid, s in states.items()} == {
        iid: issue["state"] for iid, issue in team.fake.issues.items() if iid not in opened
    }
    for issue in team.fake.issues.values():
        assert not {"x", "hacked"} & set(issue["labels"])
    assert "pto::denied" in team.labels(approval)
    assert "pto::needs-info" in team.labels(malformed)
    texts = [body for iid in team.fake.issues for body in team.bot_notes(iid)]
    texts.append(team.fake.issues[fb]["description"])
    assert len(texts) >= 8
    for body in texts:
        assert not [line for line in body.splitlines() if line.startswith("/")], body
        assert "@all" not in body  # not in the visible text, not in the hidden marker
        assert "<script>" not in body
    denied = strip_marker(team.note(approval, "reply"))
    assert "denied for 2027-01-11 – 2027-01-15: \u200b/close @\u200ball &lt;script&gt;" in denied
    row = "| \u200b/close @\u200ball &lt;script&gt;alert\\(1\\)&lt;/script&gt; /label \\~x | high |"
    assert row in team.fake.issues[fb]["description"]  # the account is named, inert
    assert team.reconcile("2026-11-20T15:00").writes == []


# --- faults -------------------------------------------------------------------------------------


def four_requests(team: Team) -> list[int]:
    beta_accounts(team)
    team.playbook("Hooli", "a.conrad", "high", "auto-assigned")
    team.playbook("Umbrella", "harishsr", "high", "global-support")
    return [
        team.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01"),
        team.request("harishsr", "2027-01-04", "2027-01-08", created="2026-11-02"),
        team.request("a.conrad", "2027-02-01", "2027-02-05", created="2026-11-03"),
        team.raw_request("- **Start:** soon", "michwalker", created="2026-11-04"),
    ]


def test_transient_faults_during_a_full_reconcile_are_retried_without_duplicates(
    team: Team,
) -> None:
    a, b, c, d = four_requests(team)
    team.fake.fail("PUT", rf"/issues/{a}$", status=429, retry_after=7)  # rate limited
    team.fake.fail("PUT", rf"/issues/{b}$", status=503)  # then succeeds
    team.fake.fail("POST", rf"/issues/{c}/notes$", error=requests.exceptions.ReadTimeout)
    team.fake.fail("POST", rf"/issues/{d}/notes$", status=502, after=True)  # committed, then 502

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    assert "Problems" not in run.text
    for iid in (a, b, c):
        assert {"out::1", "pto::covered"} <= set(team.labels(iid))
        assert len(team.fake.notes[iid]) == 1
        assert "### PTO coverage for" in team.note(iid, "coverage")
    assert "pto::needs-info" in team.labels(d)
    assert len(team.fake.notes[d]) == 1  # the note behind the 502 was found, not posted again
    # one wait each, on the fake's clock: Retry-After (7 s) for the 429, the first backoff (1 s)
    # after the 503, the timeout and the 502
    assert sorted(team.fake.sleeps) == [1, 1, 1, 7]
    # four label PUTs + one retried 429 + one retried 503; four note POSTs + one re-post of the
    # note that timed out before the server saw it, and the coverage issues of the three covered
    # requests (opened, linked); the two ambiguous POSTs each looked first
    assert run.count("PUT") == 6
    assert run.count("POST") == 5 + 3 * 2
    assert (
        run.count("GET", f"/issues/{c}/notes") == 1 and run.count("GET", f"/issues/{d}/notes") == 1
    )
    assert team.reconcile("2026-11-20T15:00").writes == []


def test_a_permanent_failure_on_one_issue_exits_1_and_the_others_get_their_writes(
    team: Team,
) -> None:
    a, b, c, d = four_requests(team)
    team.fake.fail("PUT", rf"/issues/{b}$", status=503, times=99)

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 1
    assert f"#{b}: GitLab: set labels on issue #{b} failed" in run.text
    assert "503" in run.text and TOKEN not in run.text
    assert f"(skipped) post note [coverage] (an earlier write to #{b} failed)" in run.text
    assert team.labels(b) == ["pto"] and team.fake.notes[b] == []  # no note claims a label
    assert run.count("PUT", f"/issues/{b}") == 5  # max_attempts, then it gave up
    assert team.fake.sleeps == [1, 2, 4, 8]
    for iid in (a, c):
        assert "pto::covered" in team.labels(iid) and len(team.bot_notes(iid, "coverage")) == 1
    assert "pto::needs-info" in team.labels(d)

    team.fake.faults.clear()  # GitLab is back: the next run finishes the job, exit 0
    healed = team.reconcile("2026-11-20T15:00")
    assert healed.code == 0
    assert "pto::covered" in team.labels(b) and len(team.bot_notes(b)) == 1
    assert {path.split("/")[4] for _, path in healed.writes} == {str(b)}  # only #b was left


# --- dry run, ignored events, the request budget ------------------------------------------------


def test_dry_run_prints_the_planned_writes_and_sends_none(team: Team) -> None:
    _, req = two_out_in_alpha(team)
    beta_accounts(team)
    team.request("klang", "2026-12-14", "2026-12-18", created="2026-11-03")
    before = json.dumps(team.fake.issues, default=str), json.dumps(team.fake.notes, default=str)

    run = team.reconcile("2026-11-20T14:00", "--dry-run")

    assert run.code == 0
    assert run.text.startswith("pto_bot dry run on 42")
    assert f"#{req}    (would write) labels +~out::2 +~pto::needs-coverage" in run.text
    assert "(would write) post note [coverage]" in run.text
    assert "(would write) open issue 'Fallback coverage: dbass90 out 2026-12-07 – 2026-12-11'" in (
        run.text
    )
    assert run.writes == []
    assert {method for method, _ in run.calls} == {"GET"}
    assert (
        json.dumps(team.fake.issues, default=str),
        json.dumps(team.fake.notes, default=str),
    ) == (before)


@pytest.mark.parametrize("case", ["other project", "the bot", "pipeline event", "not our labels"])
def test_irrelevant_events_exit_at_once_without_any_request(team: Team, case: str) -> None:
    _, req = two_out_in_alpha(team)
    note_id = team.comment(req, "klang", "/pto status", when="2026-11-20T13:00")
    payload = note_hook(team, req, note_id, "klang")
    if case == "other project":
        payload = note_hook(team, req, note_id, "klang", project_id=99)
        payload["project"]["path_with_namespace"] = "elsewhere/other"
    elif case == "the bot":
        payload["user"]["username"] = BOT
    elif case == "pipeline event":
        payload = {
            "object_kind": "pipeline",
            "object_attributes": {"id": 1},
            "id": 9,
            "ref": "main",
        }
    else:
        payload["issue"]["labels"] = [{"title": "bug"}]

    run = team.event(payload, now="2026-11-20T14:00")

    assert run.code == 0
    assert run.text.startswith("ignored:"), run.text
    assert run.calls == [] and team.fake.calls == []


def test_a_warm_cache_makes_a_quiet_scheduled_run_cost_seven_requests(team: Team) -> None:
    cache = str(team.tmp / "pto-cache.json")
    team.remember = True  # the memory, kept in a closed issue (the dashboard is off) and here
    beta_accounts(team)
    for n in range(6):  # history: requests closed over the past year
        iid = team.request(
            "dbass90", f"2026-0{n + 1}-05", f"2026-0{n + 1}-06", created="2025-12-01"
        )
        team.edit(iid, f"2026-0{n + 1}-07", state="closed", closed_at=at(f"2026-0{n + 1}-07"))
        team.fake.add_note(iid, "Back, thanks!", author="dbass90")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    issues = len(team.fake.issues)  # 3 playbooks, 6 closed requests, 1 open request

    cold = team.reconcile("2026-11-20T14:00", "--cache", cache)
    # lists: open issues for each of the 5 labels, closed requests, fallback requests and
    # coverage issues (first sync); notes: one page per issue commented on, and the playbooks
    # (the open request has no comment yet); writes: the labels and the coverage note of the
    # request, its coverage issue (opened, linked), and the memory's own issue, made and
    # written (closed) once
    assert cold.count("GET", "/issues") - cold.count("GET", "/notes") == 8
    assert cold.count("GET", "/notes") == issues - 1
    assert len(cold.writes) == 2 + 2 + 2

    quiet = team.reconcile("2026-11-20T16:00", "--cache", cache)

    # N = 7: who the token belongs to (GET /user, the bot's identity) + one list of open issues
    # per label the bot reads (pto, playbook, pto-fallback, pto-coverage, pto-dashboard; each
    # fits one page of 100) + one list of issues changed since the last run. Every issue's notes
    # come from the memory (updated_at and note count unchanged, or moved by the bot's own
    # writes), old history costs nothing.
    assert len(quiet.calls) == 7, quiet.calls
    assert quiet.calls[0] == ("GET", "/user")
    assert quiet.count("GET", "/notes") == 0 and quiet.writes == []
    assert quiet.code == 0 and "nothing to do" in quiet.text
    assert team.labels(req) == ["pto", "out::1", "pto::covered"]

    # a comment is seen at once: only that issue's notes are read again
    team.comment(req, "adamlauzon", "/pto status", when="2026-11-20T16:30")
    answered = team.reconcile("2026-11-20T17:00", "--cache", cache)
    assert len(team.bot_notes(req, "reply")) == 1
    assert answered.count("GET", "/notes") == 1
    # identity and lists, that issue's notes, the reply, the memory of it
    assert len(answered.calls) == 7 + 1 + 1 + 1


def test_the_dashboard_issue_is_created_once_and_edited_only_when_coverage_changes(
    team: Team,
) -> None:
    team.policy, team.remember = POLICY, True  # the shipped policy: the dashboard, the memory
    beta_accounts(team)
    req = team.request("klang", "2026-12-07", "2026-12-11")
    first = team.reconcile("2026-11-20T14:00")
    boards = [i for i in team.fake.issues.values() if "pto-dashboard" in i["labels"]]
    assert len(boards) == 1 and boards[0]["author"] == "pto-bot"
    assert f"| #{req} | `klang` |" in boards[0]["description"]
    assert first.code == 0
    assert team.reconcile("2026-11-20T15:00").writes == []
    assert team.reconcile("2026-11-20T16:00").writes == []
    team.request("adamlauzon", "2026-12-08", "2026-12-09", created="2026-11-20T16:30")
    team.reconcile("2026-11-20T17:00")
    boards = [i for i in team.fake.issues.values() if "pto-dashboard" in i["labels"]]
    assert len(boards) == 1 and "`adamlauzon`" in boards[0]["description"]


def test_a_token_pasted_with_a_trailing_newline_works_and_is_never_printed(
    team: Team, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team.playbook("Acme Corp", "klang")
    req = team.request("klang", "2026-12-07", "2026-12-11")
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN + "\n")

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0, run.text
    assert "pto::covered" in team.labels(req)
    team.fake.fail("GET", r"/issues$", error=requests.exceptions.InvalidHeader, times=99)
    failed = team.reconcile("2026-11-20T15:00")
    err = capsys.readouterr().err
    assert failed.code == 1
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert TOKEN not in err and TOKEN not in failed.text
