"""GitLab's address as the bot accepts it: a base URL, https (http only for this machine)."""

from __future__ import annotations

import pytest

from pto_bot.domain.server_url import normal_url, same_server, url_problem


@pytest.mark.parametrize(
    "url",
    [
        "https://gitlab.example.com",
        "https://gitlab.example.com:8443/",
        "https://example.com/gitlab",  # GitLab under a relative URL
        "http://localhost:8080",
        "http://127.0.0.1:3000",
        "http://127.9.9.9",
        "http://[::1]:8080",
        "http://gdk.localhost:3000",
    ],
)
def test_an_address_the_bot_may_talk_to(url: str) -> None:
    assert url_problem(url, "GITLAB_URL") is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("gitlab.example.com", "it should start with https:// (e.g. https://gitlab.com)"),
        ("ftp://gitlab.example.com", "it should start with https://"),
        ("https://", "it should be GitLab's address"),
        ("https://gitlab.example.com:port", "it should be GitLab's address"),
        ("http://gitlab.example.com", "the token would cross the network unencrypted"),
        ("http://10.0.0.5", "the token would cross the network unencrypted"),
        ("http://localhost.evil.example", "the token would cross the network unencrypted"),
        ("https://gitlab.example.com/api/v4", "set it to GitLab's own address, https://gitlab."),
        ("https://gitlab.example.com?x=1", "without ?, # or a login"),
        ("https://user:pw@gitlab.example.com", "without ?, # or a login"),
    ],
)
def test_an_address_refused_says_why(url: str, problem: str) -> None:
    found = url_problem(url, "GITLAB_URL")
    assert found is not None and problem in found and found.startswith("GITLAB_URL ")


def test_one_server_written_apart_is_the_same_server() -> None:
    assert normal_url("HTTPS://GitLab.Example.com:443/") == "https://gitlab.example.com"
    assert same_server("https://gitlab.example.com", "https://GITLAB.example.com/")
    assert not same_server("https://gitlab.example.com", "https://gitlab.example.com:8443")
    assert not same_server("https://gitlab.example.com", "https://gitlab.example.com.evil.io")
