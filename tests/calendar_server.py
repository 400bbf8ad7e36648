"""A time-off calendar served by a real HTTP server on 127.0.0.1, started by the test: what it
answers, each request it received, and the iCalendar text it serves."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "/feeds/ical/private-7f3c9e1d2b"  # the part of the address that is the secret


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    chunked: bool = False  # no Content-Length: the body in pieces


@dataclass
class Server:
    """A calendar server: what it answers, and each request it received."""

    port: int
    answer: Answer = field(default_factory=Answer)
    received: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{SECRET}"


@contextmanager
def serving(state: Server) -> Iterator[None]:
    """Serve ``state`` on a free port of 127.0.0.1 (set in ``state.port``) meanwhile."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.received.append(("GET", self.path, dict(self.headers.items())))
            answer = state.answer
            time.sleep(answer.delay)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                with suppress(BrokenPipeError, ConnectionResetError):  # the reader stopped
                    for start in range(0, len(answer.body), 4096):
                        piece = answer.body[start : start + 4096]
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                return
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            with suppress(BrokenPipeError, ConnectionResetError):  # the reader stopped at its limit
                self.wfile.write(answer.body)

        def log_message(self, *args: object) -> None:  # quiet
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//HR tool//EN\r\n{body}END:VCALENDAR\r\n"
    return text.replace("\n", "\r\n").replace("\r\r\n", "\r\n").encode()


def event(uid: str, start: str, end: str | None, summary: str, *extra: str) -> str:
    lines = [f"UID:{uid}", "DTSTAMP:20261101T120000Z", f"SUMMARY:{summary}"]
    lines.append(f"DTSTART;VALUE=DATE:{start}" if len(start) == 8 else f"DTSTART:{start}")
    if end is not None:
        lines.append(f"DTEND;VALUE=DATE:{end}" if len(end) == 8 else f"DTEND:{end}")
    return "\n".join([*lines, *extra])
