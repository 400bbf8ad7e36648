"""What the notes on a PTO request say: coverage, coverage changes, status, needs-info, approval,
lead time. The template context is built from an evaluation; reminders are in
:mod:`.reminder_wording`, fallback requests in :mod:`.fallback_wording`.

Wording only: every decision (who covers, the deadline, the band) comes from :mod:`pto_bot.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from ..domain.calendar import holidays_in
from ..domain.policy import Policy
from ..domain.problems import Code, Problem
from ..domain.request_form import PtoRequest
from ..rules.counting import informs_manager, posts_for_visibility
from ..rules.coverage import weight
from ..rules.evaluation import Cover, Evaluated, Status
from .engine import Trusted, dates_of, days_text, plain, render
from .text import code, safe


def peak(ev: Evaluated) -> Trusted:
    """The working days with the most people out, the first five named."""
    days = ev.peak_days
    if not days:
        return Trusted("no working day")
    shown = ", ".join(d.strftime("%a %Y-%m-%d") for d in days[:5])
    return Trusted(shown + (f" and {len(days) - 5} more" if len(days) > 5 else ""))


def stretches(ev: Evaluated, c: Cover) -> Trusted:
    """The days ``c`` is for, when it is part of the request (``""`` for the whole of it)."""
    return days_text(ev.part(c), weekday=True)


def cover_row(ev: Evaluated, c: Cover) -> dict[str, Any]:
    how = ", ".join(part for part in (c.how, "confirmed" if c.confirmed else None) if part)
    when = stretches(ev, c)
    return {
        "name": c.account.name,
        "priority": c.account.priority,
        "model": c.account.model,
        "backup": c.backup,
        "how": Trusted(how),
        "how_note": Trusted(f" ({how})" if how else ""),
        "when": Trusted(f" for {when}" if when else ""),
        "stretches": when,  # "" for the whole request
        "dates": when or dates_of(ev.request.start, ev.request.end),
        "confirmed": c.confirmed,
        "holidays": [(d, name) for d, name in c.holidays],
    }


def loads(ev: Evaluated, policy: Policy) -> list[tuple[str, float]]:
    total: dict[str, float] = defaultdict(float)
    for c in ev.covers:
        if c.backup:
            total[c.backup] += weight(policy, c.account)
    return sorted(total.items())


def coverage_note(
    ev: Evaluated, policy: Policy, fallback_ref: str | None, posting: str | None = None
) -> str:
    """The coverage note. ``posting`` is how the team channel heard of it when two or more are
    out: ``posted``, ``failed`` (the bot tries again), or ``ask`` (no chat webhook: the engineer
    posts it, the seeds' step)."""
    r = ev.request
    reason = ev.decisions.denied[2] if ev.decisions.denied else ""  # None: internal
    return render(
        "coverage.md.j2",
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        kind=r.kind,
        status=ev.status.value,
        count=ev.count,
        peak=peak(ev),
        others=ev.overlapping,
        manager=policy.team.manager,
        deputy=policy.approval.deputy,
        command=Trusted(policy.bot.command),
        reason=reason,
        fallback=Trusted(fallback_ref or "(none)") if fallback_ref else None,
        uncovered=ev.uncovered,
        visibility=(posting or "ask") if posts_for_visibility(ev.count, policy) else None,
        channel=policy.team.channel,
        emergency_over=informs_manager(ev.count, r.kind, policy),
        covers=[cover_row(ev, c) for c in ev.covers],
        global_support=[a.name for a in ev.global_support],
        loads=loads(ev, policy),
        capacity=policy.coverage.capacity_hours_per_week,
        manager_cc=policy.team.manager if policy.coverage.mention_manager else None,
        holidays=_holidays(ev, policy) if ev.status is Status.ACTIVE else [],
    )


def _holidays_of(policy: Policy, r: PtoRequest) -> list[tuple[date, str]]:
    """The engineer's public holidays on working days of the request."""
    person = policy.engineers.get(r.engineer)
    if person is None:
        return []
    return holidays_in(person.country, person.subdivision, r.start, r.end, policy.working_weekdays)


def _holidays(ev: Evaluated, policy: Policy) -> list[dict[str, Any]]:
    """Each public holiday in the period once, with who it is a holiday for: the engineer (not
    counted as a day out) and the backups."""
    found: dict[tuple[date, str], dict[str, Any]] = {}
    for day, name in _holidays_of(policy, ev.request):
        found.setdefault((day, name), {"engineer": False, "backups": []})["engineer"] = True
    for c in ev.covers:
        for day, name in c.holidays if c.backup else ():
            entry = found.setdefault((day, name), {"engineer": False, "backups": []})
            if c.backup not in entry["backups"]:
                entry["backups"].append(c.backup)
    return [
        {"when": f"{day} {name}", **entry, "backups": sorted(entry["backups"])}
        for (day, name), entry in sorted(found.items())
    ]


def holders(value: Any) -> Trusted:
    """Who holds an account, as :func:`~pto_bot.plan.coverage_news.holding` records it: a name,
    or each backup with their stretches."""
    if isinstance(value, str):
        return plain(value)
    parts: dict[str, list[str]] = {}
    for backup, first, last in value:
        a, b = date.fromisoformat(first), date.fromisoformat(last)
        parts.setdefault(backup, []).append(str(dates_of(a, b)))
    return Trusted(", ".join(f"{plain(b)} ({', '.join(s)})" for b, s in parts.items()))


def coverage_news(
    ev: Evaluated, changes: Sequence[Any], next_step: str, engineer_told: bool = True
) -> str:
    """A change of backups after the coverage was announced, told to everyone it concerns (the
    engineer too when ``engineer_told``: not while they are out); a backup who declined was
    told in the reply to it."""
    r = ev.request
    lost = [c for c in changes if c.was]
    gone = {b for c in lost for b in c.before if b not in c.after}
    said_no = {b for c in changes for b in c.declined}
    newcomers = sorted({b for c in changes for b in c.after if b not in c.before})
    released = sorted(gone - said_no)
    concerned = {b for c in changes for b in [*c.before, *c.after]} - said_no
    people = ([r.engineer] if lost and engineer_told else []) + sorted(concerned)
    return render(
        "coverage_news.md.j2",
        people=people,
        engineer=r.engineer,
        start=r.start,
        end=r.end,
        changes=[
            {
                "account": c.account,
                "was": holders(c.was) if c.was else None,
                "now": holders(c.now) if c.now else None,
                "verb": "covers" if len(set(c.after)) == 1 else "cover",
                "out": c.was_out,
                "declined": [plain(b) for b in c.declined],
                "open": Trusted(", ".join(str(dates_of(a, b)) for a, b in c.open)),
            }
            for c in changes
        ],
        next_step=Trusted(next_step),  # bot text: it may hold the reference to a new issue
        released=released,
        newcomers=newcomers,
        lost=bool(lost),
    )


def status_summary(ev: Evaluated, policy: Policy) -> Trusted:
    if ev.filed.form is None:
        problems = "; ".join(p.message for p in ev.problems) or "the request cannot be read"
        author = ev.filed.issue.author
        return Trusted(render("needs_info.md.j2", author=author, problems=[problems]))
    r = ev.request
    label = ev.state.replace("-", " ") if ev.status is Status.ACTIVE else ev.status.value
    return Trusted(
        render(
            "status.md.j2",
            engineer=r.engineer,
            start=r.start,
            end=r.end,
            status=label,
            count=ev.count,
            covers=[cover_row(ev, c) for c in ev.covers],
            global_support=[a.name for a in ev.global_support],
        )
    )


def reopened_note(ev: Evaluated, policy: Policy, closer: str, lead: str | None) -> str:
    """Why a request someone else closed is open again, and who may cancel it."""
    who = [code(ev.request.engineer)]
    if lead is not None and lead != ev.request.engineer:
        who.append(f"their pod lead {code(lead)}")
    who.append(f"the manager {code(policy.team.manager)}")
    listed = ", ".join(who[:-1]) + " or " + who[-1]
    return render("reopened.md.j2", closer=Trusted(code(closer)), who=Trusted(listed))


def needs_info_note(author: str, problems: Sequence[Problem]) -> str:
    return render("needs_info.md.j2", author=author, problems=[markdown(p) for p in problems])


def markdown(found: Problem) -> Trusted:
    """A problem as Markdown: the bot's wording as written (the forms people copy must work when
    pasted), what people typed through the one escaping function, a :class:`Code` value as an
    inert code span."""
    shown = [code(v) if isinstance(v, Code) else safe(v) for v in found.values]
    return Trusted(found.text.format(*shown))


def lead_time_note(ev: Evaluated, policy: Policy, days: int) -> str:
    return render(
        "lead_time.md.j2",
        engineer=ev.request.engineer,
        days=days,
        lead=policy.requests.lead_time_days,
    )
