"""The list of a PTO request in the issue template's fields, as the bot writes one: the request
it opens from the team's time-off calendar, and the hypothetical one ``pto-bot check`` plans.
:mod:`pto_bot.domain.request_form` reads it back."""

from __future__ import annotations

from datetime import date


def request_form(
    engineer: str,
    start: date | str,
    end: date | str,
    kind: str,
    *,
    backups: str = "",
    source: str = "",
    notes: str = "",
) -> str:
    """``## PTO request`` and its fields; ``engineer`` a username, written without ``@`` (no
    mention: a new issue's description would notify them). ``Source`` only when given: the
    template has no such field."""
    fields = [
        ("Engineer", engineer.removeprefix("@")),
        ("Start", str(start)),
        ("End", str(end)),
        ("Type", kind),
        ("Backups", backups),
        *([("Source", source)] if source else []),
        ("Notes", notes),
    ]
    return "## PTO request\n\n" + "".join(
        f"- **{name}:** {value}".rstrip() + "\n" for name, value in fields
    )
