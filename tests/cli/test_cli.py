"""The command line end to end on the offline tracker: the demo, reconcile, validate, schema."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from project import ROOT
from pto_bot.cli import main
from pto_bot.domain.policy_file import policy_schema


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_demo_tells_the_story_and_a_second_run_does_nothing(tmp_path: Path) -> None:
    code, text = run("demo", "--dir", str(tmp_path))
    assert code == 0
    assert "harishsr" in text and "needs coverage" in text  # capacity exceeded: fallback
    # the fallback request opened on Friday: its 48 h are working time, so Tuesday 09:00
    assert "#39   fallback for #31 harishsr: volunteers until Tue 2026-11-24 09:00 EST" in text
    assert "needs-approval, 3 out" in text  # three out in the same days
    assert "emergency covered" in text
    assert "answer volunteer" in text and "answer approve" in text
    assert "needs info: Start: '12/14/2026' is not an ISO date" in text
    assert "Second run on the same file: 0 writes (nothing changed, so nothing to do)." in text
    assert {p.name for p in (tmp_path / "public").iterdir()} == {
        "index.html",
        "pto.ics",
        "report.json",
    }
    transcript = (tmp_path / "transcript.md").read_text()
    # the manager is on PTO: the approval goes to the deputy
    assert "@klang your decision is needed in place of `melroberts`" in transcript
    project = json.loads((tmp_path / "project.json").read_text())
    assert any("pto-fallback" in i["labels"] for i in project["issues"])


def test_reconcile_offline_twice_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "export.json"
    shutil.copyfile(ROOT / "pto_bot/demo/project.json", project)
    before = project.read_text()
    policy = str(ROOT / "policy.yaml")
    now = "2026-11-23T14:00Z"
    args = ("reconcile", "--policy", policy, "--offline", str(project), "--now", now)
    code, text = run(*args, "--dry-run")
    assert code == 0 and "(would write) post note [coverage]" in text
    assert "        | ### PTO coverage for @klang" in text  # the exact text it would post
    assert project.read_text() == before
    assert run(*args)[0] == 0
    code, text = run(*args)
    assert "nothing to do: every issue is up to date" in text


def test_validate_passes_the_shipped_policies_and_templates() -> None:
    code, text = run(
        "validate",
        "--root",
        str(ROOT),
        str(ROOT / "policy.yaml"),
        str(ROOT / "examples/policies/classic.yaml"),
        str(ROOT / "examples/policies/tam-buddy.yaml"),
    )
    assert code == 0, text
    assert text.count(": OK") == 4


def test_validate_names_the_problem_in_a_broken_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "policy.yaml"
    original = (ROOT / "policy.yaml").read_text()
    text = original.replace("members: [klang, adamlauzon", "members: [adamlauzon, 'klang '", 1)
    assert text != original
    broken.write_text(text)
    code, _ = run("validate", "--skip-templates", str(broken))
    assert code == 2
    assert "policy.yaml: pods.beta.members[1]: 'klang ' is not a GitLab username" in (
        capsys.readouterr().err
    )


def test_bad_now_and_missing_offline_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = str(ROOT / "policy.yaml")
    assert run("reconcile", "--policy", policy, "--offline", str(tmp_path / "x.json"))[0] == 2
    assert "cannot read the offline project" in capsys.readouterr().err
    demo = tmp_path / "p.json"
    shutil.copyfile(ROOT / "pto_bot/demo/project.json", demo)
    assert run("reconcile", "--policy", policy, "--offline", str(demo), "--now", "soon")[0] == 2
    assert "--now: 'soon' is not an ISO-8601 time" in capsys.readouterr().err


def test_reconcile_without_gitlab_settings_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("GITLAB_URL", "CI_SERVER_URL", "GITLAB_TOKEN", "PTO_BOT_PROJECT", "CI_PROJECT_ID"):
        monkeypatch.delenv(var, raising=False)
    assert run("reconcile", "--policy", str(ROOT / "policy.yaml"))[0] == 2
    assert "GITLAB_TOKEN" in capsys.readouterr().err


def test_a_malformed_issue_in_an_export_is_reported_and_the_rest_processed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((ROOT / "pto_bot/demo/project.json").read_text())
    data["issues"].append({"iid": 99, "labels": ["pto"], "title": "broken"})  # no created_at
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data))
    code, text = run(
        "reconcile",
        "--policy",
        str(ROOT / "policy.yaml"),
        "--offline",
        str(export),
        "--now",
        "2026-11-23T14:00Z",
    )
    assert code == 1
    assert "issue 99" in text and "malformed" in text
    assert "post note [coverage]" in text


def test_schema_command_prints_the_committed_schema() -> None:
    code, text = run("schema")
    assert code == 0 and text == policy_schema()
    assert text == (ROOT / "policy.schema.json").read_text()


def test_help_text_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for command in ("reconcile", "handle-event", "demo", "validate", "schema"):
        assert command in text
    assert "2 bad configuration or usage" in " ".join(text.split())


def note_hook(author: str, body: str, iid: int = 32, project_id: int = 42) -> dict[str, object]:
    """A Note Hook body as GitLab documents it (trimmed), plus the trigger's id and ref."""
    return {
        "object_kind": "note",
        "event_type": "note",
        "user": {"id": 1, "name": author, "username": author},
        "project_id": project_id,
        "project": {"id": project_id, "path_with_namespace": "support/assigned-support-engineers"},
        "object_attributes": {
            "id": 6001,
            "note": body,
            "noteable_type": "Issue",
            "author_id": 1,
            "created_at": "2026-11-23 13:50:00 UTC",
            "updated_at": "2026-11-23 13:50:00 UTC",
            "system": False,
            "action": "create",
            "url": "https://gitlab.example.com/x#note_6001",
        },
        "issue": {
            "id": 90032,
            "iid": iid,
            "title": "PTO",
            "description": "",
            "state": "opened",
            "labels": [{"title": "pto"}],
        },
        "id": 77,
        "ref": "main",
    }


