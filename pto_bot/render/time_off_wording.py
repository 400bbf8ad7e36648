"""What the bot writes about the team's time-off calendar: the PTO request it opens for an
absence nobody requested, and the note on a request the calendar disagrees with. Wording only:
the decisions are :mod:`pto_bot.rules.time_off`."""

from __future__ import annotations

from ..domain.policy import Policy
from ..rules.time_off import Mismatch, Span
from .engine import Trusted, mention, plain, render
from .request_form import request_form


def request_description(span: Span, whole: Span, started: bool) -> str:
    return render(
        "from_calendar.md.j2",
        form=Trusted(
            request_form(
                span.engineer,
                span.first,
                span.last,
                "emergency" if started else "planned",
                source="calendar",
            )
        ),
        engineer=span.engineer,
        first=span.first,
        last=span.last,
        part=(span.first, span.last) != (whole.first, whole.last),
        whole_end=whole.last,
        started=started,
    )


def flag_note(found: Mismatch, policy: Policy, out_today: bool) -> str:
    r = found.ev.request
    return render(
        "calendar_flag.md.j2",
        who=plain(r.engineer) if out_today else mention(r.engineer),
        kind=found.kind,
        state=Trusted(found.ev.status.value),
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        calendar=found.calendar,
        missing=found.missing,
        extra=found.extra,
        cancelled=policy.labels.cancelled,
    )


def title(span: Span) -> str:
    return f"PTO {span.engineer} {span.first} – {span.last} (from the time-off calendar)"
