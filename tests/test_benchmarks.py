"""Each benchmark still starts: its imports are the package's as it is now, and ``--help`` says
what it measures (a benchmark nobody can run measures nothing). What they measure is run by hand
(README: the tables each one prints)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from project import ROOT

BENCHMARKS = sorted(path.name for path in (ROOT / "benchmarks").glob("*.py"))


def test_every_benchmark_is_checked() -> None:
    assert len(BENCHMARKS) >= 8, BENCHMARKS


@pytest.mark.slow
@pytest.mark.parametrize("name", BENCHMARKS)
def test_the_benchmark_starts_and_says_what_it_measures(name: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / name), "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: "), done.stdout[:200]
