"""The one edge where a failure becomes a message: one line, what failed, secrets scrubbed."""

from __future__ import annotations

from pto_bot.app.exits import EXIT_CONFIG, EXIT_PARTIAL, explain, secrets_in
from pto_bot.errors import AccessError, ConfigError, TrackerError

TOKEN = "glpat-abcdef0123456789"


def test_secrets_are_taken_as_used_and_scrubbed_from_every_line() -> None:
    secrets = secrets_in({"GITLAB_TOKEN": f"{TOKEN}\n", "PTO_BOT_SLACK_WEBHOOK": " "})
    assert secrets == [TOKEN]
    code, lines = explain(ValueError(f"bad header Bearer {TOKEN}\n at line 3"), secrets)
    assert code == EXIT_PARTIAL
    assert lines == [
        "unexpected ValueError: bad header Bearer [secret] at line 3 — this is a bug in "
        "pto_bot; please report it with this job log"
    ]


def test_the_time_off_calendars_address_is_a_secret_too() -> None:
    feed = "https://hr.example.com/ical/private-7f3c9e1d2b/basic.ics"
    secrets = secrets_in({"PTO_BOT_CALENDAR_URL": f" {feed}\n"})
    assert secrets == [feed]
    _, lines = explain(TrackerError(f"could not read {feed}: 403"), secrets)
    assert lines == ["could not read [secret]: 403"]


def test_configuration_errors_exit_2_with_one_line_per_problem() -> None:
    code, lines = explain(ConfigError(["policy.yaml: team: missing", "policy.yaml: bot: x"]), [])
    assert code == EXIT_CONFIG
    assert lines == ["policy.yaml: team: missing", "policy.yaml: bot: x"]


def test_tracker_errors_and_files_say_what_failed() -> None:
    assert explain(TrackerError(f"GitLab: list issues failed: 401 {TOKEN}"), [TOKEN]) == (
        EXIT_PARTIAL,
        ["GitLab: list issues failed: 401 [secret]"],
    )
    error = IsADirectoryError(21, "Is a directory", "public/index.html")
    assert explain(error, []) == (EXIT_CONFIG, ["public/index.html: Is a directory"])


def test_a_tracker_error_with_advice_is_one_line_and_a_refused_run_exits_2() -> None:
    refused = AccessError("GitLab: read the bot's user failed: 401", kind="unauthorized", hint="x")
    assert explain(refused, []) == (EXIT_CONFIG, ["GitLab: read the bot's user failed: 401 — x"])
    one = TrackerError("GitLab: open issue failed: 400", 7, kind="spam", hint="trust the user")
    assert explain(one, []) == (EXIT_PARTIAL, ["GitLab: open issue failed: 400 — trust the user"])
