"""``pto-bot export`` end to end against the fake GitLab: the team project written in the offline
shape, so that ``reconcile --offline FILE --dry-run`` plans on it exactly what a dry run against
GitLab plans; what it reads (and how many requests that costs); the token never in the file."""

from __future__ import annotations

import json
from pathlib import Path

from fake_gitlab import PROJECT_ID, PROJECT_PATH, TOKEN
from gitlab_team import POLICY, Run, Team, year_of_history
from project import at

NOW = "2026-11-20T18:00"
ISSUES = f"/projects/{PROJECT_ID}/issues"


def busy_project(team: Team) -> dict[str, int]:
    """Pods alpha and beta with playbooks; a request covered by the pod, two of alpha out
    together (a fallback request, linked), a malformed request, one closed this year and one
    closed last year; then, after a first run, a volunteer, an edit and a new request."""
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    team.playbook("Initech", "klang", "high", "global-support")
    team.playbook("Globex", "klang", "normal", "global-support")
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    team.playbook("Contoso", "dbass90", "high", "global-support")
    iids = {
        "klang": team.request("klang", "2026-12-14", "2026-12-18", created="2026-11-01"),
        "andsmith3": team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01"),
        "dbass90": team.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02"),
        "malformed": team.raw_request("- **Start:** 12/14/2026\n", "michwalker", "2026-11-05"),
        "closed": team.request("magomez3", "2026-10-05", "2026-10-09", created="2026-09-01"),
        "old": team.request("magomez3", "2025-10-05", "2025-10-09", created="2025-09-01"),
    }
    team.edit(iids["closed"], "2026-10-12", state="closed", closed_at=at("2026-10-12"))
    team.edit(iids["old"], "2025-10-12", state="closed", closed_at=at("2025-10-12"))
    assert team.reconcile("2026-11-20T14:00").code == 0
    fallback = team.fallback_of(iids["dbass90"])
    assert fallback is not None
    iids["fallback"] = fallback
    team.comment(fallback, "malmendarez", "/pto volunteer Northwind", when="2026-11-20T15:00")
    description = team.fake.issues[iids["klang"]]["description"]
    team.edit(iids["klang"], "2026-11-20T16:00", description=description.replace("18", "21"))
    iids["new"] = team.request("a.conrad", "2026-12-21", "2026-12-23", created="2026-11-20")
    return iids


def export(team: Team, out: Path, now: str = NOW) -> Run:
    return team.run("export", "--out", str(out), now=now)


def replay(team: Team, out: Path, policy: str | None = None, now: str = NOW) -> Run:
    """``reconcile --offline FILE --dry-run`` (with ``policy``, else the team's)."""
    saved = team.policy
    team.policy = policy or saved
    try:
        return team.reconcile(now, "--offline", str(out), "--dry-run")
    finally:
        team.policy = saved


def plan_shown(run: Run) -> list[str]:
    """What a dry run prints after its first line (which names the project as it was given:
    an id on GitLab, the path in a file): the requests, the planned writes, the problems."""
    assert run.code in (0, 1), run.text
    return run.text.splitlines()[1:]


def test_an_export_replayed_offline_plans_the_writes_a_dry_run_on_gitlab_plans(
    team: Team, tmp_path: Path
) -> None:
    busy_project(team)
    on_gitlab = team.reconcile(NOW, "--dry-run")
    assert on_gitlab.writes == []

    exported = export(team, tmp_path / "project.json")
    offline = replay(team, tmp_path / "project.json")

    assert exported.code == 0, exported.text
    assert exported.writes == [] and offline.calls == []
    assert plan_shown(offline) == plan_shown(on_gitlab)
    planned = [line for line in plan_shown(offline) if "(would write)" in line]
    assert len(planned) >= 3  # the volunteer's reply, the edited dates, the new request
    assert any("a.conrad" in line for line in plan_shown(offline))


def test_the_export_holds_what_a_run_reads_in_the_offline_shape(team: Team, tmp_path: Path) -> None:
    iids = busy_project(team)

    run = export(team, tmp_path / "project.json")

    data = json.loads((tmp_path / "project.json").read_text("utf-8"))
    assert data["project"] == {
        "id": PROJECT_ID,
        "path_with_namespace": PROJECT_PATH,
        "web_url": f"https://gitlab.example.com/{PROJECT_PATH}",
    }
    exported = {raw["iid"] for raw in data["issues"]}
    assert iids["old"] not in exported  # closed before the history the rules read
    assert {iids["closed"], iids["fallback"], iids["new"], iids["malformed"]} <= exported
    # 5 playbooks, 6 requests (1 closed), 1 fallback request, 1 coverage issue
    assert len(exported) == 13
    (coverage,) = [r["iid"] for r in data["issues"] if "pto-coverage" in r["labels"]]
    assert sorted(data["links"], key=lambda link: link["target"]) == sorted(
        [
            {"source": iids["dbass90"], "target": iids["fallback"]},
            {"source": next(iter(_linked_to(team, coverage))), "target": coverage},
        ],
        key=lambda link: link["target"],
    )
    volunteer = data["notes"][str(iids["fallback"])][-1]
    assert volunteer["body"] == "/pto volunteer Northwind"
    assert volunteer["author"]["username"] == "malmendarez"
    assert sorted(data["notes"]) == sorted(str(iid) for iid in exported)
    # the requests: the project, 5 lists of open issues, 3 of closed ones, the notes of each
    # issue and the links of the fallback request and the coverage issue
    assert sorted(run.calls) == sorted(
        [
            ("GET", f"/projects/{PROJECT_ID}"),
            *[("GET", ISSUES)] * 8,
            *[("GET", f"{ISSUES}/{iid}/notes") for iid in exported],
            ("GET", f"{ISSUES}/{iids['fallback']}/links"),
            ("GET", f"{ISSUES}/{coverage}/links"),
        ]
    )
    assert f"{len(run.calls)} requests to GitLab" in run.text
    assert "13 issues of support/ase (12 open, 1 closed since 2026-01-01)" in run.text


