"""The shipped policies load and match the committed schema; a broken policy is refused with
the message a manager would see (file, key path, what was expected)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from pto_bot.domain.policy import Labels, Policy
from pto_bot.domain.policy_file import load_policy, parse_policy, policy_schema
from pto_bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
TEAM_POLICY = ROOT / "policy.yaml"
CLASSIC = ROOT / "examples" / "policies" / "classic.yaml"
TAM_BUDDY = ROOT / "examples" / "policies" / "tam-buddy.yaml"
SHIPPED = [TEAM_POLICY, CLASSIC, TAM_BUDDY]
SCHEMA = ROOT / "policy.schema.json"

AMER_ASE_COUNTRIES = {
    "harishsr": "US",
    "dbass90": "CA",
    "andsmith3": "US",
    "klang": "US",
    "adamlauzon": "CA",
    "magomez3": "US",
    "a.conrad": "US",
    "malmendarez": "US",
    "michwalker": "US",
}

Mutation = Callable[[dict[str, Any]], None]


def team_data() -> dict[str, Any]:
    """policy.yaml as plain data, ready to be broken one key at a time."""
    data = yaml.safe_load(TEAM_POLICY.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def refused(data: Any) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_policy(data, "policy.yaml")
    return caught.value.messages


# -- the shipped policies --------------------------------------------------------------------


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_policy_loads_and_points_editors_at_the_schema(path: Path) -> None:
    policy = load_policy(path)

    assert isinstance(policy, Policy)
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first_line.startswith(prefix)
    assert (path.parent / first_line.removeprefix(prefix)).resolve() == SCHEMA


def test_team_policy_is_the_amer_ase_pilot() -> None:
    policy = load_policy(TEAM_POLICY)

    assert (policy.team.name, policy.team.manager) == ("AMER ASE", "melroberts")
    assert policy.team.channel == "#support_assigned-support-eng"
    assert policy.team.timezone == "America/New_York"
    assert policy.working_weekdays == frozenset(range(5))
    assert (policy.bot.username, policy.bot.command) == ("pto-bot", "/pto")
    assert (policy.pilot.start, policy.pilot.review) == (date(2025, 11, 15), date(2025, 12, 15))
    assert {name: e.country for name, e in policy.engineers.items()} == AMER_ASE_COUNTRIES
    assert {name: (pod.lead, pod.members) for name, pod in policy.pods.items()} == {
        "alpha": ("harishsr", ["harishsr", "dbass90", "andsmith3"]),
        "beta": ("klang", ["klang", "adamlauzon", "magomez3"]),
        "gamma": ("a.conrad", ["a.conrad", "malmendarez", "michwalker"]),
    }
    assert policy.rotations == []
    assert (policy.thresholds.visibility, policy.thresholds.approval) == (2, 3)
    assert policy.coverage.mode == "pods"
    assert policy.coverage.named_backup.all_accounts is False
    assert policy.coverage.named_backup.priorities == ["high"]
    assert policy.coverage.named_backup.coverage_models == ["auto-assigned"]
    assert policy.coverage.hours_per_week == {"auto-assigned": 4, "named": 2}
    assert policy.coverage.capacity_hours_per_week == 8
    assert policy.coverage.pod_out_limit == 2
    assert (policy.fallback.window_hours.planned, policy.fallback.window_hours.emergency) == (48, 4)
    assert policy.fallback.max_accounts_per_volunteer == 2
    assert (policy.fallback.weeks_per_year.min, policy.fallback.weeks_per_year.max) == (2, 4)
    assert (policy.requests.lead_time_days, policy.requests.max_days) == (14, 60)
    assert policy.reminders.days_before_start == 7
    assert policy.reminders.playbook_stale_days == 14
    assert len(policy.checklists.before) == 4
    assert policy.checklists.backup
    assert len(policy.checklists.returning) == 5


def test_team_policy_lists_every_label_with_its_default() -> None:
    # Listed explicitly so a manager can see and rename them; the values are the defaults.
    assert team_data()["labels"] == Labels().model_dump()


def test_classic_example_uses_hand_picked_backups_for_every_account() -> None:
    policy = load_policy(CLASSIC)

    assert policy.pods == {}
    assert policy.coverage.mode == "hand-picked"
    assert policy.coverage.mention_manager is True
    assert policy.coverage.named_backup.all_accounts is True
    assert policy.requests.lead_time_days == 14
    assert policy.team.manager == "melroberts"
    assert set(AMER_ASE_COUNTRIES) < set(policy.engineers)
    assert len(policy.engineers) == len(AMER_ASE_COUNTRIES) + 2


def test_tam_buddy_example_pairs_tams_without_leads() -> None:
    policy = load_policy(TAM_BUDDY)

    assert len(policy.pods) == 3
    assert all(len(pod.members) == 2 and pod.lead is None for pod in policy.pods.values())
    assert {policy.engineers[m].country for pod in policy.pods.values() for m in pod.members} == {
        "US",
        "CA",
    }
    assert policy.coverage.named_backup.all_accounts is True
    assert max(policy.coverage.hours_per_week.values()) <= 1
    assert policy.coverage.capacity_hours_per_week is None  # the buddy covers the whole book
    assert policy.thresholds.approval is None  # nothing waits for approval
    assert policy.reminders.backup_before_return is True
    assert policy.checklists.backup


def test_rotation_example_in_the_team_policy_comments_is_valid() -> None:
    # The commented example must still load once a manager uncomments it.
    lines = TEAM_POLICY.read_text(encoding="utf-8").splitlines()
    start = lines.index("# rotations:")
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line[2:])
    data = team_data()
    data.update(yaml.safe_load("\n".join(block)))

    policy = parse_policy(data, "policy.yaml")

    assert [r.effective for r in policy.rotations] == [date(2026, 5, 15)]
    assert sorted(m for pod in policy.rotations[0].pods.values() for m in pod.members) == sorted(
        AMER_ASE_COUNTRIES
    )


# -- the schema ------------------------------------------------------------------------------


def test_committed_schema_is_what_the_code_generates() -> None:
    # Regenerate with: python -c "from pto_bot.domain.policy_file import policy_schema;
    #   print(policy_schema(), end='')" > policy.schema.json
    assert SCHEMA.read_text(encoding="utf-8") == policy_schema()


def test_schema_lists_every_top_level_key_and_refuses_others() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))

    assert set(schema["properties"]) == {
        "team",
        "bot",
        "gitlab",
        "go_live",
        "pilot",
        "engineers",
        "pods",
        "rotations",
        "thresholds",
        "approval",
        "coverage",
        "fallback",
        "requests",
        "reminders",
        "reports",
        "limits",
        "checklists",
        "labels",
        "out_of_office",
    }
    assert set(schema["required"]) == {"team", "engineers", "checklists"}
    assert schema["additionalProperties"] is False
    assert set(schema["$defs"]["Checklists"]["properties"]) == {"before", "backup", "return"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_policy_uses_only_keys_the_schema_lists(path: Path) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    keys = set(yaml.safe_load(path.read_text(encoding="utf-8")))

    assert set(schema["required"]) <= keys <= set(schema["properties"])


# -- broken policies -------------------------------------------------------------------------


def put(*path: str | int, value: Any) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path
        node: Any = data
        for key in parents:
            node = node[key]
        node[last] = value

    return mutate


def rename(old: str, new: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[new] = data.pop(old)

    return mutate


def rename_in(parent: str, old: str, new: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data[parent][new] = data[parent].pop(old)

    return mutate


def drop(key: str) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        del data[key]

    return mutate


def rotations(*effective: str, pods: dict[str, Any] | None = None) -> Mutation:
    def mutate(data: dict[str, Any]) -> None:
        data["rotations"] = [
            {"effective": day, "pods": copy.deepcopy(pods or data["pods"])} for day in effective
        ]

    return mutate


BROKEN: list[tuple[str, Mutation, list[str]]] = [
    (
        "username with a trailing space",
        put("pods", "beta", "members", 1, value="klang "),
        ["policy.yaml: pods.beta.members[1]: 'klang ' is not a GitLab username"],
    ),
    (
        "misspelt top-level key",
        rename("thresholds", "threshold"),
        [
            "policy.yaml: threshold: unknown key "
            "(check the spelling; see policy.schema.json for the keys)"
        ],
    ),
    (
        "unknown nested key",
        put("coverage", "pod_out_limt", value=2),
        [
            "policy.yaml: coverage.pod_out_limt: unknown key "
            "(check the spelling; see policy.schema.json for the keys)"
        ],
    ),
    (
        "country spelt out",
        put("engineers", "dbass90", "country", value="Canada"),
        [
            "policy.yaml: engineers.dbass90.country: 'Canada' is not a country code "
            "the holidays package knows (e.g. US, CA)"
        ],
    ),
    (
        "subdivision ON read by YAML as true",
        put("engineers", "dbass90", "subdivision", value=True),
        [
            "policy.yaml: engineers.dbass90.subdivision: "
            'YAML read this as true/false: put it in quotes, e.g. "ON"'
        ],
    ),
    (
        "subdivision the holidays package does not know",
        put("engineers", "dbass90", "subdivision", value="QX"),
        [
            "policy.yaml: engineers.dbass90: subdivision 'QX' is not one the holidays package "
            "knows for CA (e.g. ON for CA, CA for US)"
        ],
    ),
    (
        "one user on the roster twice, in two cases",
        put("engineers", "KLang", value={"country": "US"}),
        [
            "policy.yaml: engineers: 'KLang' and 'klang' are one GitLab user (GitLab "
            "usernames do not tell case apart); list them once"
        ],
    ),
    (
        "a pod member written in another case than on the roster",
        put("pods", "beta", "members", 1, value="AdamLauzon"),
        [
            "policy.yaml: pods.beta.members[1]: 'AdamLauzon' is 'adamlauzon' under engineers: "
            "write it the same way"
        ],
    ),
    (
        "engineer key is not a username",
        put("engineers", "a conrad", value={"country": "US"}),
        ["policy.yaml: engineers.a conrad: 'a conrad' is not a GitLab username"],
    ),
    (
        "time zone abbreviation",
        put("team", "timezone", value="EST5"),
        ["policy.yaml: team.timezone: 'EST5' is not an IANA time zone (e.g. America/New_York)"],
    ),
    (
        "time zone that is a folder",
        put("team", "timezone", value="America"),
        ["policy.yaml: team.timezone: 'America' is not an IANA time zone (e.g. America/New_York)"],
    ),
    (
        "capitalised working day",
        put("team", "working_days", value=["Mon", "tue"]),
        [
            "policy.yaml: team.working_days[0]: "
            "Input should be 'mon', 'tue', 'wed', 'thu', 'fri', 'sat' or 'sun'"
        ],
    ),
    (
        "lead not a member",
        put("pods", "alpha", "lead", value="klang"),
        [
            "policy.yaml: pods.alpha: lead 'klang' is not one of the members "
            "['harishsr', 'dbass90', 'andsmith3']"
        ],
    ),
    (
        "member not under engineers",
        put("pods", "gamma", "members", 2, value="mwalker"),
        ["policy.yaml: pods.gamma.members[2]: 'mwalker' is not under engineers"],
    ),
    (
        "same engineer in two pods",
        put("pods", "alpha", "members", value=["harishsr", "dbass90", "andsmith3", "klang"]),
        ["policy.yaml: pods.beta.members[0]: 'klang' is already in pod alpha"],
    ),
    (
        "same engineer twice in one pod",
        put("pods", "alpha", "members", value=["harishsr", "dbass90", "dbass90"]),
        ["policy.yaml: pods.alpha: 'dbass90' is listed twice in members"],
    ),
    (
        "every roster problem reported at once",
        put("pods", "gamma", "members", value=["a.conrad", "mwalker", "klang"]),
        [
            "policy.yaml: pods.gamma.members[1]: 'mwalker' is not under engineers",
            "policy.yaml: pods.gamma.members[2]: 'klang' is already in pod beta",
        ],
    ),
    (
        "pod of one",
        put("pods", "gamma", value={"members": ["michwalker"]}),
        [
            "policy.yaml: pods.gamma.members: "
            "List should have at least 2 items after validation, not 1"
        ],
    ),
    (
        "pods mode without pods",
        put("pods", value={}),
        ["policy.yaml: pods: coverage.mode is 'pods' but no pods are defined"],
    ),
    (
        "approval below visibility",
        put("thresholds", value={"visibility": 3, "approval": 2}),
        ["policy.yaml: thresholds: approval (2) must be at least visibility (3)"],
    ),
    (
        "coverage mode misspelt",
        put("coverage", "mode", value="handpicked"),
        ["policy.yaml: coverage.mode: Input should be 'pods' or 'hand-picked'"],
    ),
    (
        "rotations out of order",
        rotations("2026-11-15", "2026-05-15"),
        [
            "policy.yaml: rotations: effective dates must be distinct and in order "
            "(2026-11-15, 2026-05-15)"
        ],
    ),
    (
        "rotations on the same day",
        rotations("2026-05-15", "2026-05-15"),
        [
            "policy.yaml: rotations: effective dates must be distinct and in order "
            "(2026-05-15, 2026-05-15)"
        ],
    ),
    (
        "rotation date in the wrong format",
        rotations("15/05/2026"),
        [
            "policy.yaml: rotations[0].effective: Input should be a valid date or datetime, "
            "invalid character in year (expected YYYY-MM-DD)"
        ],
    ),
    (
        "pilot date in the wrong format",
        put("pilot", "start", value="11/15/2025"),
        [
            "policy.yaml: pilot.start: Input should be a valid date or datetime, "
            "invalid character in year (expected YYYY-MM-DD)"
        ],
    ),
    (
        "pilot review before its start",
        put("pilot", value={"start": "2025-12-15", "review": "2025-11-15"}),
        ["policy.yaml: pilot.review: comes before pilot.start"],
    ),
    (
        "rotation member not under engineers",
        rotations("2026-05-15", pods={"alpha": {"members": ["harishsr", "jdoe"]}}),
        ["policy.yaml: rotations[0].pods.alpha.members[1]: 'jdoe' is not under engineers"],
    ),
    (
        "command is a GitLab quick action",
        put("bot", "command", value="/close"),
        ["policy.yaml: bot.command: '/close' is a GitLab quick action; pick another word"],
    ),
    (
        "command without its slash",
        put("bot", "command", value="pto"),
        ["policy.yaml: bot.command: 'pto' is not a command word like /pto"],
    ),
    (
        "label with a comma",
        put("labels", "request", value="pto, leave"),
        [
            "policy.yaml: labels.request: 'pto, leave' is not a usable label name "
            "(no commas, no outer spaces)"
        ],
    ),
    (
        "two labels with the same name",
        put("labels", "denied", value="pto::cancelled"),
        ["policy.yaml: labels: 'pto::cancelled' is used for two purposes; give each its own label"],
    ),
    (
        "hours for an unknown kind of account",
        put("coverage", "hours_per_week", "auto_assigned", value=4),
        [
            "policy.yaml: coverage.hours_per_week.auto_assigned: "
            "Input should be 'auto-assigned' or 'named'"
        ],
    ),
    (
        "zero capacity",
        put("coverage", "capacity_hours_per_week", value=0),
        ["policy.yaml: coverage.capacity_hours_per_week: Input should be greater than 0"],
    ),
    (
        "fallback weeks the wrong way round",
        put("fallback", "weeks_per_year", value={"min": 4, "max": 2}),
        ["policy.yaml: fallback.weeks_per_year: max is below min"],
    ),
    (
        "fractional lead time",
        put("requests", "lead_time_days", value=10.5),
        [
            "policy.yaml: requests.lead_time_days: "
            "Input should be a valid integer, got a number with a fractional part"
        ],
    ),
    (
        "writes paced at zero a minute",
        put("limits", "writes_per_minute", value=0),
        ["policy.yaml: limits.writes_per_minute: Input should be greater than or equal to 1"],
    ),
    (
        "a run writing longer than a CI job's hour",
        put("limits", "write_minutes", value=90),
        ["policy.yaml: limits.write_minutes: Input should be less than or equal to 50"],
    ),
    (
        "missing checklists",
        drop("checklists"),
        ["policy.yaml: checklists: missing (required)"],
    ),
    (
        "empty return checklist",
        put("checklists", "return", value=[]),
        [
            "policy.yaml: checklists.return: "
            "List should have at least 1 item after validation, not 0"
        ],
    ),
    (
        "return checklist under its old name",
        rename_in("checklists", "return", "returning"),
        [
            "policy.yaml: checklists.return: missing (required)",
            "policy.yaml: checklists.returning: unknown key "
            "(check the spelling; see policy.schema.json for the keys)",
        ],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "expected"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN]
)
def test_broken_policy_is_refused_with_a_message_naming_the_key(
    mutate: Mutation, expected: list[str]
) -> None:
    data = team_data()
    mutate(data)

    assert refused(data) == expected


def test_the_unbroken_team_data_is_accepted() -> None:
    # The table above breaks exactly one thing each: the starting point itself is valid.
    assert parse_policy(team_data(), "policy.yaml").team.name == "AMER ASE"


def test_hours_per_week_for_one_kind_keeps_the_default_for_the_other() -> None:
    data = team_data()
    data["coverage"]["hours_per_week"] = {"named": 3}

    policy = parse_policy(data, "policy.yaml")

    assert policy.coverage.hours_per_week == {"auto-assigned": 4.0, "named": 3.0}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([{"team": {}}], "policy.yaml: expected a mapping of keys at the top, got a list"),
        (None, "policy.yaml: the file is empty; expected the policy's keys (team, ...)"),
    ],
    ids=["list", "empty file"],
)
def test_top_level_must_be_a_mapping(data: Any, expected: str) -> None:
    assert refused(data) == [expected]


def test_yaml_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    text = TEAM_POLICY.read_text(encoding="utf-8").replace("  name: AMER ASE", "\tname: AMER ASE")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("\tname: AMER ASE") + 1

    with pytest.raises(ConfigError) as caught:
        load_policy(path)

    assert caught.value.messages == [
        f"{path}: line {line}, column 1: not valid YAML: "
        "found character '\\t' that cannot start any token"
    ]


BROKEN_FILES: list[tuple[str, bytes, str]] = [
    ("empty", b"", "the file is empty; expected the policy's keys (team, ...)"),
    ("only comments", b"# policy\n", "the file is empty; expected the policy's keys (team, ...)"),
    ("top-level list", b"- team: AMER ASE\n", "expected a mapping of keys at the top, got a list"),
    (
        "key given twice",
        b"engineers:\n  klang: { country: US }\n  klang: { country: CA }\n",
        "line 3, column 3: not valid YAML: 'klang' is given twice",
    ),
    ("not UTF-8", "team:\n  name: \u00c9quipe\n".encode("latin-1"), "not UTF-8 text (byte 14)"),
]


@pytest.mark.parametrize(
    ("content", "expected"), [c[1:] for c in BROKEN_FILES], ids=[c[0] for c in BROKEN_FILES]
)
def test_unreadable_policy_file_is_refused_with_the_file_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "policy.yaml"
    path.write_bytes(content)

    with pytest.raises(ConfigError) as caught:
        load_policy(path)

    assert caught.value.messages == [f"{path}: {expected}"]


def test_engineer_listed_twice_is_refused_with_the_line(tmp_path: Path) -> None:
    # Plain YAML would silently keep the second entry and move klang to Canada.
    path = tmp_path / "policy.yaml"
    klang = "  klang: { country: US }"
    lines = TEAM_POLICY.read_text(encoding="utf-8").splitlines()
    second = lines.index(klang) + 2
    lines.insert(second - 1, "  klang: { country: CA }")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_policy(path)

    assert caught.value.messages == [
        f"{path}: line {second}, column 3: not valid YAML: 'klang' is given twice"
    ]


def test_missing_policy_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"

    with pytest.raises(ConfigError) as caught:
        load_policy(path)

    assert caught.value.messages == [
        f"{path}: cannot read the policy file (No such file or directory)"
    ]


def test_impossible_unquoted_date_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("pilot:\n  review: 2025-11-31\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_policy(path)

    assert caught.value.messages == [
        f"{path}: line 2: 2025-11-31 is not a real date (expected YYYY-MM-DD)"
    ]


def test_out_of_office_wording_names_an_unknown_placeholder() -> None:
    from pto_bot.domain.away_policy import AwayWording

    with pytest.raises(ValueError, match=r"covers: unknown placeholder \{engineer\}"):
        AwayWording(covers="{engineer} covers {account}")
    with pytest.raises(ValueError, match="a lone brace"):
        AwayWording(footer="Answered {")
    assert AwayWording(out="{engineer} est absent jusqu'au {end}.").out.startswith("{engineer}")


def test_gitlab_url_in_the_policy_is_checked_like_gitlab_url_in_the_environment() -> None:
    data = yaml.safe_load((ROOT / "policy.yaml").read_text())
    data["gitlab"] = {"url": "http://gitlab.example.com"}
    with pytest.raises(ConfigError) as caught:
        parse_policy(data, "policy.yaml")
    [message] = caught.value.messages
    assert message.startswith("policy.yaml: gitlab.url: the address is http://gitlab.example.com")
    assert "use https://" in message
    data["gitlab"] = {"url": "https://gitlab.example.com"}
    assert parse_policy(data).gitlab.url == "https://gitlab.example.com"


def test_an_unquoted_hash_value_is_read_as_a_comment_and_the_message_says_to_quote_it(
    tmp_path: Path,
) -> None:
    text = (ROOT / "policy.yaml").read_text()
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace('channel: "#support_assigned-support-eng"', "channel: #support"))
    line = 1 + path.read_text().splitlines().index(
        "  channel: #support # named in visibility notes; quoted because of '#'"
    )

    with pytest.raises(ConfigError) as caught:
        load_policy(path)

    assert caught.value.messages == [
        f"{path}: team.channel: line {line}: YAML reads everything from '#' as a comment, so "
        'the value is empty: put it in quotes, channel: "#support"'
    ]
