"""Serve the test suite's fake GitLab (tests/fake_gitlab.py) over HTTP on 127.0.0.1, so a real
job runner (gitlab-ci-local with a shell executor, say) can run the component's jobs against it.

    python benchmarks/serve_fake_gitlab.py --port 8929 --seconds 300

It loads a small team (the AMER ASE roster's beta pod: three playbooks and a PTO request) and
answers with the token ``glpat-FAKE-secret-token-0123`` on project 42. When it stops (after
``--seconds``, or Ctrl-C) it prints the requests it received and the notes the bot wrote.
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# the fake GitLab lives with the tests
sys.path[0] = str(Path(__file__).resolve().parent.parent / "tests")

import requests  # noqa: E402
import responses  # noqa: E402

from fake_gitlab import BASE_URL, DEVELOPER, FakeGitLab  # noqa: E402

LOCK = threading.Lock()


def team(fake: FakeGitLab) -> None:
    """The beta pod's playbooks and klang's PTO request, three weeks from the fake's ``now`` (the
    real clock, as the jobs run): a steady scene whatever the day it is served."""
    fake.members.update(dict.fromkeys(("klang", "adamlauzon", "magomez3"), DEVELOPER))
    today = fake.now.date()
    start = today + timedelta(days=21 + (7 - today.weekday()) % 7)  # a Monday
    for name, priority, model in [
        ("Acme Corp", "high", "auto-assigned"),
        ("Initech", "high", "global-support"),
        ("Globex", "normal", "global-support"),
    ]:
        labels = ["playbook", f"priority::{priority}", f"coverage::{model}"]
        fake.add_issue(f"Playbook: {name}", labels=labels, author="klang", assignees=["klang"])
    body = (
        f"- **Engineer:** @klang\n- **Start:** {start}\n- **End:** {start + timedelta(days=4)}\n"
        "- **Type:** planned\n- **Backups:**\n- **Notes:** enjoy\n"
    )
    fake.add_issue("PTO klang", labels=["pto"], description=body, author="klang")


def handler(fake: FakeGitLab) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # Keep-alive, as GitLab serves it (python-gitlab keeps one connection for a run), each
        # response sent in one write (a buffered writer, flushed once the request is handled)
        # and Nagle's algorithm off. Headers and body written apart, with Nagle on, wait ~40 ms
        # for the client's delayed ACK: on a kept-alive connection, on every response.
        protocol_version = "HTTP/1.1"
        wbufsize = -1
        disable_nagle_algorithm = True

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            url = BASE_URL + self.path
            prepared = requests.Request(
                self.command, url, headers=dict(self.headers), data=body
            ).prepare()
            with LOCK:
                fake.now = datetime.now(UTC)
                status, headers, text = fake._handle(prepared)
            here = f"http://{self.headers['Host']}"
            data = text.replace(BASE_URL, here).encode()  # links point back here
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value.replace(BASE_URL, here))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _any

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8929)
    parser.add_argument("--seconds", type=float, default=300, help="stop after this long")
    args = parser.parse_args()
    fake = FakeGitLab(responses.RequestsMock())  # routes only: requests come over HTTP here
    fake.now = datetime.now(UTC) - timedelta(days=1)
    team(fake)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(fake))
    timer = threading.Timer(args.seconds, server.shutdown)
    timer.start()
    print(f"fake GitLab on http://127.0.0.1:{args.port} for {args.seconds:g} s", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        timer.cancel()
        server.server_close()
    print(f"{len(fake.calls)} requests:", *(f"{m} {p}" for m, p in fake.calls), sep="\n  ")
    for iid in fake.issues:
        for note in fake.notes[iid]:
            print(f"#{iid} note by {note['author']}: {note['body'][:70]!r}")


if __name__ == "__main__":
    main()
