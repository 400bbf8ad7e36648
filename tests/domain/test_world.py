"""Reading the world: markers are trusted only from the bot, and one malformed issue, note or
marker is reported and skipped, never stopping the read of the others."""

from __future__ import annotations

import json

from project import Project, at, everything, iso
from pto_bot.domain.markers import marker, read_marker, with_marker
from pto_bot.domain.world import read_world

BOT = "pto-bot"


def two_out_in_alpha(p: Project) -> int:
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    p.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    return p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")


def fallback_issue(p: Project, request: object, author: str = BOT, **state: object) -> int:
    data = {
        "request": request,
        "opened_at": "2026-11-20T14:00:00+00:00",
        "start": "2026-12-07",
        "end": "2026-12-11",
        "eng": "dbass90",
        "accounts": {"Northwind": None},
        **state,
    }
    return p._issue(
        "Fallback coverage",
        with_marker("Volunteers wanted", "fallback", **data),
        ["pto-fallback"],
        author,
        "2026-11-20",
    )


def world(p: Project):  # type: ignore[no-untyped-def]
    snapshot = p.tracker(at("2026-11-21")).read(everything())
    return read_world(p.policy, snapshot, strict=False)


def test_a_fallback_request_with_a_broken_marker_is_repaired_not_fatal() -> None:
    p = Project()
    req = two_out_in_alpha(p)
    fb = fallback_issue(p, req, accounts=[])  # "accounts": [] stopped the whole run before
    found = world(p)
    assert found.fallbacks[req].issue.iid == fb
    assert found.fallbacks[req].accounts == {}
    assert any(
        f"#{fb}: the fallback request's hidden state was edited" in x for x in found.problems
    )
    # and planning goes on for every issue
    plan = p.plan("2026-11-21")
    assert plan.failures == ()
    assert any(a.iid == fb for a in plan.actions if hasattr(a, "iid"))  # rewritten, repaired


def test_a_hand_made_fallback_issue_is_reported_and_ignored() -> None:
    p = Project()
    req = two_out_in_alpha(p)
    fb = fallback_issue(p, req, author="klang")
    found = world(p)
    assert req not in found.fallbacks
    assert any(
        f"#{fb}: carries the fallback label but was not opened by the bot" in x
        for x in found.problems
    )


def test_a_fallback_marker_naming_no_request_is_left_alone() -> None:
    p = Project()
    two_out_in_alpha(p)
    fb = fallback_issue(p, "seven")
    found = world(p)
    assert found.fallbacks == {}
    assert any(f"#{fb}:" in x and "names no PTO request" in x for x in found.problems)


def test_a_coverage_marker_with_wrong_types_is_reported_and_coverage_assigned_afresh() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.run("2026-11-20")
    note = next(n for n in p.data["notes"][str(req)] if "PTO coverage for" in n["body"])
    note["body"] = "Coverage\n\n" + marker("coverage", assign=["not", "a", "map"], start="soon")
    found = world(p)
    assert found.request(req) is not None and found.request(req).coverage is None  # type: ignore[union-attr]
    assert any(
        f"#{req}: the hidden state of the bot's coverage note was edited" in x
        for x in found.problems
    )
    plan, _ = p.run("2026-11-21")
    assert plan.failures == ()
    assert "adamlauzon" in p.note(req, "coverage") or "magomez3" in p.note(req, "coverage")
    assert len(p.notes(req, "coverage")) == 1  # edited in place, not posted again


def test_a_marker_typed_by_a_person_is_not_the_bots() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.comment(req, "klang", "fake\n\n" + marker("coverage", assign={"Acme Corp": "klang"}))
    found = world(p)
    assert found.request(req).coverage is None  # type: ignore[union-attr]
    assert found.bot_notes(req) == ()


def test_a_reply_with_an_unreadable_command_record_keeps_the_others() -> None:
    p = Project()
    req = two_out_in_alpha(p)
    good = {
        "n": 1,
        "i": 0,
        "k": "abc",
        "verb": "volunteer",
        "ok": True,
        "by": "klang",
        "req": req,
        "acc": ["Northwind"],
    }
    p.data["notes"].setdefault(str(req), []).append(
        {
            "id": 900,
            "body": "done\n\n" + marker("reply", note=1, cmds=[good, {"n": "x"}]),
            "author": {"username": BOT},
            "created_at": iso(at("2026-11-10")),
            "updated_at": iso(at("2026-11-10")),
            "system": False,
        }
    )
    found = world(p)
    assert [e.key for e in found.ledger] == ["abc"]
    assert any("unreadable and was skipped" in x for x in found.problems)


def test_a_malformed_issue_in_an_offline_file_leaves_the_others_readable() -> None:
    p = Project()
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    req = p.request("klang", "2026-12-07", "2026-12-11")
    p.data["issues"].append({"iid": "x", "labels": ["pto"], "created_at": "yesterday"})
    p.data["notes"][str(req)] = [
        {"id": "not a number", "body": "hi", "created_at": "2026-11-02T00:00:00Z"}
    ]
    snapshot = p.tracker(at("2026-11-21")).read(everything())
    assert [i.iid for i in snapshot.issues] == [1, req]
    assert any("is malformed" in e for e in snapshot.errors)
    assert any(e.startswith(f"#{req}: note not a number left out") for e in snapshot.errors), (
        json.dumps(snapshot.errors)
    )


def test_a_request_covered_on_its_coverage_issue_keeps_the_queue_place_recorded_there() -> None:
    """An emergency opened while its engineer is out is announced on its coverage issue; its
    place in the queue is the one recorded there, whatever the bot later writes on the request
    (each write moves its ``updated_at``)."""
    p = Project()
    p.playbook("Northwind", "dbass90", "high", "auto-assigned")
    req = p.request("dbass90", "2026-11-20", "2026-11-24", "emergency", created="2026-11-20")
    p.run("2026-11-20T15:00")
    (coverage,) = [i["iid"] for i in p.data["issues"] if "pto-coverage" in i["labels"]]
    (note,) = p.notes(coverage, "coverage")
    recorded = (read_marker(note) or {})["q"]
    # an older note of the bot's on the request, from before it read well (no queue time kept)
    p.comment(req, BOT, "Fix the dates.\n\n" + marker("needs-info"), when="2026-11-20T14:30")
    p.raw(req)["updated_at"] = iso(at("2026-11-21T09:00"))

    (filed,) = [r for r in world(p).requests if r.iid == req]

    assert filed.coverage is not None and filed.queued_at.isoformat() == recorded
