"""The static coverage report: ``index.html`` (an SVG timeline), ``pto.ics`` and ``report.json``;
on request ``pto-public.ics``, a feed of who is out and when, and nothing else (no customer, no
backup, no link), for a place a calendar app can subscribe to without logging in.

Everything is rendered from a :class:`~pto_bot.reports.view.CoverageView`. The page is
self-contained (inline CSS, inline SVG, no script, no external asset), so it can be published as
GitLab Pages or opened from disk. It is read on phones too: nothing is scaled down to fit (the
timeline's text would shrink to a few pixels); the timeline and wide tables scroll sideways in
their own boxes, the timeline's names staying in view. Geometry is computed in
:mod:`.timeline`; the Jinja2 templates in ``reports/pages/`` hold the wording and markup,
with autoescape on: every value people typed (account names, problems) is HTML-escaped.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

from icalendar import Calendar, Event
from jinja2 import Environment, PackageLoader, StrictUndefined

from ..domain.policy import Policy
from ..render.compiled import Compiled
from ..render.engine import days_text
from .coverage_view import view_to_json
from .timeline import timeline
from .view import CoverageView, RequestRow

# Requests the calendar carries: the ones that will (or may) happen.
ICS_STATUSES = frozenset({"active", "needs-approval"})


# -- HTML ------------------------------------------------------------------------------------------
def _href(url: object) -> str | None:
    """Only plain web links become links (an issue URL comes from the tracker, but still)."""
    if isinstance(url, str) and re.match(r"^https?://[^\s\"'<>]+$", url):
        return url
    return None


def _day(value: date) -> str:
    return value.strftime("%a %Y-%m-%d")


def _short(value: date) -> str:
    return value.strftime("%b %d")


def _weeks(value: float) -> str:
    return f"{value:g}"


@cache
def environment() -> Environment:
    """The report's templates, compiled once per version when the image has them."""
    env = Environment(
        loader=PackageLoader("pto_bot.reports", "pages"),
        bytecode_cache=Compiled("pages"),
        autoescape=True,  # these templates are all HTML: every value is escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["href"] = _href
    env.filters["day"] = _day
    env.filters["short"] = _short
    env.filters["weeks"] = _weeks
    return env


def render_html(view: CoverageView, policy: Policy) -> str:
    tz = policy.tz

    def local(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")

    env = environment()
    template = env.get_template("index.html.j2")
    return template.render(
        view=view,
        timeline=timeline(view),
        local=local,
        command=policy.bot.command,
        channel=policy.team.channel,
    )


# -- iCalendar -------------------------------------------------------------------------------------
#: The namespace of the feeds' event ids (a name-based UUID, RFC 4122 version 5).
_EVENTS = uuid.UUID("0b5e7d1c-5a8e-4d0f-9a57-2f1c3e6b8d42")


def event_uid(r: RequestRow, feed: str) -> str:
    """The id of ``r``'s event in ``feed`` (``private`` or ``public``): opaque, and the same on
    every run, so that a calendar app updates the event when the request changes instead of
    adding it again.

    It names neither the project nor the issue number (RFC 7986 asks that a UID carry nothing
    that identifies a host, a domain or a person): it is a UUID made from the issue's number
    *and* the moment the issue was created, to the millisecond as GitLab records it. Both are
    fixed for the issue's life (a title, a date or a label edited, the project renamed or moved:
    the same id), and the moment is visible only to those who can read the issue: whoever holds
    only the feed cannot rebuild the id from a project path and a number, and even a guess
    confirmed by trying every millisecond of a day would give away no more than that
    number. The two feeds hash differently, so an event of one is never taken for the other's.
    """
    opened = r.opened_at.astimezone(UTC).isoformat(timespec="microseconds")
    return str(uuid.uuid5(_EVENTS, f"{feed}\n{r.iid}\n{opened}"))


def _backups(r: RequestRow) -> list[str]:
    """Who covers, each once, in the order of the accounts."""
    return list(dict.fromkeys(c.backup for c in r.covers if c.backup))


def _count(n: int, what: str) -> str:
    return f"{n} {what}" if n == 1 else f"{n} {what}s"


def _description(r: RequestRow, accounts: bool) -> str:
    """Who is out and when, the status and who covers; each account by name only with
    ``accounts`` (else how many have no backup, how many Global Support handles). Never the
    request's type: whether it was an emergency is the engineer's business."""
    state = r.state.replace("-", " ")
    lines = [f"{r.engineer} is out {r.start} – {r.end}.", f"Status: {state}."]
    if accounts:
        if r.covers:
            lines.append("Backups:")
            for c in r.covers:
                who = f"{c.backup} ({c.how})" if c.backup else "nobody yet (fallback request)"
                when = days_text(c.stretches)
                lines.append(f"- {c.account}: {who}" + (f", {when}" if when else ""))
        if r.global_support:
            lines.append("Global Support handles: " + ", ".join(r.global_support))
    else:
        if backups := _backups(r):
            lines.append("Backups: " + ", ".join(backups) + ".")
        if open_ := sum(1 for c in r.covers if not c.backup):
            verb = "has" if open_ == 1 else "have"
            lines.append(
                f"{_count(open_, 'account')} {verb} no backup yet: the fallback request asks "
                "for volunteers."
            )
        if r.global_support:
            lines.append(f"Global Support handles {_count(len(r.global_support), 'account')}.")
    if r.web_url:
        lines.append(r.web_url)
    return "\n".join(lines)


def render_ics(view: CoverageView, public: bool = False, accounts: bool = False) -> bytes:
    """The PTO as a calendar; ``public``: who is out and when only, for a feed anyone with the
    link can read (no customer, backup, status detail or link to the private project).
    ``accounts``: the private feed names each account and its backup (``reports.
    calendar_accounts``). Neither says a request's type; event ids: :func:`event_uid`."""
    cal = Calendar()
    cal.add("prodid", "-//pto-bot//coverage report//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{view.team} {'out of office' if public else 'PTO'}")
    stamp = view.now.astimezone(UTC)
    for r in view.requests:
        if r.status not in ICS_STATUSES:
            continue
        event = Event()
        event.add("uid", event_uid(r, "public" if public else "private"))
        event.add("dtstamp", stamp)
        event.add("dtstart", r.start)
        event.add("dtend", r.end + timedelta(days=1))  # exclusive: the day after the last day off
        event.add("summary", f"{r.engineer} out" if public else f"PTO: {r.engineer}")
        event.add("transp", "TRANSPARENT")  # someone else's PTO does not make you busy
        event.add("status", "TENTATIVE" if r.status == "needs-approval" else "CONFIRMED")
        if not public:
            event.add("description", _description(r, accounts))
            if _href(r.web_url):
                event.add("url", r.web_url)
        cal.add_component(event)
    return bytes(cal.to_ical())


# -- writing ---------------------------------------------------------------------------------------
def render_json(view: CoverageView) -> str:
    return json.dumps(view_to_json(view), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def report_files(*, public_calendar: bool = False, public_only: bool = False) -> list[str]:
    """The names of the files :func:`write_report` writes with these options."""
    names = [] if public_only else ["index.html", "pto.ics", "report.json"]
    return names + (["pto-public.ics"] if public_calendar or public_only else [])


def write_report(
    view: CoverageView,
    policy: Policy,
    out_dir: Path,
    *,
    public_calendar: bool = False,
    public_only: bool = False,
) -> dict[str, int]:
    """Write ``index.html``, ``pto.ics`` and ``report.json`` into ``out_dir`` (none of them with
    ``public_only``), and ``pto-public.ics`` with ``public_calendar`` or ``public_only``;
    name -> bytes."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    renderers: dict[str, Callable[[], bytes]] = {
        "index.html": lambda: render_html(view, policy).encode("utf-8"),
        "pto.ics": lambda: render_ics(view, accounts=policy.reports.calendar_accounts),
        "report.json": lambda: render_json(view).encode("utf-8"),
        "pto-public.ics": lambda: render_ics(view, public=True),
    }
    names = report_files(public_calendar=public_calendar, public_only=public_only)
    files = {name: renderers[name]() for name in names}
    sizes = {}
    for name, data in files.items():
        (out_dir / name).write_bytes(data)
        sizes[name] = len(data)
    return sizes
