"""Carrying out a plan through the offline tracker: a second run converges to nothing, a dry run
writes nothing, and one issue's failure skips only that issue's remaining writes."""

from __future__ import annotations

from datetime import datetime

from project import Project, at, kinds
from pto_bot.app.apply import apply
from pto_bot.errors import TrackerError
from pto_bot.plan.actions import Notify, PostNote, target


def demo_like() -> Project:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-02")
    p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-03")
    return p


def test_apply_twice_writes_once() -> None:
    p = demo_like()
    first, result = p.run("2026-11-20")
    gitlab_writes = [a for a in first.actions if not isinstance(a, Notify)]
    assert result.writes == len(gitlab_writes) > 0
    notes = sum(len(n) for n in p.data["notes"].values())
    second, again = p.run("2026-11-20T15:00")
    assert second.actions == () and again.writes == 0
    assert sum(len(n) for n in p.data["notes"].values()) == notes


def test_a_dry_run_writes_nothing() -> None:
    p = demo_like()
    before = repr(p.data)
    plan = p.plan("2026-11-20")
    result = apply(p.tracker(at("2026-11-20")), plan.actions, dry_run=True)
    assert {d.status for d in result.results} == {"planned"}
    assert repr(p.data) == before


class Failing:
    """The offline tracker, but posting a note on one issue fails."""

    def __init__(self, p: Project, now: datetime, broken: int) -> None:
        self.inner = p.tracker(now)
        self.broken = broken

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def post_note(self, iid: int, body: str, *, internal: bool = False) -> int:
        if iid == self.broken:
            raise TrackerError(f"post note on issue #{iid} failed: 502", iid)
        return self.inner.post_note(iid, body, internal=internal)


def test_one_issues_failure_skips_only_its_remaining_writes() -> None:
    p = demo_like()
    plan = p.plan("2026-11-20")
    broken = next(a.iid for a in plan.actions if isinstance(a, PostNote))
    result = apply(Failing(p, at("2026-11-20"), broken), plan.actions)  # type: ignore[arg-type]
    assert [iid for iid, _ in result.failures] == [broken]
    mine = [d.status for d in result.results if target(d.action) == broken]
    first_note = next(
        i
        for i, d in enumerate(result.results)
        if target(d.action) == broken and isinstance(d.action, PostNote)
    )
    before = [d.status for d in result.results[:first_note] if target(d.action) == broken]
    assert mine == [*before, "failed", *["skipped"] * (len(mine) - len(before) - 1)]
    others = [d for d in result.results if target(d.action) not in (broken, None)]
    assert others and {d.status for d in others} == {"done"}
    assert kinds([d.action for d in others]).count("post") >= 2
