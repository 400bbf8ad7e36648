"""The write pacer on an injected clock: what it waits, and that a wait is said in the job's log."""

from __future__ import annotations

import logging

import pytest

from pto_bot.adapters.pacing import Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_long_wait_for_room_is_said_in_the_log(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    pacer = Pacer(20, 600, clock, clock.sleep)
    caplog.set_level(logging.INFO, logger="pto_bot")
    for _ in range(20):
        with pacer.write():
            clock.now += 0.5
    assert clock.slept == [] and caplog.messages == []

    with pacer.write():
        pass

    assert clock.slept == [pytest.approx(50.5)]
    assert caplog.messages == [
        "pacing: waiting 50 s before the next write: at most 20 writes a minute "
        "(limits.writes_per_minute; each write is a webhook pipeline)"
    ]


def test_a_short_wait_is_not_worth_a_line(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    pacer = Pacer(2, 600, clock, clock.sleep)
    caplog.set_level(logging.INFO, logger="pto_bot")
    with pacer.write():
        pass
    clock.now += 58
    with pacer.write():
        pass
    with pacer.write():
        pass
    assert clock.slept == [pytest.approx(2)] and caplog.messages == []


def test_a_wait_for_the_comments_limit_names_it(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    pacer = Pacer(20, 600, clock, clock.sleep, notes_per_minute=2)
    caplog.set_level(logging.INFO, logger="pto_bot")
    for _ in range(2):
        with pacer.write(note=True):
            pass
    with pacer.write():  # a label change: room for it
        pass
    with pacer.write(note=True):
        pass
    assert clock.slept == [pytest.approx(60)]
    assert caplog.messages == [
        "pacing: waiting 60 s before the next write: at most 2 comments a minute (GitLab.com "
        "takes 60 a minute from one user)"
    ]
