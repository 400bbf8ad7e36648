"""Team-channel messages through a Slack incoming webhook, against a local HTTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from project import Project, at
from pto_bot.adapters.slack import ENV_VAR, SlackNotifier, escape, notifier_from_env
from pto_bot.app.apply import apply
from pto_bot.domain.markers import read_marker
from pto_bot.errors import ConfigError, TrackerError
from pto_bot.plan.actions import Notify, PostNote

SECRET = "T0000/B0000/s3cr3t-t0ken"


@dataclass
class Reply:
    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Hook:
    """A local stand-in for hooks.slack.com: records each post, answers from ``script``."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    script: list[Reply] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def notifier(self, timeout: float = 5) -> SlackNotifier:
        return SlackNotifier(
            self.url, timeout=timeout, sleep=self.sleeps.append, allow_loopback_http=True
        )

    @property
    def texts(self) -> list[str]:
        return [r["json"]["text"] for r in self.received]


@pytest.fixture
def hook() -> Iterator[Hook]:
    state = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            state.received.append(
                {
                    "path": self.path,
                    "content_type": self.headers.get("Content-Type"),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            reply = state.script.pop(0) if state.script else Reply()
            time.sleep(reply.delay)
            try:
                data = reply.body.encode()
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/services/{SECRET}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def assert_secret_hidden(message: str, hook: Hook) -> None:
    assert SECRET not in message and hook.url not in message
    assert "Slack" in message


# -- the payload ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_one_post_per_message_as_json_text_with_slack_escaping(hook: Hook) -> None:
    hook.notifier()("Q&A <!channel> <https://evil.example|click> > done")
    assert len(hook.received) == 1
    sent = hook.received[0]
    assert sent["path"] == f"/services/{SECRET}"
    assert sent["content_type"] == "application/json"
    assert sent["json"] == {
        "text": "Q&amp;A &lt;!channel&gt; &lt;https://evil.example|click&gt; &gt; done"
    }


def test_only_the_three_control_characters_are_escaped() -> None:
    assert escape('it\'s "fine" & <ok>') == 'it\'s "fine" &amp; &lt;ok&gt;'


# -- with the planner and the applier -------------------------------------------------------------
def two_out() -> tuple[Project, int]:
    p = Project(chat=True)
    p.playbook("Acme Corp", "klang", "high", "auto-assigned")
    p.request("klang", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = p.request("harishsr", "2026-12-09", "2026-12-10", created="2026-11-02")
    return p, second


@pytest.mark.slow
def test_a_visibility_notice_is_posted_once_and_recorded_in_the_coverage_note(hook: Hook) -> None:
    p, second = two_out()
    plan = p.plan("2026-11-20")
    notices = [a for a in plan.actions if isinstance(a, Notify)]
    assert [n.key for n in notices] == [f"visibility:{second}"]
    result = apply(p.tracker(at("2026-11-20")), plan.actions, notifier=hook.notifier())
    assert result.failures == []
    assert len(hook.texts) == 1
    assert "2 people out: harishsr is off 2026-12-09 – 2026-12-10" in hook.texts[0]
    assert f"/-/issues/{second}" in hook.texts[0]
    marker = read_marker(p.note(second, "coverage"))
    assert marker is not None and marker["sent"] == ["visibility"]
    # second run: the marker says it was sent; nothing is planned, nothing is posted
    again = p.plan("2026-11-21")
    assert again.actions == ()
    apply(p.tracker(at("2026-11-21")), again.actions, notifier=hook.notifier())
    assert len(hook.texts) == 1


@pytest.mark.slow
def test_a_slack_500_is_a_failure_and_every_other_write_still_applies(hook: Hook) -> None:
    p, second = two_out()
    third = p.request("a.conrad", "2026-12-09", "2026-12-09", created="2026-11-03")
    plan = p.plan("2026-11-20")
    notices = [a for a in plan.actions if isinstance(a, Notify)]
    assert [n.key for n in notices] == [f"visibility:{second}", f"approval:{third}"]
    # the first message meets a 500 twice (one retry), the second goes through
    hook.script = [Reply(500, "rollup_error"), Reply(500, "rollup_error")]
    result = apply(p.tracker(at("2026-11-20")), plan.actions, notifier=hook.notifier())
    assert len(hook.received) == 3
    assert "waiting for melroberts's approval" in hook.texts[2]
    assert hook.sleeps == [1.0]
    assert len(result.failures) == 1
    where, message = result.failures[0]
    assert where is None  # a channel message belongs to no issue: no issue is marked broken
    assert "HTTP 500 (rollup_error)" in message
    assert_secret_hidden(message, hook)
    statuses = {d.status for d in result.results if not isinstance(d.action, Notify)}
    assert statuses == {"done"}  # nothing skipped, on #second either
    failed = [d for d in result.results if d.status == "failed"]
    assert [d.action for d in failed] == [notices[0]]
    posted = [
        d.action.iid
        for d in result.results
        if isinstance(d.action, PostNote) and d.status == "done"
    ]
    assert second in posted and third in posted
    assert "out::2" in p.labels(second) and "pto::covered" in p.labels(second)
    assert "pto::needs-approval" in p.labels(third)
    assert p.note(second, "coverage")


# -- retries ---------------------------------------------------------------------------------------
@pytest.mark.slow
def test_a_429_waits_the_retry_after_and_tries_once_more(hook: Hook) -> None:
    hook.script = [Reply(429, "rate_limited", {"Retry-After": "3"})]
    hook.notifier()("hello")
    assert hook.sleeps == [3.0]
    assert hook.texts == ["hello", "hello"]


@pytest.mark.slow
def test_a_retry_after_over_ten_seconds_is_not_waited_for(hook: Hook) -> None:
    hook.script = [Reply(429, "rate_limited", {"Retry-After": "30"})]
    with pytest.raises(TrackerError) as caught:
        hook.notifier()("hello")
    assert "HTTP 429 (rate_limited), asked to retry after 30 s" in str(caught.value)
    assert hook.sleeps == [] and len(hook.received) == 1
    assert caught.value.iid is None


@pytest.mark.slow
def test_a_client_error_is_not_retried(hook: Hook) -> None:
    hook.script = [Reply(404, "channel_not_found")]
    with pytest.raises(TrackerError) as caught:
        hook.notifier()("hello")
    assert str(caught.value) == "Slack webhook: message not posted: HTTP 404 (channel_not_found)"
    assert len(hook.received) == 1


@pytest.mark.slow
def test_a_body_that_is_not_an_error_code_is_not_repeated(hook: Hook) -> None:
    hook.script = [Reply(400, "<html>something long about " + hook.url + "</html>")]
    with pytest.raises(TrackerError) as caught:
        hook.notifier()("hello")
    assert str(caught.value).endswith("HTTP 400")
    assert_secret_hidden(str(caught.value), hook)


@pytest.mark.slow
def test_a_timeout_is_retried_once_then_reported(hook: Hook) -> None:
    hook.script = [Reply(delay=0.6), Reply(delay=0.6)]
    started = time.monotonic()
    with pytest.raises(TrackerError) as caught:
        hook.notifier(timeout=0.2)("hello")
    assert time.monotonic() - started < 3
    assert "timed out after 0.2 s, twice" in str(caught.value)
    assert_secret_hidden(str(caught.value), hook)
    assert hook.sleeps == [1.0] and len(hook.received) == 2


def test_connection_refused_is_reported_without_the_url() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/services/{SECRET}"
    notifier = SlackNotifier(url, timeout=2, sleep=lambda s: None, allow_loopback_http=True)
    with pytest.raises(TrackerError) as caught:
        notifier("hello")
    message = str(caught.value)
    assert message == "Slack webhook: message not posted: could not connect (ConnectionError)"
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# -- configuration ---------------------------------------------------------------------------------
def test_no_variable_no_notifier() -> None:
    assert notifier_from_env({}) is None
    assert notifier_from_env({ENV_VAR: "  "}) is None


@pytest.mark.parametrize(
    "value",
    [
        f"http://127.0.0.1:9/services/{SECRET}",  # loopback http is for tests only
        f"http://hooks.slack.com/services/{SECRET}",
        f"hooks.slack.com/services/{SECRET}",
        f"https:///services/{SECRET}",  # no host
    ],
)
def test_a_value_that_is_not_https_is_a_config_error_that_hides_it(value: str) -> None:
    with pytest.raises(ConfigError) as caught:
        notifier_from_env({ENV_VAR: value})
    message = str(caught.value)
    assert message.startswith(f"{ENV_VAR}: the value is not an https:// URL")
    assert SECRET not in message and value not in message


def test_an_https_value_gives_a_notifier_whose_repr_hides_the_url() -> None:
    notifier = notifier_from_env({ENV_VAR: f"https://hooks.slack.com/services/{SECRET}"})
    assert isinstance(notifier, SlackNotifier)
    assert SECRET not in repr(notifier) and SECRET not in str(notifier)


def test_loopback_http_is_only_for_the_loopback_address() -> None:
    with pytest.raises(ValueError):
        SlackNotifier("http://hooks.slack.com/x", allow_loopback_http=True)
    SlackNotifier("http://127.0.0.1:1/x", allow_loopback_http=True)
