"""The team's time-off calendar: the secret iCalendar feed an HR tool or a shared calendar
publishes (its address in the CI/CD variable ``PTO_BOT_CALENDAR_URL``), read into
:class:`~pto_bot.domain.time_off.TimeOffFeed`.

One HTTP GET, with a timeout on each wait and on the whole download, of at most
:data:`MAX_BYTES`: ``https://`` only (``http://`` on the loopback address only when a test asks),
no redirect followed, no credentials of any kind sent (not the GitLab token, not a ``.netrc``
entry for the host). The URL is a secret (whoever has it reads everyone's time off): it never
appears in a message, not even in an error. A feed that cannot be read (no connection, an HTTP
error, not iCalendar, too large) gives one warning saying what went wrong, never an exception.

What counts: each **all-day** event (``DTSTART`` a date) that names a roster engineer, as a
:class:`~pto_bot.domain.time_off.TimeOff` per engineer named, first and last day included
(``DTEND`` of an all-day event is the day after the last, or ``DURATION`` says how long; neither:
one day). Who is named: the roster usernames in the ``SUMMARY`` (``@name`` or ``name`` as a
word, any case); when it names nobody, the ``ATTENDEE``\\s (their ``CN``, or a ``mailto:`` whose
local part is the username); when none is on the roster, the ``ORGANIZER``. That order keeps a
manager who books someone's time off from being taken for absent. Timed events, events of
nobody on the roster and cancelled events (``STATUS:CANCELLED``) are left out.

Recurring events are expanded, within the window the caller gives only: time off that repeats
(every other Friday off, a part-time day) is time off the planner must see, so skipping it would
hide real absences, while the window bounds what a rule without end can cost (and a series
repeating more often than daily is no whole-day absence: left out, with a warning). Moved and
cancelled occurrences (``RECURRENCE-ID``, ``EXDATE``) are taken into account through
``recurring-ical-events``. One-off events are kept whatever their dates.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import requests
from icalendar import Calendar, Component

from ..domain.time_off import TimeOff, TimeOffFeed, mailbox_of, named_in
from .secret_url import check_secret_url

ENV_VAR = "PTO_BOT_CALENDAR_URL"
TIMEOUT = 10.0  # seconds: to connect, and between two reads
DEADLINE = 30.0  # seconds: the whole download
MAX_BYTES = 5 * 1024 * 1024  # years of a team's time off fit in far less
MAX_ABSENCES = 10_000  # what a read returns at most, whatever the feed holds
_CHUNK = 64 * 1024
_SUB_DAILY = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})

Get = Callable[..., Any]  # requests.get


def _no_credentials(request: Any) -> Any:
    """An authentication that adds nothing: given one, ``requests`` does not look up the host
    in ``~/.netrc`` (where a GitLab token may sit) and sends no credentials at all."""
    return request


def feed_from_env(
    env: Mapping[str, str], roster: Sequence[str], window: tuple[date, date], **kw: Any
) -> TimeOffFeed | None:
    """The time off in the feed named by ``PTO_BOT_CALENDAR_URL``; None when it is not set."""
    url = (env.get(ENV_VAR) or "").strip()
    if not url:
        return None
    return read_calendar_feed(url, roster, window, **kw)


def read_calendar_feed(
    url: str,
    roster: Sequence[str],
    window: tuple[date, date],
    *,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_BYTES,
    get: Get | None = None,
    clock: Callable[[], float] = time.monotonic,
    allow_loopback_http: bool = False,
) -> TimeOffFeed:
    """The roster's all-day absences in the feed at ``url``; recurring ones within ``window``
    (first and last day, included)."""
    try:
        check_secret_url(url, allow_loopback_http)
    except ValueError as exc:
        return _unread(f"the value {exc}; set it to the calendar's secret https:// address")
    data, problem = _download(url, timeout, deadline, max_bytes, get or requests.get, clock)
    if data is None:
        return _unread(problem)
    return absences_in(data, roster, window)


def _unread(problem: str) -> TimeOffFeed:
    return TimeOffFeed(
        warnings=(f"{ENV_VAR}: the time-off calendar was not read: {problem}",), read=False
    )


def _download(
    url: str, timeout: float, deadline: float, max_bytes: int, get: Get, clock: Callable[[], float]
) -> tuple[bytes | None, str]:
    """The body of one GET, or None and what went wrong (never the URL: the messages of
    ``requests`` name it, so only the kind of failure is said)."""
    started = clock()
    too_large = f"the feed is larger than {max_bytes:,} bytes"
    try:
        with get(
            url,
            timeout=(timeout, timeout),
            stream=True,
            allow_redirects=False,
            auth=_no_credentials,
            headers={"Accept": "text/calendar"},
        ) as response:
            status = int(response.status_code)
            if 300 <= status < 400:
                return None, f"HTTP {status}: the feed has moved; store its new address"
            if not 200 <= status < 300:
                return None, f"HTTP {status}"
            length = str(response.headers.get("Content-Length") or "")
            if length.isdigit() and int(length) > max_bytes:
                return None, too_large
            chunks, size = [], 0
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    return None, too_large
                if clock() - started > deadline:
                    return None, f"the download took over {deadline:g} s"
                chunks.append(chunk)
    except requests.Timeout:
        return None, f"no answer within {timeout:g} s"
    except requests.RequestException as exc:
        return None, f"could not connect ({type(exc).__name__})"
    return b"".join(chunks), ""


def absences_in(data: bytes, roster: Sequence[str], window: tuple[date, date]) -> TimeOffFeed:
    """The absences an iCalendar text records (see the module's docstring)."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError):
        return _unread("the answer is not an iCalendar feed")
    if calendar.name != "VCALENDAR":
        return _unread("the answer is not an iCalendar feed")
    warnings: list[str] = []
    one_off = [e for e in calendar.walk("VEVENT") if not _recurring(e)]
    events = itertools.chain(one_off, _expanded(calendar, window, warnings))
    found: dict[tuple[str, date, date, str], TimeOff] = {}
    for event in events:
        try:
            absences = _absences(event, roster)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            uid = str(event.get("UID", ""))
            warnings.append(f"event {uid!r} could not be read ({type(exc).__name__}): left out")
            continue
        for absence in absences:
            key = (absence.engineer, absence.first_day, absence.last_day, absence.uid)
            found.setdefault(key, absence)
        if len(found) > MAX_ABSENCES:
            warnings.append(f"more than {MAX_ABSENCES:,} absences in the feed: the rest left out")
            break
    absences = sorted(found.values(), key=lambda a: (a.first_day, a.engineer, a.uid))
    return TimeOffFeed(tuple(absences[:MAX_ABSENCES]), tuple(warnings))


def _recurring(event: Component) -> bool:
    return any(key in event for key in ("RRULE", "RDATE", "RECURRENCE-ID"))


def _expanded(calendar: Calendar, window: tuple[date, date], warnings: list[str]) -> Iterator[Any]:
    """Each occurrence within ``window`` of each all-day recurring series, its moved and
    cancelled occurrences applied; a series that cannot be expanded is named and left out."""
    first, last = window
    series: dict[str, list[Component]] = {}
    for event in calendar.walk("VEVENT"):
        if _recurring(event):
            series.setdefault(str(event.get("UID", "")), []).append(event)
    for uid, parts in series.items():
        master = next((p for p in parts if "RECURRENCE-ID" not in p), parts[0])
        if not _all_day(master):
            continue  # a timed series: no whole day off, nothing to expand
        rule = master.get("RRULE")
        if rule is not None and set(rule.get("FREQ", [])) & _SUB_DAILY:
            warnings.append(f"event {uid!r} repeats more often than daily: left out")
            continue
        one = Calendar()
        for part in parts:
            one.add_component(part)
        try:
            import recurring_ical_events  # only a feed with recurring time off needs it

            occurrences = recurring_ical_events.of(one).after(first)
            for occurrence in itertools.islice(occurrences, (last - first).days + 1):
                if _first_day(occurrence) > last:
                    break
                yield occurrence
        except (ValueError, TypeError, KeyError) as exc:  # the library's errors are ValueErrors
            warnings.append(
                f"recurring event {uid!r} could not be expanded ({type(exc).__name__}): left out"
            )


def _all_day(event: Component) -> bool:
    start = event.get("DTSTART")
    value = getattr(start, "dt", None)
    return isinstance(value, date) and not isinstance(value, datetime)


def _first_day(event: Component) -> date:
    value = event.decoded("DTSTART")
    return value.date() if isinstance(value, datetime) else value


def _absences(event: Component, roster: Sequence[str]) -> list[TimeOff]:
    """One absence per roster engineer the event names; none for a timed or cancelled one."""
    if not _all_day(event) or str(event.get("STATUS", "")).upper() == "CANCELLED":
        return []
    first = _first_day(event)
    end = event.get("DTEND")
    if end is not None and isinstance(end.dt, date) and not isinstance(end.dt, datetime):
        last = end.dt - timedelta(days=1)  # DTEND is the day after the last day off
    elif event.get("DURATION") is not None:
        last = first + timedelta(days=max(event.decoded("DURATION").days, 1) - 1)
    else:
        last = first  # an all-day event without an end lasts its day
    uid = str(event.get("UID", ""))
    return [TimeOff(name, first, max(first, last), uid) for name in _named(event, roster)]


def _named(event: Component, roster: Sequence[str]) -> list[str]:
    """Who the event is the time off of: those its summary names, else its attendees on the
    roster, else its organizer."""
    summary = named_in(str(event.get("SUMMARY", "")), roster)
    if summary:
        return summary
    attendees = event.get("ATTENDEE", [])
    if not isinstance(attendees, list):
        attendees = [attendees]
    found: list[str] = []
    for person in attendees:
        found += [n for n in _person(person, roster) if n not in found]
    if found:
        return found
    organizer = event.get("ORGANIZER")
    return _person(organizer, roster) if organizer is not None else []


def _person(value: Any, roster: Sequence[str]) -> list[str]:
    """The roster engineer an ATTENDEE or ORGANIZER is: by its mailbox, or its name (CN)."""
    mailbox = mailbox_of(str(value), roster)
    if mailbox is not None:
        return [mailbox]
    params = getattr(value, "params", {})
    return named_in(str(params.get("CN", "")), roster)
