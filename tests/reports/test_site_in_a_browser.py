"""The Pages report in a real browser (Debian's headless ``chromium``), on a phone and on a desktop.

Sizes are measured where they count, in the rendered page: a script added to a copy of the report
(the report itself carries no script) computes each timeline text's font size as drawn (its CSS
size times the SVG's scale on screen, ``getScreenCTM()``), whether a table or the timeline makes
the page wider than the window, and whether the names stay in view when the timeline is scrolled;
it writes the result into the page, which ``--dump-dom`` gives back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html import escape, unescape
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # each test starts a real browser

PHONE, DESKTOP = 420, 1280
#: The smallest text a phone user can still read without zooming.
MIN_TEXT_PX = 11

MEASURE = """
<script>
function measure(frame) {
  const w = frame.contentWindow, document = w.document, root = document.documentElement;
  const viewport = root.clientWidth;
  const scale = (m) => Math.min(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d));
  const px = (el) => parseFloat(w.getComputedStyle(el).fontSize);
  const svgTexts = [...document.querySelectorAll("#timeline svg text")]
    .filter((t) => t.textContent.trim())
    .map((t) => ({text: t.textContent.trim(), px: px(t) * scale(t.getScreenCTM())}));
  const htmlTexts = [...document.querySelectorAll("#timeline .names *")]
    .filter((el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
    .map((el) => ({text: el.textContent.trim(), px: px(el)}));
  const clipper = (el) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (a === document.body) break;
      if (w.getComputedStyle(a).overflowX !== "visible") return a;
    }
    return el;
  };
  const boxes = [...document.querySelectorAll("table, svg")].map((el) => {
    const box = clipper(el);
    const r = box.getBoundingClientRect();
    return {
      what: el.tagName.toLowerCase() + " in #" + el.closest("section").id,
      left: r.left, right: r.right,
      scrolls: box !== el && box.scrollWidth > box.clientWidth + 1,
    };
  });
  const box = clipper(document.querySelector("#timeline svg"));
  const names = document.querySelector("#timeline .names");
  const timelineScrolls = box.scrollWidth > box.clientWidth + 1;
  box.scrollLeft = box.scrollWidth;
  const namesShift = names && names.getBoundingClientRect().left - box.getBoundingClientRect().left;
  const misplaced = [...document.querySelectorAll("#timeline svg rect[data-iid]")]
    .filter((bar) => {
      const who = bar.closest("[data-engineer]").dataset.engineer;
      const band = names && names.querySelector(`[data-engineer="${w.CSS.escape(who)}"]`);
      if (!band) return true;
      const b = bar.getBoundingClientRect(), n = band.getBoundingClientRect();
      const middle = (b.top + b.bottom) / 2;
      return !(n.top <= middle && middle <= n.bottom);
    })
    .map((bar) => bar.dataset.iid);
  const result = {
    viewport, pageWidth: root.scrollWidth, svgTexts, htmlTexts, boxes,
    timelineScrolls, namesShift, scrolledBy: box.scrollLeft, misplaced,
  };
  const out = window.document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify(result);
  window.document.body.appendChild(out);
}
</script>
"""


def chromium() -> str | None:
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")


def browser_or_skip() -> str:
    browser = chromium()
    if browser is None and os.geteuid() != 0:  # the README's command installs it only as root
        pytest.skip(
            "chromium is not installed and this user cannot install it (not root): the report "
            "is not checked in a browser here; as root, .ci/run installs Debian's chromium"
        )
    if browser is None:
        pytest.fail("chromium is not installed: .ci/run installs it (apt-get install chromium)")
    return browser


def open_in_chromium(page: Path, profile: Path, *extra: str) -> str:
    """The DOM of ``page`` once loaded, as headless chromium has it."""
    return subprocess.run(
        [
            browser_or_skip(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            *extra,
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def measure(report: Path, width: int, tmp_path: Path) -> dict[str, Any]:
    """The report measured in a frame ``width`` pixels wide: a browser window is at least 500
    pixels wide, a frame of a page is as wide as it is told, as a phone's screen."""
    html = (report / "index.html").read_text("utf-8")
    assert "<script" not in html  # the report itself runs nothing
    page = tmp_path / f"measured-{width}.html"
    frame = (
        f'<iframe srcdoc="{escape(html)}" style="width:{width}px;height:900px;border:0" '
        'onload="measure(this)"></iframe>'
    )
    page.write_text(f"<!DOCTYPE html><html><body>{MEASURE}{frame}</body></html>", "utf-8")
    dom = open_in_chromium(page, tmp_path / "profile", f"--window-size={width + 40},960")
    found = re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)
    assert found, "the measuring script did not run"
    result: dict[str, Any] = json.loads(unescape(found.group(1)))
    assert result["viewport"] == width
    return result


def test_a_headless_browser_draws_the_bars(
    demo_report: Path, demo_bars: list[int], tmp_path: Path
) -> None:
    dom = open_in_chromium(demo_report / "index.html", tmp_path / "profile")
    assert "<svg" in dom
    bars = re.findall(r"<rect\b[^>]*\bdata-iid=\"(\d+)\"", dom)
    assert sorted(map(int, bars)) == demo_bars


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_every_timeline_text_is_readable_as_rendered(
    demo_report: Path, tmp_path: Path, width: int
) -> None:
    m = measure(demo_report, width, tmp_path)

    texts = m["svgTexts"] + m["htmlTexts"]
    assert len(texts) > 50  # names, week labels, day numbers, bar labels, counts
    assert {"Out per day", "Holidays", "harishsr"} <= {t["text"] for t in texts}
    small = sorted({f"{t['text']!r}: {t['px']:.1f} px" for t in texts if t["px"] < MIN_TEXT_PX})
    assert small == []


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_no_table_or_figure_makes_the_page_wider_than_the_window(
    demo_report: Path, tmp_path: Path, width: int
) -> None:
    m = measure(demo_report, width, tmp_path)

    assert m["pageWidth"] <= width
    outside = [b["what"] for b in m["boxes"] if b["left"] < 0 or b["right"] > width]
    assert outside == []
    assert {b["what"] for b in m["boxes"]} >= {"svg in #timeline", "table in #requests"}


def test_on_a_phone_the_timeline_scrolls_in_its_box_and_the_names_stay(
    demo_report: Path, tmp_path: Path
) -> None:
    m = measure(demo_report, PHONE, tmp_path)

    assert m["timelineScrolls"] and m["scrolledBy"] > 300
    # scrolled to the end, the names are still at the box's left edge
    assert m["namesShift"] is not None and abs(m["namesShift"]) <= 1
    assert m["misplaced"] == []  # each bar on its engineer's line
    scrolling = {b["what"] for b in m["boxes"] if b["scrolls"]}
    assert "table in #requests" in scrolling  # the widest table scrolls in its own box


def test_on_a_desktop_the_whole_timeline_and_every_table_fit(
    demo_report: Path, tmp_path: Path
) -> None:
    m = measure(demo_report, DESKTOP, tmp_path)

    assert not m["timelineScrolls"]
    assert [b["what"] for b in m["boxes"] if b["scrolls"]] == []
    assert m["misplaced"] == []
