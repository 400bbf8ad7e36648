"""GitLab's address as the bot accepts it: a base URL (``https://host[:port][/prefix]``, never
ending in ``/api/v4``), ``http://`` only for this machine. One place for the rule, used by the
policy's ``gitlab.url`` and by the variables a run reads (``GITLAB_URL``, ``CI_SERVER_URL``)."""

from __future__ import annotations

import ipaddress
import re

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
API_SUFFIX = "/api/v4"
_URL = re.compile(
    r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<login>[^/?#@]*@)?"
    r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^/?#:\[\]]+)(?::(?P<port>[^/?#]*))?"
    r"(?P<path>/[^?#]*)?(?P<rest>[?#].*)?"
)
_PORTS = {"https": "443", "http": "80"}


def loopback(host: str) -> bool:
    """``host`` (a name, or an address in brackets or not) is this machine."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problem(url: str, name: str) -> str | None:
    """Why ``url`` (read from ``name``) cannot be GitLab's address, or None when it can."""
    found = _URL.fullmatch(url.strip())
    scheme = url.strip().partition("://")[0].lower() if "://" in url else ""
    if scheme not in _PORTS:
        return f"{name} is {url!r}: it should start with https:// (e.g. https://gitlab.com)"
    if found is None or (found["port"] is not None and not found["port"].isdigit()):
        return f"{name} is {url!r}: it should be GitLab's address (e.g. https://gitlab.com)"
    if scheme == "http" and not loopback(found["host"]):
        return (
            f"{name} is {url}: the token would cross the network unencrypted; use https:// "
            "(http:// only for this machine: localhost, 127.0.0.1, [::1])"
        )
    if found["login"] or found["rest"]:
        return f"{name} is {url!r}: it should be GitLab's address alone, without ?, # or a login"
    if (found["path"] or "").rstrip("/").endswith(API_SUFFIX):
        base = normal_url(url)[: -len(API_SUFFIX)]
        return (
            f"{name} ends in {API_SUFFIX}: set it to GitLab's own address, {base} (pto-bot adds "
            f"{API_SUFFIX} itself)"
        )
    return None


def normal_url(url: str) -> str:
    """``url`` as one server is written once: scheme and host in lower case, no default port,
    no trailing slash (a URL that is no address comes back as given)."""
    found = _URL.fullmatch(url.strip())
    if found is None:
        return url.strip()
    scheme = found["scheme"].lower()
    port = found["port"] or ""
    port = "" if port in ("", _PORTS.get(scheme)) else f":{port}"
    path = (found["path"] or "").rstrip("/")
    return f"{scheme}://{found['host'].lower()}{port}{path}"


def same_server(a: str, b: str) -> bool:
    return normal_url(a) == normal_url(b)
