"""The static coverage report: the view, index.html (SVG timeline), pto.ics and report.json."""

from __future__ import annotations

import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from icalendar import Calendar

from project import ROOT, Project, at
from pto_bot.cli import main
from pto_bot.plan.planner import Plan
from pto_bot.reports.coverage_view import build_view, view_to_json
from pto_bot.reports.site import write_report
from pto_bot.reports.view import CoverageView

NOW = "2026-11-20"  # a Friday: the window runs Mon 2026-11-16 – Sun 2027-01-10
SCRIPT = "<script>alert(1)</script>"


# -- a small project with known requests ---------------------------------------------------------
def small_project() -> tuple[Project, dict[str, int]]:
    p = Project()
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.playbook(SCRIPT, "harishsr", "high", "global-support")
    p.playbook("Globex", "harishsr", "normal", "global-support", updated="2026-10-01")
    iids = {
        "klang": p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01"),
        "harishsr": p.request("harishsr", "2026-12-08", "2026-12-09", created="2026-11-02"),
        "a.conrad": p.request("a.conrad", "2026-11-25", "2026-11-27", created="2026-11-03"),
        "cancelled": p.request("malmendarez", "2026-12-14", "2026-12-15", created="2026-11-04"),
        "needs-info": p.raw_request("- **Start:** 12/14/2026\n", "michwalker", "2026-11-05"),
    }
    p.edit(iids["cancelled"], labels=["pto", "pto::cancelled"])
    return p, iids


@pytest.fixture
def plan() -> Plan:
    p, _ = small_project()
    return p.plan(NOW)


@pytest.fixture
def report(plan: Plan, tmp_path: Path) -> tuple[CoverageView, Path, dict[str, int]]:
    view = build_view(plan)
    sizes = write_report(view, plan.world.policy, tmp_path)
    return view, tmp_path, sizes


