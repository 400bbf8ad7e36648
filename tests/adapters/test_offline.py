"""The offline project file (``--offline FILE``, the demo) when it is not quite GitLab's shape: a
file that is not a project export is refused naming the key (exit 2); one broken issue or note is
reported and left out, and every other issue is processed and written (exit 1)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from project import ROOT, Project
from pto_bot.cli import main

DEMO = ROOT / "pto_bot/demo/project.json"
Change = Callable[[dict[str, Any]], None]


def issue(data: dict[str, Any], iid: int) -> dict[str, Any]:
    return next(i for i in data["issues"] if i["iid"] == iid)


def reconcile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Change
) -> tuple[int, str, str, dict[str, Any]]:
    """The demo project changed by ``change``, reconciled: exit code, output, errors, file."""
    data = json.loads(DEMO.read_text())
    change(data)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(data))
    out = io.StringIO()
    policy = str(ROOT / "policy.yaml")
    argv = ["reconcile", "--policy", policy, "--offline", str(export), "--now", "2026-11-23T14Z"]
    code = main(argv, out=out)
    return code, out.getvalue(), capsys.readouterr().err, json.loads(export.read_text())


def processed_the_others(text: str) -> bool:
    """klang's request (#30), harishsr's (#31, with its fallback request) and andsmith3's (#36)
    got their notes: the run went on past the broken part."""
    return (
        all(f"#{iid:<4} post note [coverage]" in text for iid in (30, 31, 36))
        and "open issue 'Fallback coverage: harishsr" in text
    )


def set_key(key: str, value: Any) -> Change:
    return lambda data: data.__setitem__(key, value)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (set_key("project", None), "project"),
        (set_key("links", None), "links"),
        (set_key("notes", None), "notes"),
        (set_key("notes", []), "notes"),  # an empty object as some serialisers write it
        (lambda data: data["notes"].__setitem__("30", None), "notes.30"),
    ],
)
def test_a_null_or_empty_container_reads_as_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Change, key: str
) -> None:
    code, text, err, after = reconcile(tmp_path, capsys, change)
    assert (code, err) == (0, ""), key
    assert processed_the_others(text)
    assert {"source": 31, "target": 41} in after["links"]  # the fallback request is linked
    assert after["notes"]["30"]  # written where nothing was


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (set_key("issues", {}), "'issues' must be a list of issues, got an object"),
        (set_key("project", "ase"), "'project' must be an object (id, path_with_namespace"),
        (set_key("links", {}), "'links' must be a list of"),
        (
            set_key("notes", [{"id": 1, "body": "hi"}]),
            "'notes' must be an object of each issue's notes by iid "
            '({"12": [<note>, ...]}), got a list',
        ),
        (set_key("notes", "none"), "'notes' must be an object of each issue's notes by iid"),
    ],
)
def test_a_file_that_is_not_a_project_export_is_refused_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Change, message: str
) -> None:
    code, text, err, _ = reconcile(tmp_path, capsys, change)
    assert code == 2
    assert err.startswith(f"error: {tmp_path / 'export.json'}: {message}")
    assert text == "" and len(err.splitlines()) == 1


def bad_note_id(data: dict[str, Any]) -> None:
    data["notes"]["30"][0]["id"] = "5004a"  # magomez3's `/pto status`


def bad_iid(value: Any) -> Change:
    return lambda data: issue(data, 19).__setitem__("iid", value)  # a.conrad's Duff Brewing


def duplicate_iid(data: dict[str, Any]) -> None:
    issue(data, 19)["iid"] = 20  # two of a.conrad's playbooks numbered 20


@pytest.mark.parametrize(
    ("change", "reported"),
    [
        (bad_note_id, "#30: note 5004a left out: id: Input should be a valid integer"),
        (
            bad_iid("one"),
            "issues[18] is malformed: iid: expected a positive whole number, got 'one'",
        ),
        (bad_iid(None), "issues[18] is malformed: iid: expected a positive whole number, got None"),
        (bad_iid(-1), "issues[18] is malformed: iid: expected a positive whole number, got -1"),
        (duplicate_iid, "issue 20 (issues[18]) is malformed: iid 20 is also the iid of issues[19]"),
        (duplicate_iid, "issue 20 (issues[19]) is malformed: iid 20 is also the iid of issues[18]"),
        (
            lambda data: data["issues"].insert(3, "Acme"),
            "issues[3] is malformed: not an issue object (got a string)",
        ),
        (
            lambda data: data["issues"].insert(3, None),
            "issues[3] is malformed: not an issue object (got null)",
        ),
        (
            lambda data: issue(data, 33).__setitem__("labels", "pto"),
            "issue 33 (issues[27]) is malformed: labels: expected a list of label names",
        ),
        (
            lambda data: data["notes"].__setitem__("33", {"id": 1}),
            "issue 33 (issues[27]) is malformed: notes.33: expected a list of notes, got an object",
        ),
        (
            lambda data: issue(data, 33).__setitem__("created_at", "last Tuesday"),
            "issue 33 (issues[27]) is malformed: created_at: Value error, Invalid isoformat",
        ),
    ],
)
def test_one_broken_issue_or_note_is_reported_and_the_others_processed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Change, reported: str
) -> None:
    code, text, err, _ = reconcile(tmp_path, capsys, change)
    assert code == 1, err
    assert "unexpected" not in err and "bug" not in err
    assert reported in text
    assert processed_the_others(text)


def test_an_issue_whose_bot_note_cannot_be_read_is_left_out_not_told_again() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    other = p.request("harishsr", "2026-12-14", "2026-12-18")
    p.run("2026-11-20")
    coverage = next(n for n in p.data["notes"][str(req)] if "coverage" in n["body"])
    coverage["created_at"] = "yesterday"  # hand-edited export
    p.edit(other, description=p.raw(other)["description"].replace("12-18", "12-17"))
    plan, result = p.run("2026-11-21")
    assert f"#{req}" not in {f"#{a.iid}" for a in plan.actions if hasattr(a, "iid")}
    assert len(p.notes(req, "coverage")) == 1  # not posted again
    assert any(
        problem.startswith(f"the offline project: issue {req} (issues[")
        and f"is malformed: the bot's note {coverage['id']} cannot be read (created_at:" in problem
        for problem in plan.world.problems
    )
    assert result.results  # the other request's edit was handled
