"""What a team lead reads when GitLab refuses the bot: one line that says what failed and what to
do, the token never shown, and the exit code README promises (2 when the run could do nothing,
1 when some issues could not be processed and the others were)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from fake_gitlab import BASE_URL, GUEST, TOKEN
from gitlab_team import Team


def scene(team: Team) -> int:
    team.playbook("Acme Corp", "klang")
    return team.request("klang", "2026-12-07", "2026-12-11")


def error_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    err = capsys.readouterr().err
    assert TOKEN not in err
    return err.strip().splitlines()


@pytest.mark.parametrize(
    ("state", "why"),
    [("expired", "the token has expired"), ("revoked", "the token was revoked")],
)
def test_an_expired_or_revoked_token_stops_the_run_and_says_how_to_get_a_new_one(
    team: Team, capsys: pytest.CaptureFixture[str], state: str, why: str
) -> None:
    scene(team)
    team.fake.token_state = state

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 2
    [line] = error_lines(capsys)
    assert f"failed: 401, {why} — create a new token with the api scope" in line
    assert "Settings > Access tokens" in line and "GITLAB_TOKEN" in line
    # a new project access token is a new bot user: only Rotate keeps the user
    assert "a new one is a new bot user: set bot.username to it" in line
    assert "next time, Rotate a project access token before it expires" in line
    assert run.writes == []


def test_a_token_gitlab_does_not_know_names_the_likely_causes(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scene(team)
    monkeypatch.setenv("GITLAB_TOKEN", "glpat-mistyped-000000")

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 2
    [line] = error_lines(capsys)
    assert "401, GitLab does not accept the token (mistyped, revoked" in line
    assert "glpat-mistyped" not in line


def test_a_role_too_low_to_write_stops_before_any_write_and_names_the_role(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    req = scene(team)
    team.fake.fail("PUT", r"/issues/\d+$", status=403, times=99)

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 2
    assert f"#{req}: GitLab: set labels on issue #{req} failed: 403, the token's user may not " in (
        run.text
    )
    assert "give the token's user the role Reporter (or Planner on GitLab 17.7" in run.text
    assert run.count("PUT") == 1 and run.count("POST") == 0  # it stopped at the first refusal
    assert "(skipped) post note [coverage] (the run stopped)" in run.text


def test_label_changes_gitlab_drops_for_a_guest_stop_the_run_once_and_name_the_role(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitLab answers 200 to a Guest's label change and drops it: the bot compares the answer
    with what it asked, stops, and says which role it needs, on each run once, never a loop."""
    req = scene(team)
    team.fake.members[team.fake.bot] = GUEST

    runs = [team.reconcile(f"2026-11-20T{hour}:00") for hour in (14, 15)]

    for run in runs:
        assert run.code == 2, run.text
        assert run.count("PUT") == 1 and run.count("POST") == 0  # one attempt, then it stops
        assert f"#{req}: GitLab: set labels on issue #{req} failed: GitLab dropped it" in run.text
        assert "give the token's user the role Reporter (or Planner on GitLab 17.7" in run.text
    assert team.labels(req) == ["pto"]


