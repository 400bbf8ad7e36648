"""Rule 9 (rotation): the pod line-up in force on a day, from ``pods`` and ``rotations``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from pto_bot.domain.policy import Policy
from pto_bot.domain.policy_file import load_policy, parse_policy
from pto_bot.rules.rotation import is_lead, next_rotation, pod_of, pods_on

ROOT = Path(__file__).resolve().parents[2]
TEAM_POLICY = ROOT / "policy.yaml"


def team_data() -> dict[str, Any]:
    data = yaml.safe_load(TEAM_POLICY.read_text())
    assert isinstance(data, dict)
    return data


# -- pods over time --------------------------------------------------------------------------

ROTATED = {
    "alpha": {"lead": "dbass90", "members": ["dbass90", "klang", "michwalker"]},
    "beta": {"lead": "adamlauzon", "members": ["adamlauzon", "a.conrad", "andsmith3"]},
    "gamma": {"members": ["malmendarez", "harishsr", "magomez3"]},
}


@pytest.fixture
def rotating() -> Policy:
    data = team_data()
    data["rotations"] = [
        {"effective": date(2026, 5, 15), "pods": ROTATED},
        {"effective": date(2026, 11, 15), "pods": data["pods"]},
    ]
    return parse_policy(data, "policy.yaml")


@pytest.mark.parametrize(
    ("day", "lineup"),
    [
        (date(2026, 5, 14), "pods"),
        (date(2026, 5, 15), "rotation 1"),
        (date(2026, 11, 14), "rotation 1"),
        (date(2026, 11, 15), "rotation 2"),
        (date(2030, 1, 1), "rotation 2"),
    ],
)
def test_pods_on_uses_the_line_up_in_force_from_its_effective_date(
    rotating: Policy, day: date, lineup: str
) -> None:
    expected = {
        "pods": rotating.pods,
        "rotation 1": rotating.rotations[0].pods,
        "rotation 2": rotating.rotations[1].pods,
    }[lineup]

    assert pods_on(rotating, day) is expected


def test_pod_of_follows_the_rotation(rotating: Policy) -> None:
    before, after = date(2026, 5, 14), date(2026, 5, 15)

    assert pod_of(rotating, "klang", before) == ("beta", rotating.pods["beta"])
    assert pod_of(rotating, "klang", after) == ("alpha", rotating.rotations[0].pods["alpha"])
    assert pod_of(rotating, "melroberts", after) is None


def test_is_lead_follows_the_rotation(rotating: Policy) -> None:
    before, after = date(2026, 5, 14), date(2026, 5, 15)

    assert is_lead(rotating, "harishsr", before)
    assert not is_lead(rotating, "harishsr", after)
    assert is_lead(rotating, "dbass90", after)
    assert not is_lead(rotating, "malmendarez", after)  # gamma has no lead after the rotation


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), date(2026, 5, 15)),
        (date(2026, 5, 15), date(2026, 11, 15)),
        (date(2026, 11, 15), None),
    ],
)
def test_next_rotation_is_the_first_one_strictly_after(
    rotating: Policy, day: date, expected: date | None
) -> None:
    assert next_rotation(rotating, day) == expected


def test_no_rotations_means_the_pods_always_apply() -> None:
    policy = load_policy(TEAM_POLICY)

    assert next_rotation(policy, date(2026, 1, 1)) is None
    assert pods_on(policy, date(2099, 1, 1)) is policy.pods
