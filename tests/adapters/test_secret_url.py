"""A secret URL (a Slack webhook, a calendar's private feed) is https://; plain http:// only on
this machine's loopback address, for tests against a local server, as for GitLab's address."""

from __future__ import annotations

import pytest

from pto_bot.adapters.secret_url import check_secret_url
from pto_bot.domain.server_url import url_problem


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/x",
        "http://127.0.0.2/x",
        "http://[::1]:8080/x",
        "http://LOCALHOST/x",
        "http://pages.localhost/x",
    ],
)
def test_http_on_any_loopback_address_is_admitted_when_allowed_as_for_gitlab(url: str) -> None:
    check_secret_url(url, allow_loopback_http=True)
    assert url_problem(url, "GITLAB_URL") is None
    with pytest.raises(ValueError, match=r"^is not an https:// URL$"):
        check_secret_url(url, allow_loopback_http=False)


@pytest.mark.parametrize(
    "url", ["http://hooks.slack.com/x", "http://10.0.0.1/x", "http://127.0.0.1.example.com/x"]
)
def test_http_elsewhere_is_refused_without_repeating_the_url(url: str) -> None:
    with pytest.raises(ValueError, match=r"^is not an https:// URL$"):
        check_secret_url(url, allow_loopback_http=True)
