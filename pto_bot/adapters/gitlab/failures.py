"""What a failed GitLab request means to a team lead: the kind of failure and what to do.

The one place GitLab's error statuses and bodies are read (python-gitlab keeps them on the
exception): 401 (the token expired, was revoked or is unknown), 403 (the role or the token's
scope is too low), 404 on the project (its id or path is wrong, or the token's user cannot see
it), GitLab's spam check refusing an issue (400, or 409 asking for a CAPTCHA a bot cannot solve),
GitLab redirecting to another host (never followed) and GitLab unreachable (DNS, refused
connections, timeouts after the retries). The token never
appears: messages are built from statuses and GitLab's own texts only.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from gitlab.exceptions import GitlabAuthenticationError, GitlabError

from ...errors import AccessError, TrackerError
from .transport import RateLimited, Redirected

#: The least role the bot needs: it labels, closes and reopens issues (Guest cannot).
BOT_ROLE = "Reporter (or Planner on GitLab 17.7 and later)"

NEW_TOKEN = (
    "create a new token with the api scope and the role {role} — a project access token "
    "(the project's Settings > Access tokens; Premium on GitLab.com; a new one is a new bot "
    "user: set bot.username to it) or a personal access token of the bot's dedicated user (its "
    "Preferences > Access tokens) — and store it in the CI/CD variable GITLAB_TOKEN, masked and "
    "protected; next time, Rotate a project access token before it expires (Settings > Access "
    "tokens > Rotate): only Rotate keeps its bot user, whose notes the bot knows as its own"
)


def _body(exc: GitlabError) -> dict[str, Any]:
    try:
        data = json.loads(exc.response_body or b"")
    except (TypeError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _is_spam(status: int | None, body: dict[str, Any]) -> bool:
    if body.get("needs_captcha_response"):
        return True
    return status in (400, 409) and "recognized as spam" in json.dumps(body.get("message"))


def _unreachable(exc: BaseException) -> BaseException | None:
    """The connection error under ``exc`` (the transport wraps them), if there is one."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, requests.ConnectionError | requests.Timeout):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def translate(
    exc: BaseException, what: str, iid: int | None, *, url: str, project: str, role: str
) -> TrackerError:
    """The :class:`TrackerError` for ``exc``, raised while doing ``what`` (a phrase such as
    "list open issues labelled 'pto'"); an :class:`AccessError` when the run cannot go on."""
    where = f"GitLab: {what}" + (f" on issue #{iid}" if iid is not None else "")
    if isinstance(exc, GitlabError):
        body = _body(exc)
        status = exc.response_code
        if isinstance(exc, GitlabAuthenticationError) or status == 401:
            description = str(body.get("error_description") or "")
            why = (
                "the token has expired"
                if "expired" in description
                else "the token was revoked"
                if "revoked" in description
                else "GitLab does not accept the token (mistyped, revoked, or of another "
                "GitLab instance than GITLAB_URL)"
            )
            hint = NEW_TOKEN.format(role=BOT_ROLE)
            return AccessError(f"{where} failed: 401, {why}", None, kind="unauthorized", hint=hint)
        if status == 403:
            if body.get("error") == "insufficient_scope":
                why, hint = "the token lacks the api scope", NEW_TOKEN.format(role=BOT_ROLE)
            else:
                why = f"the token's user may not {what}"
                hint = (
                    f"give the token's user the role {role} in the project (Manage > Members), "
                    "or use a token with that role"
                )
            return AccessError(f"{where} failed: 403, {why}", None, kind="forbidden", hint=hint)
        message = str(body.get("message") or exc.error_message or "")
        if status == 404 and "Project Not Found" in message:
            return AccessError(
                f"{where} failed: 404, project {project} not found",
                None,
                kind="not-found",
                hint="check PTO_BOT_PROJECT (or CI_PROJECT_ID): the project's numeric ID (on "
                "its overview page) or its full path such as support/ase, on the instance of "
                "GITLAB_URL, with the token's user a member of it",
            )
        if _is_spam(status, body):
            return TrackerError(
                f"{where} failed: {status}, GitLab's spam check refused it and asks for a "
                "CAPTCHA a bot cannot solve",
                iid,
                kind="spam",
                hint="a GitLab administrator can mark the bot's user as trusted (Admin area > "
                "Users > Trust user), on GitLab.com ask GitLab Support; the next run tries again",
            )
        detail = message if isinstance(message, str) and message else type(exc).__name__
        return TrackerError(f"{where} failed: {status} {detail}".rstrip(), iid)
    if isinstance(exc, RateLimited):
        return AccessError(
            f"{where} failed: GitLab's rate limit ({exc})",
            None,
            kind="rate-limited",
            hint="GitLab.com allows 2,000 requests and 60 new comments a minute per user: the "
            "rest is left to the next run, which goes on from here",
        )
    if isinstance(exc, Redirected):
        return AccessError(
            f"{where} failed: GitLab at {url} answered {exc.status} with a redirect to another "
            f"host, {exc.target}; the token was not sent there",
            None,
            kind="redirected",
            hint="set GITLAB_URL to the address GitLab answers at itself (in a CI job, leave it "
            "unset: CI_SERVER_URL is used), and check that no proxy in between redirects",
        )
    cause = _unreachable(exc)
    if cause is not None:
        text = str(cause)
        why = (
            "its host name cannot be resolved"
            if "resolve" in text or "Name or service not known" in text
            else f"{type(cause).__name__}"
        )
        return AccessError(
            f"{where} failed: GitLab at {url} cannot be reached ({why})",
            None,
            kind="unreachable",
            hint="check GITLAB_URL (e.g. https://gitlab.com; CI_SERVER_URL in a CI job) and that "
            "this runner can reach it; the next run tries again",
        )
    return TrackerError(f"{where} failed: {exc or type(exc).__name__}", iid)
