"""The team's time-off calendar read from its secret feed, served by a real HTTP server on
127.0.0.1 started by the test: which events count as whose absence, recurring ones within the
window, and every way a read can fail (a warning naming what went wrong, never the URL, never an
exception)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from calendar_server import SECRET, Answer, Server, event, ics, serving
from pto_bot.adapters.calendar_feed import feed_from_env, read_calendar_feed
from pto_bot.domain.time_off import TimeOff, TimeOffFeed

ROSTER = ("klang", "dbass90", "andsmith3", "a.conrad")
WINDOW = (date(2026, 11, 16), date(2027, 1, 10))
TOKEN = "glpat-FAKE-secret-token-0123"


@dataclass
class Feed(Server):
    def read(self, window: tuple[date, date] = WINDOW, **kw: object) -> TimeOffFeed:
        kw.setdefault("allow_loopback_http", True)
        return read_calendar_feed(self.url, ROSTER, window, **kw)  # type: ignore[arg-type]


@pytest.fixture
def feed() -> Iterator[Feed]:
    state = Feed(0)
    with serving(state):
        yield state


def off(engineer: str, first: str, last: str, uid: str) -> TimeOff:
    return TimeOff(engineer, date.fromisoformat(first), date.fromisoformat(last), uid)


# -- whose absence, which days -------------------------------------------------------------------
def test_an_all_day_event_names_its_engineer_in_the_summary_with_inclusive_days(
    feed: Feed,
) -> None:
    feed.answer = Answer(ics(event("a1", "20261207", "20261212", "PTO @KLang")))

    found = feed.read()

    assert found == TimeOffFeed((off("klang", "2026-12-07", "2026-12-11", "a1"),), ())
    assert found.absences[0].days == 5
    assert len(feed.received) == 1 and feed.received[0][:2] == ("GET", SECRET)


def test_a_name_counts_only_as_a_whole_word(feed: Feed) -> None:
    feed.answer = Answer(
        ics(
            event("w1", "20261201", "20261202", "Out: klang."),
            event("w2", "20261202", "20261203", "klang-offsite planning"),
            event("w3", "20261203", "20261204", "xklang day"),
            event("w4", "20261204", "20261205", "dbass90/andsmith3 conference"),
            event("w5", "20261205", "20261206", "A.Conrad off"),
            event("w6", "20261206", "20261207", "mconrad off"),
        )
    )

    found = feed.read().absences

    assert {(a.uid, a.engineer) for a in found} == {
        ("w1", "klang"),
        ("w4", "dbass90"),
        ("w4", "andsmith3"),
        ("w5", "a.conrad"),
    }


def test_attendees_and_organizer_name_the_engineer_when_the_summary_does_not(
    feed: Feed,
) -> None:
    feed.answer = Answer(
        ics(
            event("m1", "20261214", "20261216", "Vacation", "ATTENDEE:mailto:DBass90@corp.example"),
            event("m2", "20261214", "20261215", "Sick day", 'ATTENDEE;CN="klang":mailto:k@x.io'),
            event("m3", "20261221", "20261222", "Time off", "ORGANIZER:mailto:andsmith3@corp.io"),
            # the manager booked it: the summary's engineer is out, not the organizer
            event(
                "m4",
                "20261228",
                "20261229",
                "klang PTO",
                "ORGANIZER:mailto:andsmith3@corp.example",
            ),
            event("m5", "20261228", "20261229", "Time off", "ORGANIZER:mailto:melroberts@x.io"),
        )
    )

    found = feed.read().absences

    assert [(a.uid, a.engineer, a.first_day, a.last_day) for a in found] == [
        ("m1", "dbass90", date(2026, 12, 14), date(2026, 12, 15)),
        ("m2", "klang", date(2026, 12, 14), date(2026, 12, 14)),
        ("m3", "andsmith3", date(2026, 12, 21), date(2026, 12, 21)),
        ("m4", "klang", date(2026, 12, 28), date(2026, 12, 28)),
    ]


def test_timed_cancelled_and_unknown_peoples_events_are_left_out(feed: Feed) -> None:
    feed.answer = Answer(
        ics(
            event("t1", "20261207T090000Z", "20261207T170000Z", "klang dentist"),
            event("t2", "20261207", "20261208", "klang off", "STATUS:CANCELLED"),
            event("t3", "20261207", "20261208", "melroberts off"),
            event("t4", "20261209", "20261210", "dbass90 off", "STATUS:CONFIRMED"),
        )
    )

    assert [a.uid for a in feed.read().absences] == ["t4"]


def test_an_all_day_event_without_an_end_or_with_a_duration(feed: Feed) -> None:
    feed.answer = Answer(
        ics(
            event("d1", "20261207", None, "klang off"),
            event("d2", "20261214", None, "dbass90 off", "DURATION:P3D"),
        )
    )

    assert feed.read().absences == (
        off("klang", "2026-12-07", "2026-12-07", "d1"),
        off("dbass90", "2026-12-14", "2026-12-16", "d2"),
    )


def test_recurring_time_off_is_expanded_within_the_window_only(feed: Feed) -> None:
    feed.answer = Answer(
        ics(
            # every Friday off, no end: only the Fridays of the window
            event(
                "r1",
                "20250103",
                "20250104",
                "klang part-time",
                "RRULE:FREQ=WEEKLY;BYDAY=FR",
                "EXDATE;VALUE=DATE:20261204",
            ),
            event(
                "r1",
                "20261210",
                "20261211",
                "klang part-time",
                "RECURRENCE-ID;VALUE=DATE:20261211",
            ),
            event(
                "r1",
                "20261218",
                "20261219",
                "klang part-time",
                "RECURRENCE-ID;VALUE=DATE:20261218",
                "STATUS:CANCELLED",
            ),
            event("r2", "20261130", "20261201", "dbass90 standup", "RRULE:FREQ=HOURLY"),
            event("r3", "20261201T100000Z", "20261201T110000Z", "andsmith3", "RRULE:FREQ=DAILY"),
        )
    )

    found = feed.read()

    fridays = [a.first_day.isoformat() for a in found.absences if a.uid == "r1"]
    assert fridays == [
        "2026-11-20",
        "2026-11-27",
        # 2026-12-04: an exception (EXDATE)
        "2026-12-10",  # moved to the Thursday
        # 2026-12-18: cancelled
        "2026-12-25",
        "2027-01-01",
        "2027-01-08",
    ]
    assert {a.engineer for a in found.absences} == {"klang"}
    assert found.warnings == ("event 'r2' repeats more often than daily: left out",)


def test_one_off_events_are_kept_whatever_their_dates(feed: Feed) -> None:
    feed.answer = Answer(ics(event("o1", "20270601", "20270615", "klang sabbatical")))

    assert feed.read().absences == (off("klang", "2027-06-01", "2027-06-14", "o1"),)


# -- what is sent --------------------------------------------------------------------------------
def test_no_credentials_are_sent_not_even_a_netrc_entry_for_the_host(
    feed: Feed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login oauth2 password {TOKEN}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("GITLAB_TOKEN", TOKEN)
    feed.answer = Answer(ics(event("a1", "20261207", "20261208", "klang off")))

    assert len(feed.read().absences) == 1

    ((_, _, headers),) = feed.received
    assert "Authorization" not in headers and "PRIVATE-TOKEN" not in headers
    assert TOKEN not in repr(headers)


def test_only_https_is_read_except_on_the_loopback_address_for_tests(feed: Feed) -> None:
    feed.answer = Answer(ics(event("a1", "20261207", "20261208", "klang off")))
    refused = [
        feed.read(allow_loopback_http=False),
        read_calendar_feed("http://calendar.example.com/x.ics", ROSTER, WINDOW),
        read_calendar_feed("webcal://calendar.example.com/x.ics", ROSTER, WINDOW),
    ]

    for found in refused:
        assert found.absences == ()
        assert found.warnings == (
            "PTO_BOT_CALENDAR_URL: the time-off calendar was not read: the value is not an "
            "https:// URL; set it to the calendar's secret https:// address",
        )
    assert feed.received == []


def test_the_feed_is_named_by_its_ci_variable(feed: Feed) -> None:
    feed.answer = Answer(ics(event("a1", "20261207", "20261208", "klang off")))
    env = {"PTO_BOT_CALENDAR_URL": f" {feed.url}\n"}

    assert feed_from_env({}, ROSTER, WINDOW) is None
    found = feed_from_env(env, ROSTER, WINDOW, allow_loopback_http=True)
    assert found is not None and [a.uid for a in found.absences] == ["a1"]


# -- a feed that cannot be read ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (Answer(b"Not Found", status=404), "HTTP 404"),
        (Answer(b"", status=503), "HTTP 503"),
        (
            Answer(b"", status=302, headers={"Location": "https://elsewhere.example/cal.ics"}),
            "HTTP 302: the feed has moved; store its new address",
        ),
        (Answer(b"<html><body>Sign in</body></html>"), "the answer is not an iCalendar feed"),
        (Answer(b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"), "the answer is not an iCalendar feed"),
        (Answer(b"x" * 2048), "the answer is not an iCalendar feed"),
        (Answer(b"BEGIN:VCALENDAR\r\n" + b"X" * 4096), "the feed is larger than 1,024 bytes"),
        (
            Answer(b"BEGIN:VCALENDAR\r\n" + b"X" * 40_000, chunked=True),
            "the feed is larger than 1,024 bytes",
        ),
    ],
)
def test_a_feed_that_cannot_be_read_gives_one_warning_and_never_the_url(
    feed: Feed, answer: Answer, problem: str
) -> None:
    feed.answer = answer
    max_bytes = 1024 if "larger" in problem else 5_000_000

    found = feed.read(max_bytes=max_bytes)

    assert found == TimeOffFeed(
        (), (f"PTO_BOT_CALENDAR_URL: the time-off calendar was not read: {problem}",), read=False
    )
    assert len(feed.received) == 1  # one GET, no redirect followed
    assert SECRET not in repr(found) and "127.0.0.1" not in repr(found)


def test_no_answer_in_time_is_a_warning(feed: Feed) -> None:
    feed.answer = Answer(ics(event("a1", "20261207", "20261208", "klang off")), delay=1.0)

    found = feed.read(timeout=0.2)

    assert found.warnings == (
        "PTO_BOT_CALENDAR_URL: the time-off calendar was not read: no answer within 0.2 s",
    )


def test_a_download_that_drags_on_is_given_up(feed: Feed) -> None:
    feed.answer = Answer(
        ics(*[event(f"a{n}", "20261207", "20261208", "klang") for n in range(900)])
    )
    ticks = iter(range(0, 10_000, 20))  # each look at the clock: 20 s later

    found = feed.read(clock=lambda: float(next(ticks)))

    assert found.warnings == (
        "PTO_BOT_CALENDAR_URL: the time-off calendar was not read: the download took over 30 s",
    )


def test_no_server_there_is_a_warning_without_the_address() -> None:
    found = read_calendar_feed(
        f"http://127.0.0.1:9{SECRET}", ROSTER, WINDOW, allow_loopback_http=True
    )

    assert found.warnings == (
        "PTO_BOT_CALENDAR_URL: the time-off calendar was not read: could not connect "
        "(ConnectionError)",
    )