def test_the_export_never_holds_the_token(team: Team, tmp_path: Path) -> None:
    iids = busy_project(team)
    team.comment(iids["klang"], "klang", f"oops, my token: {TOKEN}", when="2026-11-20T17:00")

    run = export(team, tmp_path / "project.json")

    text = (tmp_path / "project.json").read_text("utf-8")
    assert run.code == 0
    assert TOKEN not in text and TOKEN not in run.text
    assert "oops, my token: [token]" in text


def test_a_year_of_history_with_the_bots_memory_replays_as_on_gitlab(
    team: Team, tmp_path: Path
) -> None:
    """The shipped policy (dashboard on, the bot's memory in it): GitLab's dry run reads what
    the memory says changed, the export reads everything the rules look at; same plan."""
    counts = year_of_history(team)
    assert team.reconcile("2026-11-20T14:00").code == 0
    team.reconcile("2026-11-20T15:00")
    team.comment(counts["dbass90"], "dbass90", "/pto status", when="2026-11-20T16:00")
    on_gitlab = team.reconcile(NOW, "--dry-run")

    exported = export(team, tmp_path / "project.json")
    offline = replay(team, tmp_path / "project.json")

    assert exported.code == 0, exported.text
    # the memory stands for every issue the rules read, as the file does: the same plan
    shown = plan_shown(on_gitlab)
    assert shown[1] == f"PTO requests ({counts['closed since January 1'] + 40}):"
    assert plan_shown(offline) == shown
    assert any("(would write)" in line for line in shown)
    issues = len(json.loads((tmp_path / "project.json").read_text())["issues"])
    coverage = [i for i in team.fake.issues.values() if "pto-coverage" in i["labels"]]
    assert len(coverage) == 7  # klang's requests to come, covered by his pod
    # and the dashboard, a fallback request and the coverage issues
    assert issues == counts["all"] + 2 + len(coverage)
    # the project; the lists: a page per open label, 3 pages of closed requests, 1 of closed
    # fallback requests, 1 of closed coverage issues; the notes of every issue but the
    # dashboard; the links of the fallback request and of each coverage issue
    assert exported.count("GET", "/notes") == issues - 1
    assert exported.count("GET", "/links") == 1 + len(coverage)
    lists = [call for call in exported.calls if call == ("GET", ISSUES)]
    assert len(lists) == 5 + 3 + 1 + 1
    assert len(exported.calls) == 1 + len(lists) + issues - 1 + 1 + len(coverage)
    assert f"{len(exported.calls)} requests to GitLab" in exported.text


def test_the_export_says_who_the_replay_must_take_for_the_bot(team: Team, tmp_path: Path) -> None:
    team.fake.rename_bot("project_42_bot_5f2a")
    unnamed = tmp_path / "policy.yaml"  # the shipped policy (a dashboard, the bot its author)
    unnamed.write_text(Path(POLICY).read_text().replace("  username: pto-bot\n", ""))
    team.policy = str(unnamed)
    req = team.request("klang", "2026-12-14", "2026-12-18")
    team.playbook("Acme Corp", "klang", "high", "auto-assigned")
    assert team.reconcile("2026-11-20T14:00").code == 0
    team.comment(req, "klang", "/pto status", when="2026-11-20T15:00")
    on_gitlab = team.reconcile(NOW, "--dry-run")

    run = export(team, tmp_path / "project.json")

    assert "put `bot.username: project_42_bot_5f2a` (the author of the dashboard issue)" in run.text
    # a bot user of this project is the bot's, named or not: the replay plans as GitLab's run
    assert plan_shown(replay(team, tmp_path / "project.json")) == plan_shown(on_gitlab)
    named = tmp_path / "named.yaml"
    named.write_text(Path(POLICY).read_text().replace("pto-bot\n", "project_42_bot_5f2a\n", 1))
    assert plan_shown(replay(team, tmp_path / "project.json", str(named))) == plan_shown(on_gitlab)


def test_an_issue_that_cannot_be_read_is_left_out_and_named(team: Team, tmp_path: Path) -> None:
    iids = busy_project(team)
    team.fake.fail("GET", rf"/issues/{iids['klang']}/notes$", status=404)

    run = export(team, tmp_path / "project.json")

    assert run.code == 1
    assert f"warning: issue #{iids['klang']} left out of the file" in run.text
    data = json.loads((tmp_path / "project.json").read_text("utf-8"))
    assert iids["klang"] not in {raw["iid"] for raw in data["issues"]}
    assert str(iids["klang"]) not in data["notes"]


def test_a_refused_token_writes_no_file(team: Team, tmp_path: Path, capsys: object) -> None:
    busy_project(team)
    team.fake.token_state = "revoked"

    run = export(team, tmp_path / "project.json")

    assert run.code == 2
    assert not (tmp_path / "project.json").exists()
    assert len(run.calls) == 1  # the first request is refused: nothing more is tried


def test_a_file_that_is_no_export_is_not_overwritten(team: Team, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("team: {name: ASE}\n")

    run = export(team, policy)

    assert run.code == 2 and run.calls == []
    assert policy.read_text() == "team: {name: ASE}\n"


def _linked_to(team: Team, iid: int) -> set[int]:
    """The issues GitLab shows linked to ``iid``."""
    found = {link["source"] for link in team.fake.links if link["target"] == iid}
    return found | {link["target"] for link in team.fake.links if link["source"] == iid}
