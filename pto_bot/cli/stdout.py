"""Standard output that outlives its reader.

A reader that stops early (``pto-bot demo | head -3``) closes the pipe, and the next write to it
raises :class:`BrokenPipeError`. That must not end the command half-way (a reconcile would stop
between two writes), nor print a traceback, nor change its exit code: from then on what is
written goes nowhere, and the file descriptor is pointed at ``os.devnull``, so the flush Python
makes at exit does not fail again ("Exception ignored ... BrokenPipeError", exit 120).
"""

from __future__ import annotations

import io
import os
from typing import TextIO


class Stdout(io.TextIOBase):
    """Writes through to ``stream`` until its reader has gone, then drops what is written."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self._let_go()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._let_go()

    def _let_go(self) -> None:
        self.reader_gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self.stream.fileno())  # what is still buffered goes there too
            os.close(devnull)
        except (OSError, ValueError):  # no file descriptor (a test's stream): nothing buffered
            pass
