"""Pacing the bot's writes under GitLab's limits, including the pipelines they cause.

Every write to an issue comes back as a webhook event, and the webhook starts a pipeline: GitLab.com
creates at most 25 pipelines a minute per project, and answers the webhook 429 beyond; a webhook
that fails 4 times in a row is disabled. So all writes together stay under ``per_minute`` in any
rolling minute (``limits.writes_per_minute``, default 20), and comments under
:data:`NOTES_PER_MINUTE` (GitLab.com's notes limit is 60 a minute).

A write is counted from the moment it finished: GitLab handled it before then, so two writes a
window apart by these stamps were handled at least a window apart. A run has ``budget`` seconds
of writing (``limits.write_minutes``, from its first write); :meth:`Pacer.fits` tells whether
more writes can still start within it, so the applier leaves what does not fit to the next run.
Waiting goes through an injected ``sleep`` and ``clock``: tests never really wait.

The limit is per project, not per job: the scheduled job and the webhook jobs that follow it in
the resource group share it. With a ``record`` file (beside the runner cache) a job starts from
the writes the jobs before it made in the last minute (:meth:`Pacer.restore`), and keeps it up
to date after each write. Without it (a runner with no cache), a job knows only its own.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .runner_files import read_json, write_json

NOTES_PER_MINUTE = 50
WINDOW = 60.0
#: A wait this long or longer is said in the job's log (a job silent for a minute looks hung).
NOTICE = 5.0

_log = logging.getLogger(__name__)


class Window:
    """At most ``limit`` events in any rolling ``seconds``: the one sliding window pto_bot paces
    itself by (all its requests, its writes, its comments). ``stamps`` are when each counted
    event happened, oldest first."""

    def __init__(self, limit: int, seconds: float = WINDOW) -> None:
        self.limit = limit
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def forget(self, now: float) -> None:
        while self.stamps and now - self.stamps[0] >= self.seconds:
            self.stamps.popleft()

    def earliest(self, now: float, stamps: Sequence[float] | None = None) -> float:
        """When one more event may happen, at ``now`` or later (given ``stamps``, by default
        those counted so far)."""
        counted = self.stamps if stamps is None else stamps
        if len(counted) < self.limit:
            return now
        return max(now, counted[-self.limit] + self.seconds)

    def add(self, when: float) -> None:
        self.stamps.append(when)


class Paced:
    """Every request at most ``limit`` a minute: waits (with the injected sleep) for room."""

    def __init__(
        self, limit: int, clock: Callable[[], float], sleep: Callable[[float], None]
    ) -> None:
        self.window = Window(limit)
        self._clock = clock
        self._sleep = sleep

    def acquire(self) -> None:
        now = self._clock()
        self.window.forget(now)
        start = self.window.earliest(now)
        if start > now:
            self._sleep(start - now)
        self.window.add(max(start, self._clock()))


class Pacer:
    def __init__(
        self,
        per_minute: int,
        budget: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        notes_per_minute: int = NOTES_PER_MINUTE,
        *,
        wall: Callable[[], float] | None = None,
        record: Path | None = None,
    ) -> None:
        self.per_minute = per_minute
        self.notes_per_minute = min(notes_per_minute, per_minute)
        self.budget = budget
        self._clock = clock
        self._sleep = sleep
        self._writes = Window(per_minute)  # when each write finished
        self._notes = Window(self.notes_per_minute)
        self._started: float | None = None
        self.log: list[tuple[float, bool]] = []  # (finished, is a note): what a test checks
        self._wall = wall  # seconds since the epoch: what the record is kept in
        self._record = record if wall is not None else None
        self.restore()

    def _forget(self, now: float) -> None:
        self._writes.forget(now)
        self._notes.forget(now)

    def _start_of(self, notes: Sequence[bool], now: float) -> float:
        """When the last of ``notes`` (True: a comment) could start, each after the one before,
        every write taken to finish as it starts."""
        writes, comments = list(self._writes.stamps), list(self._notes.stamps)
        moment = now
        for is_note in notes:
            moment = self._writes.earliest(moment, writes)
            if is_note:
                moment = self._notes.earliest(moment, comments)
                comments.append(moment)
            writes.append(moment)
        return moment

    def _now(self) -> float:
        """The clock; the writing time starts at the first look, and the stamps of more than a
        minute ago are forgotten."""
        now = self._clock()
        if self._started is None:
            self._started = now
        self._forget(now)
        return now

    def fits(self, notes: Sequence[bool]) -> bool:
        """These writes (True: a comment) can all start within the run's writing budget."""
        now = self._now()
        assert self._started is not None
        return self._start_of(notes, now) <= self._started + self.budget

    @contextmanager
    def write(self, note: bool = False) -> Iterator[None]:
        """Wait until one more write (a comment, with ``note``) is within the limits; count it
        when it finished, whether it succeeded or not."""
        now = self._now()
        start = self._start_of([note], now)
        if start - now >= NOTICE:
            _log.warning(
                "pacing: waiting %.0f s before the next write: %s",
                start - now,
                self._why(note, now),
            )
        if start > now:
            self._sleep(start - now)
        try:
            yield
        finally:
            done = self._clock()
            self._writes.add(done)
            if note:
                self._notes.add(done)
            self.log.append((done, note))
            self._keep()

    def _why(self, note: bool, now: float) -> str:
        """Which limit a wait is for."""
        if note and self._start_of([False], now) < self._start_of([True], now):
            return (
                f"at most {self.notes_per_minute} comments a minute (GitLab.com takes 60 a "
                "minute from one user)"
            )
        return (
            f"at most {self.per_minute} writes a minute (limits.writes_per_minute; each write is "
            "a webhook pipeline)"
        )

    # -- the record shared by the jobs of a runner ----------------------------------------------

    def restore(self) -> None:
        """Start from the writes the jobs before this one made in the last minute; a stamp from
        the future (a damaged record, a clock set back) is not one of them."""
        if self._record is None or self._wall is None:
            return
        data = read_json(self._record)
        try:
            ago = self._wall() - self._clock()  # the wall clock at our clock's zero
            now = self._clock()
            for window, key in ((self._writes, "writes"), (self._notes, "notes")):
                for when in sorted(float(t) for t in data[key]):
                    if 0 <= now - (when - ago) < WINDOW:
                        window.add(when - ago)
        except (ValueError, TypeError, KeyError, AttributeError):
            self._writes.stamps.clear()
            self._notes.stamps.clear()

    def _keep(self) -> None:
        if self._record is None or self._wall is None:
            return
        self._forget(self._clock())
        ago = self._wall() - self._clock()
        data = {
            "writes": [t + ago for t in self._writes.stamps],
            "notes": [t + ago for t in self._notes.stamps],
        }
        write_json(self._record, data, "the writes of this minute not kept beside the cache")
