"""Where the commands write: a folder option naming a file is refused before anything is written,
and output piped into a reader that stops early (``| head``) changes nothing the command does."""

from __future__ import annotations

import io
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from project import ROOT
from pto_bot.cli import main

DEMO = ROOT / "pto_bot/demo"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def report(out: Path) -> tuple[str, ...]:
    return (
        "report",
        "--out",
        str(out),
        "--policy",
        str(DEMO / "policy.yaml"),
        "--offline",
        str(DEMO / "project.json"),
        "--now",
        "2026-11-23T14:00Z",
    )


def init(folder: Path) -> tuple[str, ...]:
    return ("init", "--dir", str(folder), "--manager", "lead", "--pod", "a=ann,bob")


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (report, "--out"),
        (lambda folder: ("demo", "--dir", str(folder)), "--dir"),
        (init, "--dir"),
    ],
)
def test_a_folder_option_naming_a_file_is_refused_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: object, option: str
) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("mine\n")
    assert callable(argv)
    code, text = run(*argv(afile))
    assert code == 2 and text == ""
    assert capsys.readouterr().err == (
        f"error: {option} {afile} is a file, not a folder; nothing was written\n"
    )
    assert afile.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    # below a file: the same, naming the file in the way
    code, _ = run(*argv(afile / "sub"))
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: {option} {afile / 'sub'}: {afile} is a file, not a folder; nothing was written\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_file_where_the_demo_writes_a_folder_stops_it_before_any_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "public").write_text("not a folder\n")
    assert run("demo", "--dir", str(tmp_path)) == (2, "")
    assert capsys.readouterr().err == (
        f"error: --dir {tmp_path}: {tmp_path / 'public'} is a file, not a folder; "
        "nothing was written\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["public"]


def test_a_folder_where_the_report_writes_a_file_stops_it_before_any_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pto.ics").mkdir()
    assert run(*report(tmp_path)) == (2, "")
    assert capsys.readouterr().err == (
        f"error: --out {tmp_path}: {tmp_path / 'pto.ics'} is a folder, not a file; "
        "nothing was written\n"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["pto.ics"]


PTO_BOT = Path(sys.executable).with_name("pto-bot")  # the one pip installed beside this Python
RECONCILE = "reconcile --policy {policy} --offline {folder}/project.json --now 2026-11-23T14:00Z"


@pytest.mark.slow
@pytest.mark.parametrize("reader", ["head -1", "true"])  # true: gone before the first line
@pytest.mark.parametrize("command", ["demo --dir {folder}", RECONCILE])
def test_output_piped_into_a_reader_that_stops_early_changes_nothing(
    tmp_path: Path, reader: str, command: str
) -> None:
    piped, direct = tmp_path / "piped", tmp_path / "direct"
    for folder in (piped, direct):
        folder.mkdir()
        shutil.copyfile(DEMO / "project.json", folder / "project.json")
    policy = DEMO / "policy.yaml"

    def line(folder: Path) -> str:
        return command.format(policy=shlex.quote(str(policy)), folder=shlex.quote(str(folder)))

    assert run(*shlex.split(line(direct)))[0] == 0
    pipe = f"{shlex.quote(str(PTO_BOT))} {line(piped)} | {reader}"
    done = subprocess.run(
        ["bash", "-c", f'{pipe}; exit "${{PIPESTATUS[0]}}"'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")  # no traceback, no "Exception ignored"
    assert done.stdout.count("\n") == (1 if reader == "head -1" else 0)
    written = sorted(p.relative_to(direct) for p in direct.rglob("*"))
    assert sorted(p.relative_to(piped) for p in piped.rglob("*")) == written
    for name in written:
        if (direct / name).is_file():
            assert (piped / name).read_bytes() == (direct / name).read_bytes(), name
