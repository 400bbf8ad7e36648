"""README's "Go live in fifteen minutes", step by step, on the fake GitLab: a brand-new project
goes from empty to a first correct run with only ``init``, ``doctor --fix`` and ``reconcile``."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest

from fake_gitlab import API, PROJECT_ID
from gitlab_team import Team
from pto_bot.cli import main
from pto_bot.domain.markers import read_marker

POD = ["klang", "adamlauzon", "magomez3"]
TODAY = date.today()
START = TODAY + timedelta(days=28)
END = START + timedelta(days=4)


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


def template(team: Team, name: str) -> str:
    return (team.tmp / ".gitlab/issue_templates" / name).read_text()


def test_from_an_empty_project_to_a_first_correct_run(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = team.fake
    monkeypatch.chdir(team.tmp)
    (team.tmp / "policy.yaml").unlink()  # the fixture's; this project starts empty
    for person in [*POD, "melroberts"]:
        fake.members[person] = 30

    # 1. init: the files, committed and pushed to the default branch
    code, _ = cli("init", "--manager", "melroberts", "--pod", "beta=" + ",".join(POD))
    assert code == 0
    for path in Path(".").rglob("*"):
        if path.is_file():
            fake.files[path.as_posix()] = path.read_text()
    team.policy, team.remember = "policy.yaml", True

    # 2. doctor --fix: the labels are created; the schedule and the webhook are still to do
    code, text = cli("doctor", "--fix")
    assert code == 1
    assert "✓ created the labels pto, playbook" in text
    assert "✓ policy.yaml is on main and valid" in text
    assert "✗ no active pipeline schedule on main" in text
    assert "`bot.username: pto-bot`" in text  # the tip: the value to pin
    assert "✗ Public pipelines is on" in text

    # 3. the schedule, the webhook and the pipeline settings (a Maintainer, by hand)
    fake.add_schedule()
    fake.add_hook(f"{API}/projects/{PROJECT_ID}/ref/main/trigger/pipeline?token=t")
    fake.settings["public_jobs"] = False
    code, text = cli("doctor", "--fix")
    assert code == 0, text
    assert "? webhooks are visible to Maintainers only" in text
    assert fake.count("POST", "/labels") == len(fake.labels)  # each label created once

    # 4. the team opens issues from the templates: /label applies the labels doctor created
    playbook = template(team, "Account playbook.md")
    playbook += '\n/label ~"priority::high" ~"coverage::auto-assigned"\n'
    acme = fake.add_issue("Acme Corp", description=playbook, author="klang", quick_actions=True)
    fake.issues[acme]["assignees"] = ["klang"]  # /assign me
    form = template(team, "PTO request.md").replace(
        "- **Start:** YYYY-MM-DD\n- **End:** YYYY-MM-DD",
        f"- **Start:** {START}\n- **End:** {END}",
    )
    req = fake.add_issue("PTO klang", description=form, author="klang", quick_actions=True)
    assert fake.issues[acme]["labels"] == ["playbook", "priority::high", "coverage::auto-assigned"]
    assert fake.issues[req]["labels"] == ["pto"]

    # 5. the first week: a dry run writes nothing
    now = f"{TODAY}T14:00"
    dry = team.reconcile(now, "--dry-run")
    assert dry.code == 0 and dry.writes == []
    assert f"#{req}    (would write) labels +~out::1 +~pto::covered" in dry.text

    # 6. live: the request is covered by the pod, once
    live = team.reconcile(now)
    # from then on a run writes nothing, nor reads again what it wrote (its memory, at the end
    # of the dashboard, holds GitLab's answers to its writes)
    again = team.reconcile(f"{TODAY}T15:00")
    assert again.writes == [] and not again.count("GET", "/notes")
    quiet = team.reconcile(f"{TODAY}T16:00")
    assert live.code == 0 and again.code == 0 and quiet.code == 0 and quiet.writes == []
    assert fake.issues[req]["labels"] == ["pto", "out::1", "pto::covered"]
    [coverage] = [n for n in fake.notes[req] if (read_marker(n["body"]) or {}).get("t")]
    assert coverage["author"] == fake.bot and "Acme Corp" in coverage["body"]
    assert any("pto-dashboard" in issue["labels"] for issue in fake.issues.values())
