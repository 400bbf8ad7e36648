"""URLs that are secrets (a Slack incoming webhook, a calendar's private feed): whoever has one
can use it, so it is checked here without ever being repeated in a message."""

from __future__ import annotations

from urllib.parse import urlsplit

from ..domain.server_url import loopback


def check_secret_url(url: str, allow_loopback_http: bool) -> None:
    """Raise :class:`ValueError` (saying what is wrong, never the URL) unless ``url`` is
    ``https://``, or, with ``allow_loopback_http``, ``http://`` on the loopback address (as
    GitLab's own address may be: :func:`~pto_bot.domain.server_url.loopback`)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise ValueError("is not a URL") from None
    if not host:
        raise ValueError("is not an https:// URL")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and allow_loopback_http and loopback(host):
        return
    raise ValueError("is not an https:// URL")
