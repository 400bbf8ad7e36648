"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from fake_gitlab import FakeGitLab


@pytest.fixture
def fake_gitlab() -> Iterator[FakeGitLab]:
    """A stateful fake GitLab API at ``fake_gitlab.API``; every request of the test goes to it."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitLab(mock)