@dataclass
class Page(HTMLParser):
    """What the tests look at in index.html: tags, their attributes and the text."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # data-iid / data-day -> <title>
    _open: list[str] = field(default_factory=list)
    _in_title: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag in ("rect", "g"):
            self._open.append(found.get("data-iid") or found.get("data-day") or "")
        elif tag == "title" and self._open and self._open[-1]:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in ("rect", "g") and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title and self._open:
            key = self._open[-1]
            self.titles[key] = self.titles.get(key, "") + data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            a
            for t, a in self.tags
            if t == tag and all(re.search(v, a.get(k, "")) for k, v in wanted.items())
        ]


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


# -- the view ------------------------------------------------------------------------------------
def test_the_view_counts_people_out_per_working_day_with_the_threshold_band(plan: Plan) -> None:
    view = build_view(plan)
    assert (view.today, view.window_start, view.window_end) == (
        date(2026, 11, 20),
        date(2026, 11, 16),
        date(2027, 1, 10),
    )
    days = {d.day: d for d in view.days}
    assert date(2026, 11, 21) not in days  # a Saturday
    assert (days[date(2026, 12, 8)].count, days[date(2026, 12, 8)].band) == (2, "2")
    assert days[date(2026, 12, 8)].engineers == ("harishsr", "klang")
    assert days[date(2026, 12, 8)].level == "visibility"
    assert days[date(2026, 12, 7)].level == "pod"
    assert days[date(2026, 12, 14)].count == 0  # the cancelled request does not count
    assert [d.day for d in view.days if d.is_today] == [date(2026, 11, 20)]


def test_the_view_lists_requests_states_waiting_and_stale_playbooks(plan: Plan) -> None:
    view = build_view(plan)
    states = {r.engineer: r.state for r in view.requests}
    assert states == {
        "a.conrad": "covered",
        "klang": "covered",
        "harishsr": "covered",
        "malmendarez": "cancelled",
    }
    harishsr = next(r for r in view.requests if r.engineer == "harishsr")
    assert {c.account for c in harishsr.covers} == {"Acme Corp", SCRIPT}
    assert all(c.backup in ("dbass90", "andsmith3") for c in harishsr.covers)
    assert harishsr.global_support == ("Globex",)
    assert [(w.engineer, w.waiting_for) for w in view.waiting] == [("michwalker", "info")]
    assert [s.account for s in view.stale_playbooks] == ["Globex"]
    assert [p.name for p in view.pods] == ["alpha", "beta", "gamma"]
    assert view.next_rotation is None
    assert ("2026-11-26", "US") in {(h.day.isoformat(), h.country) for h in view.holidays}
    assert view.fallback_target == (2, 4)
    assert build_view(plan) == view  # deterministic: no clock


def test_open_fallbacks_carry_their_deadline_and_escalation() -> None:
    p = Project()
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-02")
    before = build_view(p.plan(NOW)).fallbacks
    assert [(f.iid, f.request, f.accounts_open) for f in before] == [(None, req, ("Acme Corp",))]
    # opened on Friday: 48 h of working time end on Tuesday, the weekend not counted
    assert before[0].deadline == at(NOW) + timedelta(hours=48 + 48)
    p.run(NOW)  # the bot opens the fallback request
    opened = build_view(p.plan("2026-11-21")).fallbacks[0]
    assert opened.iid is not None and opened.opened_at == at(NOW)
    assert not opened.escalated
    assert not build_view(p.plan("2026-11-23")).fallbacks[0].escalated
    assert build_view(p.plan("2026-11-24")).fallbacks[0].escalated


# -- index.html ----------------------------------------------------------------------------------
def test_the_timeline_has_one_bar_per_request(
    report: tuple[CoverageView, Path, dict[str, int]],
) -> None:
    view, out, _ = report
    page = parse(out / "index.html")
    bars = page.find("rect", data_iid=r"^\d+$")
    assert sorted(int(b["data-iid"]) for b in bars) == sorted(r.iid for r in view.requests)
    assert len(bars) == 4
    states = {int(b["data-iid"]): b["data-state"] for b in bars}
    assert sorted(states.values()) == ["cancelled", "covered", "covered", "covered"]
    klang = next(r for r in view.requests if r.engineer == "klang")
    assert "klang: Mon 2026-12-07 – Fri 2026-12-11" in page.titles[str(klang.iid)]


def test_the_count_row_and_the_holidays_are_drawn(
    report: tuple[CoverageView, Path, dict[str, int]],
) -> None:
    _, out, _ = report
    page = parse(out / "index.html")
    cell = page.find("rect", data_day="^2026-12-08$")
    assert len(cell) == 1
    assert cell[0]["data-count"] == "2" and "visibility" in cell[0]["class"]
    assert page.find("rect", data_day="^2026-12-14$")[0]["data-count"] == "0"
    assert not page.find("rect", data_day="^2026-11-21$")  # Saturday: no count cell
    assert page.find("g", data_day="^2026-11-26$", **{"class": "holiday"})
    assert "Thanksgiving" in page.titles["2026-11-26"]
    assert page.find("rect", **{"class": "holiday-cell"})


def test_user_text_is_escaped(report: tuple[CoverageView, Path, dict[str, int]]) -> None:
    _, out, _ = report
    html = (out / "index.html").read_text("utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = parse(out / "index.html")
    assert "script" not in {tag for tag, _ in page.tags}
    assert any(SCRIPT in text for text in page.text)


def test_the_page_is_self_contained(report: tuple[CoverageView, Path, dict[str, int]]) -> None:
    _, out, _ = report
    page = parse(out / "index.html")
    assert not page.find("link") and not page.find("img") and not page.find("script")
    external = [a for _, a in page.tags if a.get("src") or a.get("href", "").startswith("//")]
    assert external == []


def test_a_fallback_gap_is_hatched_in_the_timeline(tmp_path: Path) -> None:
    p = Project()
    p.playbook("Acme Corp", "harishsr", "high", "auto-assigned")
    p.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-01")
    req = p.request("harishsr", "2026-12-07", "2026-12-11", created="2026-11-02")
    the_plan = p.plan(NOW)
    write_report(build_view(the_plan), the_plan.world.policy, tmp_path)
    page = parse(tmp_path / "index.html")
    assert page.find("rect", data_iid=f"^{req}$")[0]["data-state"] == "needs-coverage"
    assert len(page.find("rect", **{"class": "^gap$"})) == 1


# -- pto.ics -------------------------------------------------------------------------------------
def test_the_calendar_has_one_all_day_event_per_request(
    report: tuple[CoverageView, Path, dict[str, int]],
) -> None:
    view, out, _ = report
    cal = Calendar.from_ical((out / "pto.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "AMER ASE PTO"
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == ["PTO: a.conrad", "PTO: harishsr", "PTO: klang"]  # not cancelled
    klang = events["PTO: klang"]
    iid = next(r.iid for r in view.requests if r.engineer == "klang")
    assert klang.decoded("DTSTART") == date(2026, 12, 7)
    assert klang.decoded("DTEND") == date(2026, 12, 12)  # exclusive
    assert klang["DTSTART"].params.get("VALUE") == "DATE"
    assert re.fullmatch(r"[0-9a-f-]{36}", str(klang["UID"]))  # opaque: test_calendar_feeds.py
    assert klang.decoded("DTSTAMP") == datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
    assert str(klang["URL"]).endswith(f"/-/issues/{iid}")
    harishsr = str(events["PTO: harishsr"]["DESCRIPTION"])
    assert "Status: covered." in harishsr and "Backups: " in harishsr
    assert "Global Support handles 1 account." in harishsr


def test_the_public_calendar_says_who_is_out_and_nothing_else(plan: Plan, tmp_path: Path) -> None:
    sizes = write_report(build_view(plan), plan.world.policy, tmp_path, public_only=True)

    assert list(sizes) == ["pto-public.ics"] and sorted(os.listdir(tmp_path)) == ["pto-public.ics"]
    text = (tmp_path / "pto-public.ics").read_text()
    cal = Calendar.from_ical(text)
    assert str(cal["X-WR-CALNAME"]) == "AMER ASE out of office"
    events = cal.walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "a.conrad out",
        "harishsr out",
        "klang out",
    ]
    assert all(set(e) & {"DESCRIPTION", "URL"} == set() for e in events)
    for secret in ("Acme Corp", "Globex", "andsmith3", "/-/issues/", "team/ase"):
        assert secret not in text  # no customer, no backup, no link to the private project


def test_report_public_calendar_writes_the_feed_beside_the_full_report(tmp_path: Path) -> None:
    argv = ["report", "--offline", str(ROOT / "pto_bot/demo/project.json"), "--now", "2026-11-23"]
    argv += ["--policy", str(ROOT / "policy.yaml"), "--out", str(tmp_path), "--public-calendar"]
    code, printed = run_report(argv)

    assert code == 0, printed
    names = ("index.html", "pto.ics", "report.json", "pto-public.ics")
    assert sorted(os.listdir(tmp_path)) == sorted(names)


# -- report.json ---------------------------------------------------------------------------------
def test_the_json_is_the_view(report: tuple[CoverageView, Path, dict[str, int]]) -> None:
    view, out, sizes = report
    text = (out / "report.json").read_text("utf-8")
    data = json.loads(text)
    assert data == json.loads(json.dumps(view_to_json(view)))
    assert text == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert data["today"] == "2026-11-20"
    assert {d["day"]: d["count"] for d in data["days"]}["2026-12-08"] == 2
    assert sizes == {n: (out / n).stat().st_size for n in ("index.html", "pto.ics", "report.json")}


def test_the_report_is_byte_identical_for_the_same_input(tmp_path: Path) -> None:
    outputs = []
    for name in ("a", "b"):
        p, _ = small_project()
        the_plan = p.plan(NOW)
        write_report(build_view(the_plan), the_plan.world.policy, tmp_path / name)
        outputs.append([(tmp_path / name / f).read_bytes() for f in ("index.html", "pto.ics")])
    assert outputs[0] == outputs[1]


# -- the command line, on the demo project -------------------------------------------------------
def run_report(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    return main(argv, out=out), out.getvalue()


def test_the_demo_report_writes_the_three_files(demo_report: Path, demo_bars: list[int]) -> None:
    page = parse(demo_report / "index.html")
    bars = sorted(int(b["data-iid"]) for b in page.find("rect", data_iid=r"^\d+$"))
    assert bars == demo_bars
    assert len(bars) == 7
    data = json.loads((demo_report / "report.json").read_text("utf-8"))
    assert data["out_today"] == ["adamlauzon"]
    assert [f["engineer"] for f in data["fallbacks"]] == ["harishsr"]
    cal = Calendar.from_ical((demo_report / "pto.ics").read_bytes())
    assert len(cal.walk("VEVENT")) == 7


def test_a_timeline_length_out_of_range_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = run_report(["report", "--weeks", "0", "--out", str(tmp_path)])
    assert code == 2
    assert "error: --weeks: 0 is out of range; give 1 to 52" in capsys.readouterr().err
    assert not (tmp_path / "index.html").exists()


def test_a_one_day_stretch_of_cover_reads_as_that_day_in_the_calendar_and_the_what_if() -> None:
    from project import everything, policy_file
    from pto_bot.reports.site import render_ics
    from pto_bot.reports.whatif import what_if
    from pto_bot.reports.whatif_text import render_what_if

    p = Project(policy=policy_file("tam-buddy.yaml"))
    p.playbook("Acme Rockets", "tam-avery", "normal", "auto-assigned")
    p.request("tam-blake", "2026-12-09", "2026-12-09", created="2026-11-02")  # the buddy, a day
    snapshot = p.tracker(at(NOW)).read(everything())
    w, with_it = what_if(p.policy, snapshot, at(NOW), "tam-avery", "2026-12-07", "2026-12-11")

    calendar = Calendar.from_ical(render_ics(build_view(with_it), accounts=True))
    (avery,) = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "PTO: tam-avery"]
    described = str(avery["DESCRIPTION"])
    assert "- Acme Rockets: tam-blake (pod), 2026-12-07 – 2026-12-08, 2026-12-10 – 2026-12-11" in (
        described
    )
    assert "- Acme Rockets: nobody yet (fallback request), 2026-12-09" in described
    text = render_what_if(w)
    assert "@tam-blake (pod, 2026-12-07 – 2026-12-08, 2026-12-10 – 2026-12-11)" in text
    assert "no backup in the pod, 2026-12-09 → fallback request" in text
    assert "2026-12-09 – 2026-12-09" not in described + text
