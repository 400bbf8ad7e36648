"""Shared fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import responses

from fake_gitlab import FakeGitLab

# Every command run in a test plans strictly: a planning function that raises fails the test
# instead of passing as "nothing to do" (production reports it and plans the other issues).
os.environ["PTO_BOT_STRICT"] = "1"


@pytest.fixture
def fake_gitlab() -> Iterator[FakeGitLab]:
    """A stateful fake GitLab API at ``fake_gitlab.API``; every request of the test goes to it."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeGitLab(mock)
