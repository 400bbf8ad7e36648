"""The planner: (policy, snapshot, now) -> the actions that bring the project up to date.

Pure. It decides from data only: the bot's own earlier notes (hidden markers) tell it what it
already did, so the same snapshot always gives the same plan and a converged project gives none.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import notes
from .actions import (
    Action,
    CreateIssue,
    EditIssue,
    EditNote,
    Notify,
    PostNote,
    SetLabels,
    SetState,
    ref,
)
from .commands import Outcome, new_commands, run_command
from .evaluate import Evaluated, Evaluation, Status, evaluate
from .markers import marker, with_marker
from .model import Issue, Snapshot
from .policy import Policy
from .render import Trusted, render
from .world import BotNote, LedgerEntry, World, bot_notes, read_world

STATE_CHANGING = frozenset({"volunteer", "withdraw", "approve", "deny", "assign"})


@dataclass
class Plan:
    actions: list[Action]
    world: World
    evaluation: Evaluation
    failures: list[tuple[int | None, str]] = field(default_factory=list)
    now: datetime | None = None


class _Builder:
    def __init__(self, world: World, evaluation: Evaluation, now: datetime) -> None:
        self.world = world
        self.policy: Policy = world.policy
        self.ev = evaluation
        self.now = now
        self.today = evaluation.today
        self.actions: list[Action] = []
        self._notes: dict[int, dict[str, BotNote]] = {}

    # -- ensure-writes ---------------------------------------------------------------------------
    def bot_notes(self, issue: Issue) -> dict[str, BotNote]:
        if issue.iid not in self._notes:
            self._notes[issue.iid] = bot_notes(issue, self.policy.bot.username)
        return self._notes[issue.iid]

    def note(
        self, issue: Issue, topic: str, body: str, why: str, once: bool = False, **data: object
    ) -> None:
        """Post the note for ``topic`` or edit it in place (never when ``once``)."""
        existing = self.bot_notes(issue).get(topic)
        full = with_marker(body, topic, **data)
        if existing is None:
            self.actions.append(PostNote(issue.iid, topic, full, why))
        elif not once and existing.note.body.rstrip() != full.rstrip():
            self.actions.append(EditNote(issue.iid, existing.note.id, topic, full, why))

    def has_note(self, issue: Issue, topic: str) -> bool:
        return topic in self.bot_notes(issue)

    def labels(self, issue: Issue, want: set[str], managed: set[str], why: str) -> None:
        add = sorted(want - set(issue.labels))
        remove = sorted((set(issue.labels) & managed) - want)
        if add or remove:
            self.actions.append(SetLabels(issue.iid, tuple(add), tuple(remove), why))

    # -- PTO requests ----------------------------------------------------------------------------
    def request(self, ev: Evaluated) -> None:
        issue = ev.req.issue
        if not issue.is_open and ev.status is not Status.CANCELLED:
            if ev.req.request is not None:
                self.fallback(ev)  # a fallback request outlives no closed PTO request
            return
        self.request_labels(ev)
        self.needs_info(ev)
        if ev.req.request is None:
            return
        fallback_ref = self.fallback(ev)
        self.coverage(ev, fallback_ref)
        if ev.status is Status.CANCELLED:
            self.release(ev)
            return
        if not issue.is_open:
            return
        self.approval(ev)
        self.lead_time(ev)
        if ev.status is Status.ACTIVE:
            self.reminders(ev, fallback_ref)

    def request_labels(self, ev: Evaluated) -> None:
        labels = self.policy.labels
        status_labels = {
            Status.NEEDS_INFO: labels.needs_info,
            Status.NEEDS_APPROVAL: labels.needs_approval,
            Status.DENIED: labels.denied,
            Status.CANCELLED: labels.cancelled,
        }
        want = {
            status_labels.get(ev.status, labels.needs_coverage if ev.uncovered else labels.covered)
        }
        if ev.counted:
            approval = self.policy.thresholds.approval
            n = f"{approval}+" if ev.count >= approval else str(ev.count)
            want.add(f"{labels.out_prefix}{n}")
        managed = set(status_labels.values()) | {labels.covered, labels.needs_coverage}
        managed |= {lab for lab in ev.req.issue.labels if lab.startswith(labels.out_prefix)}
        self.labels(ev.req.issue, want, managed, f"status {ev.status.value}, {ev.count} out")

    def needs_info(self, ev: Evaluated) -> None:
        issue = ev.req.issue
        if ev.status is Status.NEEDS_INFO and issue.is_open:
            body = notes.needs_info_note(issue.author, ev.problems)
            self.note(issue, "needs-info", body, "the request has problems")
        elif self.has_note(issue, "needs-info") and issue.is_open:
            body = notes.needs_info_note(issue.author, [])
            self.note(issue, "needs-info", body, "the problems are fixed")

    def coverage(self, ev: Evaluated, fallback_ref: str | None) -> None:
        issue = ev.req.issue
        if ev.status is Status.NEEDS_INFO:
            return
        existing = self.bot_notes(issue).get("coverage")
        if ev.status is Status.CANCELLED and existing is None:
            return
        r = ev.request
        sent = list(existing.data.get("sent", [])) if existing else []
        if ev.status is Status.ACTIVE and ev.count >= self.policy.thresholds.visibility:
            self.notify(ev, "visibility", sent)
        if ev.status is Status.NEEDS_APPROVAL:
            self.notify(ev, "approval", sent)
        assign = {c.account.name: c.backup for c in ev.covers if c.backup and c.how == "pod"}
        if ev.status is Status.CANCELLED and existing is not None:
            assign = existing.data.get("assign", {})
        self.note(
            issue,
            "coverage",
            notes.coverage_note(ev, self.policy, fallback_ref),
            f"coverage: {ev.status.value}",
            assign=assign,
            start=r.start.isoformat(),
            end=r.end.isoformat(),
            sent=sorted(set(sent)),
        )

    def notify(self, ev: Evaluated, kind: str, sent: list[str]) -> None:
        if kind in sent:
            return
        sent.append(kind)
        r = ev.request
        url = ev.req.issue.web_url or f"#{ev.iid}"
        text = {
            "visibility": f"{ev.count} people out: {r.engineer} is off {r.start} – {r.end}. {url}",
            "approval": (
                f"{r.engineer}'s PTO {r.start} – {r.end} would leave {ev.count} out: "
                f"waiting for {self.policy.team.manager}'s approval. {url}"
            ),
        }[kind]
        self.actions.append(Notify(f"{kind}:{ev.iid}", text, f"{kind} for #{ev.iid}"))

    def approval(self, ev: Evaluated) -> None:
        r = ev.request
        over = ev.count >= self.policy.thresholds.approval
        if ev.status is Status.NEEDS_APPROVAL or (
            ev.status is Status.ACTIVE and over and r.kind == "emergency"
        ):
            self.note(
                ev.req.issue,
                "approval",
                notes.approval_note(ev, self.policy),
                "too many people out",
                once=True,
            )

    def lead_time(self, ev: Evaluated) -> None:
        r = ev.request
        opened = ev.req.issue.created_at.astimezone(self.policy.tz).date()
        days = (r.start - opened).days
        if (
            r.kind == "planned"
            and 0 <= days < self.policy.requests.lead_time_days
            and ev.status in (Status.ACTIVE, Status.NEEDS_APPROVAL)
        ):
            self.note(
                ev.req.issue,
                "lead-time",
                notes.lead_time_note(ev, self.policy, days),
                "opened late",
                once=True,
            )

    def reminders(self, ev: Evaluated, fallback_ref: str | None) -> None:
        r, issue, rem = ev.request, ev.req.issue, self.policy.reminders
        today = self.today
        before = r.start - timedelta(days=rem.days_before_start)
        if before <= today < r.start:
            stale_before = self.now - timedelta(days=rem.playbook_stale_days)
            stale = [a for a in self.world.accounts_of(r.engineer) if a.updated_at < stale_before]
            if stale:
                self.note(
                    issue,
                    "playbooks",
                    notes.playbooks_note(ev, self.policy, stale),
                    "playbooks not updated lately",
                    once=True,
                )
            self.note(issue, "checklist", notes.checklist_note(ev, self.policy), "week before PTO")
        if rem.playbook_note_on_start and r.start <= today <= r.end:
            self.playbook_notes(ev, fallback_ref)
        assert ev.return_day is not None
        cue = notes.day_before(ev.return_day, self.policy.working_weekdays)
        if rem.backup_before_return and ev.backups and max(cue, r.start) <= today < ev.return_day:
            self.note(
                issue,
                "backup-return",
                notes.backup_return_note(ev, self.policy),
                "the day before return",
                once=True,
            )
        if rem.return_checklist and today >= ev.return_day:
            self.note(
                issue,
                "returned",
                notes.returned_note(ev, self.policy),
                "first working day back",
                once=True,
            )

    def playbook_notes(self, ev: Evaluated, fallback_ref: str | None) -> None:
        for cover in ev.covers:
            playbook = self.world.playbooks.get(cover.account.iid)
            if playbook is not None:
                self.note(
                    playbook,
                    f"cover:{ev.iid}",
                    notes.playbook_cover_note(ev, cover, fallback_ref),
                    f"coverage for #{ev.iid} starts",
                )

    def release(self, ev: Evaluated) -> None:
        issue = ev.req.issue
        existing = self.bot_notes(issue).get("coverage")
        backups = sorted(set((existing.data.get("assign") or {}).values())) if existing else []
        fb = self.world.fallbacks.get(ev.iid)
        if fb is not None:
            backups = sorted(set(backups) | {v for v in fb.accounts.values() if v})
        if backups:
            self.note(issue, "released", notes.released_note(ev, backups), "cancelled", once=True)
        for cover_topic in [f"cover:{ev.iid}"]:
            for playbook in self.world.playbooks.values():
                if self.has_note(playbook, cover_topic):
                    self.note(
                        playbook,
                        cover_topic,
                        notes.playbook_cover_note(ev, None, None, ended=True),
                        "cancelled",
                    )

    # -- fallback requests -----------------------------------------------------------------------
    def fallback(self, ev: Evaluated) -> str | None:
        """Ensure the fallback request of ``ev``; return how notes refer to it."""
        fb = self.world.fallbacks.get(ev.iid)
        r = ev.req.request
        wanted = (
            r is not None
            and ev.status is Status.ACTIVE
            and ev.req.issue.is_open
            and bool(ev.fallback_covers)
            and self.today <= r.end
        )
        if fb is None:
            if not wanted or not ev.uncovered:
                return None
            request = ev.request
            key = f"fallback:{ev.iid}"
            self.actions.append(
                CreateIssue(
                    key=key,
                    title=f"Fallback coverage: {request.engineer} out "
                    f"{request.start} – {request.end}",
                    description=self.fallback_body(ev, self.now),
                    labels=(self.policy.labels.fallback,),
                    link_to=ev.iid,
                    why=f"{len(ev.uncovered)} account(s) the pod cannot cover",
                )
            )
            due = notes.deadline(ev, self.policy, self.now)
            self.actions.append(
                Notify(
                    f"fallback:{ev.iid}",
                    f"{request.engineer}'s pod cannot cover {len(ev.uncovered)} account(s) for "
                    f"{request.start} – {request.end}: volunteers wanted in fallback request "
                    f"{ref(key)} "
                    f"before {due:%Y-%m-%d %H:%M} UTC. {ev.req.issue.web_url}".rstrip(),
                    "fallback request opened",
                )
            )
            return ref(key)
        issue = fb.issue
        if not wanted:
            if issue.is_open:
                reason = self.closing_reason(ev)
                self.note(
                    issue,
                    "closed",
                    notes.fallback_closed_note([], False, reason),
                    reason,
                    once=True,
                )
                self.actions.append(SetState(issue.iid, "close", reason))
            return f"#{issue.iid}"
        body = self.fallback_body(ev, fb.opened_at)
        if body.rstrip() != issue.description.rstrip():
            self.actions.append(EditIssue(issue.iid, body, "fallback accounts changed"))
        if ev.uncovered and not issue.is_open:
            self.actions.append(SetState(issue.iid, "reopen", "an account needs a backup again"))
        if not ev.uncovered and issue.is_open:
            volunteers = sorted({c.backup for c in ev.fallback_covers if c.backup})
            self.note(
                issue,
                "covered",
                notes.fallback_closed_note(volunteers, True, ""),
                "all accounts covered",
                once=True,
            )
            self.actions.append(SetState(issue.iid, "close", "all accounts covered"))
        self.escalation(ev, issue, fb.opened_at)
        return f"#{issue.iid}"

    def fallback_body(self, ev: Evaluated, opened_at: datetime) -> str:
        r = ev.request
        body = notes.fallback_description(ev, self.ev, self.policy, opened_at)
        accounts = {c.account.name: c.backup for c in ev.fallback_covers}
        return with_marker(
            body,
            "fallback",
            request=ev.iid,
            opened_at=opened_at.isoformat(),
            start=r.start.isoformat(),
            end=r.end.isoformat(),
            eng=r.engineer,
            accounts=accounts,
        )

    def closing_reason(self, ev: Evaluated) -> str:
        if not ev.req.issue.is_open:
            return "the PTO request is closed"
        if ev.status is not Status.ACTIVE:
            return f"the PTO request is {ev.status.value}"
        if ev.req.request is not None and self.today > ev.request.end:
            return "the PTO period is over"
        return "the pod can cover every account now"

    def escalation(self, ev: Evaluated, issue: Issue, opened_at: datetime) -> None:
        due = notes.deadline(ev, self.policy, opened_at)
        if ev.uncovered and self.now >= due and issue.is_open:
            if not self.has_note(issue, "escalated"):
                self.actions.append(
                    Notify(
                        f"escalated:{ev.iid}",
                        f"Fallback for {ev.request.engineer} "
                        f"({ev.request.start} – {ev.request.end}) "
                        f"passed its deadline with {len(ev.uncovered)} account(s) open. "
                        f"{issue.web_url or '#' + str(issue.iid)}",
                        "deadline passed",
                    )
                )
            self.note(
                issue,
                "escalated",
                notes.escalated_note(ev, self.policy, due),
                "deadline passed",
                once=True,
            )
            self.labels(issue, {self.policy.labels.escalated}, set(), "deadline passed")

    def orphan(self, issue: Issue, request_iid: int) -> None:
        """A fallback request whose PTO request is gone (deleted or no longer labelled)."""
        reason = f"#{request_iid} is no longer a PTO request the bot can see"
        self.note(issue, "closed", notes.fallback_closed_note([], False, reason), reason, once=True)
        self.actions.append(SetState(issue.iid, "close", reason))

    # -- playbooks -------------------------------------------------------------------------------
    def playbook(self, issue: Issue) -> None:
        account = next((a for a in self.world.accounts if a.iid == issue.iid), None)
        if account is None:
            return
        if account.problems or self.has_note(issue, "playbook"):
            self.note(issue, "playbook", notes.playbook_labels_note(account), "playbook labels")


def reply_actions(world: World, outcomes: list[tuple[int, int, str, Outcome]]) -> list[Action]:
    """One reply note per commented note, recording the commands it answers."""
    grouped: dict[tuple[int, int], list[tuple[str, Outcome]]] = {}
    for issue_iid, note_id, author, outcome in outcomes:
        grouped.setdefault((issue_iid, note_id), []).append((author, outcome))
    actions: list[Action] = []
    for (issue_iid, note_id), items in grouped.items():
        body = render(
            "reply.md.j2",
            author=items[0][0],
            outcomes=[
                {"ok": o.entry.ok, "verb": o.entry.verb, "message": Trusted(o.message)}
                for _, o in items
            ],
        )
        entries = [o.entry.to_json() for _, o in items]
        full = f"{body.rstrip()}\n\n{marker('reply', note=note_id, cmds=entries)}\n"
        verbs = ", ".join(o.entry.verb for _, o in items)
        actions.append(PostNote(issue_iid, f"reply:{note_id}", full, f"answer {verbs}"))
    return actions


def plan(policy: Policy, snapshot: Snapshot, now: datetime) -> Plan:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    world = read_world(policy, snapshot)
    today = now.astimezone(policy.tz).date()
    ledger: list[LedgerEntry] = list(world.ledger)
    evaluation = evaluate(world, tuple(ledger), today)
    failures: list[tuple[int | None, str]] = []
    outcomes: list[tuple[int, int, str, Outcome]] = []
    for command in new_commands(world):
        try:
            outcome = run_command(world, evaluation, command)
        except Exception as exc:  # one bad command must not stop the others
            failures.append((command.issue_iid, _failure("command", exc)))
            continue
        outcomes.append((command.issue_iid, command.note.id, command.note.author, outcome))
        ledger.append(outcome.entry)
        if outcome.entry.ok and outcome.entry.verb in STATE_CHANGING:
            evaluation = evaluate(world, tuple(ledger), today)
    builder = _Builder(world, evaluation, now)
    builder.actions.extend(reply_actions(world, outcomes))
    for ev in evaluation.requests:
        try:
            builder.request(ev)
        except Exception as exc:  # report the issue, go on with the others
            failures.append((ev.iid, _failure("planning", exc)))
    known = {r.iid for r in world.requests}
    for request_iid, fallback in world.fallbacks.items():
        if request_iid not in known and fallback.issue.is_open:
            builder.orphan(fallback.issue, request_iid)
    for issue in world.playbooks.values():
        try:
            builder.playbook(issue)
        except Exception as exc:
            failures.append((issue.iid, _failure("playbook", exc)))
    return Plan(builder.actions, world, evaluation, failures, now)


def _failure(what: str, exc: Exception) -> str:
    where = traceback.extract_tb(exc.__traceback__)[-1]
    place = f"{where.filename.rsplit('/', 1)[-1]}:{where.lineno}"
    return f"{what} failed: {type(exc).__name__}: {exc} ({place})"


def event_scope(world: World, evaluation: Evaluation, iid: int) -> set[int]:
    """The issues an event on ``iid`` can change: its request, the fallback request, the requests
    overlapping it (their counts and backups depend on it), and those engineers' playbooks."""
    fallback_of = {fb.issue.iid: req for req, fb in world.fallbacks.items()}
    account_owner = {a.iid: a.owner for a in world.accounts}
    if iid in fallback_of:
        seeds = {fallback_of[iid]}
    elif iid in account_owner:
        seeds = {
            ev.iid
            for ev in evaluation.requests
            if ev.req.request is not None and ev.request.engineer == account_owner[iid]
        }
    else:
        seeds = {iid} if evaluation.get(iid) is not None else set()
    scope = set(seeds)
    for seed in seeds:
        ev = evaluation.get(seed)
        if ev is None or ev.req.request is None:
            continue
        r = ev.request
        for other in evaluation.requests:
            o = other.req.request
            if o is not None and o.start <= r.end and r.start <= o.end:
                scope.add(other.iid)
    for req in list(scope):
        if req in world.fallbacks:
            scope.add(world.fallbacks[req].issue.iid)
        ev = evaluation.get(req)
        if ev is not None and ev.req.request is not None:
            scope |= {a.iid for a in world.accounts_of(ev.request.engineer)}
    if iid in account_owner:
        scope.add(iid)
    return scope


def within(actions: list[Action], scope: set[int]) -> list[Action]:
    """The actions that write to issues in ``scope`` (new fallback requests of those included)."""
    kept: list[Action] = []
    for action in actions:
        if isinstance(action, CreateIssue):
            keep = action.link_to in scope
        elif isinstance(action, Notify):
            keep = int(action.key.rsplit(":", 1)[-1]) in scope
        else:
            keep = action.iid in scope
        if keep:
            kept.append(action)
    return kept
