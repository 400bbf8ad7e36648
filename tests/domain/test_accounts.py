"""Accounts, read from people's text: where an account is discussed (a playbook's
``Collaboration project:`` field), found whatever else the playbook holds."""

from __future__ import annotations

import pytest

from pto_bot.domain.accounts import collaboration_projects


@pytest.mark.parametrize(
    ("description", "found"),
    [
        ("- **Collaboration project:** customers/acme", ("customers/acme",)),
        (
            "Collaboration projects: `customers/acme`, https://gitlab.example.com/customers/b",
            ("customers/acme", "customers/b"),
        ),
        ("- Collaboration project: none yet", ()),
        ("<!-- Collaboration project: customers/old -->", ()),
    ],
)
def test_the_collaboration_field_names_projects(description: str, found: tuple[str, ...]) -> None:
    assert collaboration_projects(description) == found


@pytest.mark.parametrize(
    "hostile",
    [" " * 1_000_000, "-" + " " * 1_000_000, "**" + " " * 1_000_000, "collaboration " * 70_000],
    ids=["spaces", "a bullet and spaces", "bold and spaces", "the field name repeated"],
)
def test_a_megabyte_playbook_is_read_to_its_field(hostile: str) -> None:
    """Runs of spaces used to be tried against each other: hours for a megabyte."""
    description = hostile + "x\n- **Collaboration project:** customers/acme"
    assert collaboration_projects(description) == ("customers/acme",)