def test_a_wrong_project_says_which_variable_to_fix(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scene(team)
    monkeypatch.setenv("PTO_BOT_PROJECT", "support/wrong")

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 2
    [line] = error_lines(capsys)
    assert "404, project support/wrong not found — check PTO_BOT_PROJECT (or CI_PROJECT_ID)" in (
        line
    )


@pytest.mark.parametrize("status", [400, 409])
def test_gitlabs_spam_check_refusing_an_issue_fails_that_request_only(
    team: Team, status: int
) -> None:
    team.playbook("Northwind", "dbass90", "high", "auto-assigned")
    first = team.request("andsmith3", "2026-12-07", "2026-12-11", created="2026-11-01")
    second = team.request("dbass90", "2026-12-07", "2026-12-11", created="2026-11-02")
    team.fake.spam = status

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 1
    assert f"failed: {status}, GitLab's spam check refused it" in run.text
    assert "Admin area > Users > Trust user" in run.text
    assert "pto::covered" in team.labels(first)  # the other request got its writes
    assert team.fallback_of(second) is None

    team.fake.spam = None  # the next run opens it
    assert team.reconcile("2026-11-20T15:00").code == 0
    assert team.fallback_of(second) is not None


def test_gitlab_unreachable_says_to_check_the_url(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    scene(team)
    failure = "HTTPSConnectionPool: NameResolutionError: Failed to resolve 'gitlab.example.com'"
    team.fake.fail("GET", ".", error=requests.ConnectionError, message=failure, times=99)

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 2
    [line] = error_lines(capsys)
    assert "GitLab at https://gitlab.example.com cannot be reached (its host name cannot be " in (
        line
    )
    assert "check GITLAB_URL" in line
    assert team.fake.sleeps == [1, 2, 4, 8]  # retried first, as for any connection error


# --- where GitLab is, and the token that may be sent there ----------------------------------------


def attempts(team: Team) -> int:
    """Every request the run tried to send, to GitLab or to any other host."""
    return len(team.fake.mock.calls)


def refused_before_any_request(team: Team, capsys: pytest.CaptureFixture[str]) -> str:
    """Run the reconcile; it must stop with exit 2 before sending anything. Its one line."""
    scene(team)
    run = team.reconcile("2026-11-20T14:00")
    assert run.code == 2
    assert attempts(team) == 0
    [line] = error_lines(capsys)
    return line


def test_in_ci_a_gitlab_url_pipeline_variable_naming_another_host_stops_before_any_request(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_SERVER_URL", BASE_URL)
    monkeypatch.setenv("GITLAB_URL", "https://their-host.example")

    line = refused_before_any_request(team, capsys)

    assert "GITLAB_URL is https://their-host.example, but in a CI job the bot talks only to " in (
        line
    )
    assert f"CI_SERVER_URL ({BASE_URL})" in line and "gitlab.url in policy.yaml" in line
    assert "delete the GITLAB_URL variable" in line


def test_in_ci_a_gitlab_url_equal_to_ci_server_url_is_used(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene(team)
    monkeypatch.setenv("CI_SERVER_URL", BASE_URL)
    monkeypatch.setenv("GITLAB_URL", BASE_URL.upper() + "/")  # the same server, written apart

    assert team.reconcile("2026-11-20T14:00").code == 0


def test_in_ci_without_gitlab_url_the_job_talks_to_ci_server_url(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene(team)
    monkeypatch.setenv("CI_SERVER_URL", BASE_URL)
    monkeypatch.delenv("GITLAB_URL")

    assert team.reconcile("2026-11-20T14:00").code == 0
    assert len(team.fake.calls) == attempts(team) > 0


def test_in_ci_the_gitlab_url_the_policy_names_is_used_by_every_run(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A runner whose CI_SERVER_URL is an internal name: the policy says which address the
    team's GitLab has, and the jobs talk to it."""
    scene(team)
    policy = team.tmp / "with-url.yaml"
    text = Path(team.policy).read_text(encoding="utf-8")
    policy.write_text(text.replace("team:\n", f"gitlab:\n  url: {BASE_URL}\nteam:\n", 1))
    team.policy = str(policy)
    monkeypatch.setenv("CI_SERVER_URL", "https://gitlab.internal.example")
    monkeypatch.setenv("GITLAB_URL", BASE_URL)

    assert team.reconcile("2026-11-20T14:00").code == 0
    assert team.reconcile("2026-11-20T15:00", "--dry-run").code == 0
    assert len(team.fake.calls) == attempts(team) > 0


def test_plain_http_to_a_host_that_is_not_this_machine_is_refused(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_URL", "http://gitlab.example.com")

    line = refused_before_any_request(team, capsys)

    assert "GITLAB_URL is http://gitlab.example.com: the token would cross the network " in line
    assert "use https:// (http:// only for this machine: localhost, 127.0.0.1, [::1])" in line


def test_a_gitlab_url_ending_in_api_v4_says_what_to_set(
    team: Team, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_URL", f"{BASE_URL}/api/v4/")

    line = refused_before_any_request(team, capsys)

    assert f"GITLAB_URL ends in /api/v4: set it to GitLab's own address, {BASE_URL}" in line


@pytest.mark.parametrize(
    ("pasted", "named"),
    [
        (f"{TOKEN}\u2019", "RIGHT SINGLE QUOTATION MARK (U+2019)"),
        (f"\u200b{TOKEN}", "ZERO WIDTH SPACE (U+200B)"),
        (TOKEN[:8] + " " + TOKEN[8:], "SPACE (U+0020)"),
    ],
)
def test_a_token_with_a_character_a_header_cannot_carry_names_gitlab_token(
    team: Team,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pasted: str,
    named: str,
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", pasted)

    line = refused_before_any_request(team, capsys)

    assert f"GITLAB_TOKEN holds a character an HTTP header cannot carry: {named}" in line
    assert "paste the token again" in line and TOKEN[6:] not in line


@pytest.fixture
def elsewhere() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A second HTTP server on this machine, and the requests it received (headers each)."""
    received: list[dict[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received.append(dict(self.headers))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": 1, "username": "pto-bot"}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_the_token_never_follows_a_redirect_to_another_host(
    team: Team,
    capsys: pytest.CaptureFixture[str],
    elsewhere: tuple[str, list[dict[str, str]]],
    status: int,
) -> None:
    scene(team)
    other, received = elsewhere
    team.fake.mock.add_passthru(other)  # a request that follows the redirect really gets there
    team.fake.fail("GET", "^/user$", status=status, location=f"{other}/api/v4/user")

    run = team.reconcile("2026-11-20T14:00")

    assert received == []  # not the token, not a request: nothing
    assert run.code == 2
    [line] = error_lines(capsys)
    assert f"GitLab at {BASE_URL} answered {status} with a redirect to another host, " in line
    assert f"{other}; the token was not sent there" in line
    assert "set GITLAB_URL to the address GitLab answers at itself" in line


def test_a_redirect_within_gitlab_itself_is_followed(team: Team) -> None:
    scene(team)
    team.fake.fail("GET", "^/user$", status=301, location=f"{BASE_URL}/api/v4/user")

    run = team.reconcile("2026-11-20T14:00")

    assert run.code == 0
    assert run.calls[:2] == [("GET", "/user"), ("GET", "/user")]