@pytest.mark.parametrize(
    ("author", "project", "expected"),
    [
        ("pto-bot", 42, "ignored:"),
        ("klang", 99, "ignored:"),
    ],
)
def test_events_from_the_bot_or_another_project_are_ignored_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, author: str, project: int, expected: str
) -> None:
    monkeypatch.setenv("PTO_BOT_PROJECT", "42")
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(note_hook(author, "/pto status", project_id=project)))
    missing = tmp_path / "absent.json"  # would fail if the event job tried to read the project
    code, text = run(
        "handle-event",
        "--policy",
        str(ROOT / "policy.yaml"),
        "--payload",
        str(payload),
        "--offline",
        str(missing),
    )
    assert code == 0 and text.startswith(expected)


def test_an_event_reconciles_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTO_BOT_PROJECT", "42")
    project = tmp_path / "export.json"
    shutil.copyfile(ROOT / "pto_bot/demo/project.json", project)
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(note_hook("malmendarez", "/pto volunteer Northwind Traders")))
    monkeypatch.setenv("TRIGGER_PAYLOAD", str(payload))
    code, text = run(
        "handle-event",
        "--policy",
        str(ROOT / "policy.yaml"),
        "--offline",
        str(project),
        "--now",
        "2026-11-23T14:00Z",
    )
    assert code == 0
    assert text.startswith("note event on #32 by malmendarez")
    assert "answer volunteer" in text
    # only the request, the requests overlapping it and their playbooks are written
    writes = text.split("Writes", 1)[1]
    assert "#31" in writes and "#33" in writes  # overlap 2026-12-28 – 2027-01-01
    assert "#36" not in writes and "#35" not in writes and "#38" not in writes
    code, text = run(
        "reconcile",
        "--policy",
        str(ROOT / "policy.yaml"),
        "--offline",
        str(project),
        "--now",
        "2026-11-23T14:00Z",
    )
    assert "#36" in text.split("Writes", 1)[1]  # the scheduled run does the rest
    assert "answer volunteer" not in text  # the command was answered once


def test_an_event_on_an_unrelated_issue_is_ignored_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTO_BOT_PROJECT", "42")
    hook = note_hook("klang", "/pto status")
    hook["issue"] = {"id": 1, "iid": 500, "title": "Printer broken", "labels": [{"title": "bug"}]}
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(hook))
    code, text = run(
        "handle-event",
        "--policy",
        str(ROOT / "policy.yaml"),
        "--payload",
        str(payload),
        "--offline",
        str(tmp_path / "absent.json"),
    )
    assert code == 0
    assert (
        text
        == "ignored: #500 carries none of the labels playbook, pto, pto-coverage, pto-fallback\n"
    )


def test_a_comment_without_a_command_is_ignored_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTO_BOT_PROJECT", "42")
    payload = tmp_path / "payload.json"
    payload.write_text(json.dumps(note_hook("klang", "Have a great trip!")))
    code, text = run(
        "handle-event",
        "--policy",
        str(ROOT / "policy.yaml"),
        "--payload",
        str(payload),
        "--offline",
        str(tmp_path / "absent.json"),
    )
    assert code == 0
    assert text == "ignored: the comment on #32 has no /pto command\n"


def test_a_broken_payload_is_ignored_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = tmp_path / "payload.json"
    payload.write_text("{not json")
    code, text = run(
        "handle-event", "--policy", str(ROOT / "policy.yaml"), "--payload", str(payload)
    )
    assert code == 0 and "not valid JSON" in text


def nested(depth: int) -> str:
    """``depth`` nested lists as JSON (also YAML's flow form): deeper than the parsers recurse."""
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [990, 100_000])
def test_a_payload_nested_too_deeply_is_ignored_and_the_job_succeeds(
    tmp_path: Path, depth: int
) -> None:
    payload = tmp_path / "payload.json"
    hook = json.dumps(note_hook("klang", "/pto status"))
    payload.write_text(hook[:-1] + f', "extra": {nested(depth)}}}')
    code, text = run(
        "handle-event", "--policy", str(ROOT / "policy.yaml"), "--payload", str(payload)
    )
    assert (code, text.strip()) == (0, "ignored: payload nested too deeply to read")


@pytest.mark.parametrize("depth", [500, pytest.param(100_000, marks=pytest.mark.slow)])
def test_a_policy_nested_too_deeply_is_refused_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(f"team: {nested(depth)}\n")
    assert run("validate", "--skip-templates", str(policy))[0] == 2
    err = capsys.readouterr().err
    assert f"error: {policy}: nested too deeply to read" in err
    assert "bug" not in err


def test_an_offline_file_nested_too_deeply_is_refused_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.json"
    export.write_text(f'{{"issues": [], "x": {nested(100_000)}}}')
    policy = str(ROOT / "policy.yaml")
    assert run("reconcile", "--policy", policy, "--offline", str(export))[0] == 2
    err = capsys.readouterr().err
    assert f"error: {export}: nested too deeply to read" in err
    assert "bug" not in err
