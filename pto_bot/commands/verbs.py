"""Deciding each comment command: one function per verb, each returning an :class:`Outcome` (the
ledger entry to record and the reply's text). Who may do what is checked here: only engineers on
the roster volunteer, only the manager approves or denies (or the policy's deputy, while the
manager is out or silent: :mod:`..rules.approval`), the manager or a pod lead assigns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.accounts import account_key
from ..domain.ledger import LedgerEntry
from ..domain.policy import USERNAME_RE
from ..domain.usernames import same_user
from ..domain.world import World
from ..render.text import safe
from ..render.wording import status_summary
from ..rules.evaluation import Cover, Evaluated, Evaluation, Status
from ..rules.fallback import volunteer_room
from ..rules.rotation import is_lead
from .decide import decided_by, decision_refusal
from .parse import VERBS, Command


@dataclass(frozen=True)
class Outcome:
    entry: LedgerEntry
    message: str  # escaped Markdown, one paragraph


class _Run:
    def __init__(self, world: World, evaluation: Evaluation, command: Command) -> None:
        self.world = world
        self.policy = world.policy
        self.evaluation = evaluation
        self.command = command
        self.author = world.policy.roster.spelling(command.note.author)  # whatever the case
        self.about: Evaluated | None = (
            evaluation.get(command.request_iid) if command.request_iid is not None else None
        )

    def entry(self, ok: bool, **extra: object) -> LedgerEntry:
        c = self.command
        return LedgerEntry(
            note_id=c.note.id,
            index=c.index,
            key=c.key,
            verb=c.verb,
            ok=ok,
            by=self.author,
            request=c.request_iid,
            **extra,  # type: ignore[arg-type]
        )

    def no(self, message: str) -> Outcome:
        return Outcome(self.entry(False), message)

    @property
    def is_manager(self) -> bool:
        return same_user(self.author, self.policy.team.manager)

    def is_lead(self) -> bool:
        day = self.about.request.start if self.about and self.about.filed.form else None
        return is_lead(self.policy, self.author, day or self.evaluation.today)

    def match(self, names: list[str], covers: Sequence[Cover]) -> tuple[list[Cover], list[str]]:
        by_key = {c.account.key: c for c in covers}
        by_iid = {f"#{c.account.iid}": c for c in covers}
        found, unknown = [], []
        for name in names:
            cover = by_key.get(account_key(name)) or by_iid.get(name.strip())
            if cover is None:
                unknown.append(name)
            elif cover not in found:
                found.append(cover)
        return found, unknown

    def unknown_accounts(self, unknown: list[str], covers: Sequence[Cover]) -> str:
        listed = ", ".join(safe(c.account.name) for c in covers) or "none"
        names = ", ".join(f"‘{safe(u)}’" for u in unknown)
        return f"no account named {names} in this request (accounts needing a backup: {listed})"

    def active_request(self, *, to_fix_backups: bool = False) -> Evaluated | str:
        """The request, when accounts can be covered on it now; ``to_fix_backups``: also one
        held only by its hand-picked backups (the manager assigns someone else)."""
        if self.about is None:
            return "this issue is not linked to a PTO request the bot knows"
        if self.about.status is Status.ACTIVE:
            return self.about
        fixable = self.about.status is Status.NEEDS_INFO and self.about.filed.form is not None
        if to_fix_backups and fixable:
            return self.about
        return f"the request is {self.about.status.value}, so nothing can be covered yet"


def split_accounts(args: str) -> list[str]:
    return [a.strip() for a in re.split(r"[,;]", args) if a.strip()]


def run_command(world: World, evaluation: Evaluation, command: Command) -> Outcome:
    run = _Run(world, evaluation, command)
    handler = {
        "help": _help,
        "status": _status,
        "volunteer": _volunteer,
        "withdraw": _withdraw,
        "approve": _approve,
        "deny": _deny,
        "assign": _assign,
    }.get(command.verb)
    if handler is None:
        word = world.policy.bot.command
        return run.no(
            f"‘{safe(command.verb)}’ is not a command I know. "
            f"Try `{word} help` ({', '.join(VERBS)})."
        )
    if run.about is not None and not run.about.filed.issue.is_open and command.verb != "help":
        return run.no(
            "this request is closed, so nothing can change on it; reopen it, or open a new "
            "request for new dates"
        )
    return handler(run)


def _help(run: _Run) -> Outcome:
    w = run.policy.bot.command
    k = run.policy.fallback.max_accounts_per_volunteer
    lines = [
        "commands (one per line, in any comment on a PTO request or fallback request):",
        f"- `{w} status`: the request's coverage as it stands",
        f"- `{w} volunteer <account>[, <account>]`: cover accounts on a fallback request "
        f"(at most {k} per person per request)",
        f"- `{w} withdraw <account>`: give back an account you volunteered for",
        f"- `{w} approve` / `{w} deny <reason>`: the manager decides on a request "
        "that would leave too many people out"
        + (
            f" (`{run.policy.approval.deputy}` while the manager is out or silent)"
            if run.policy.approval.deputy
            else ""
        ),
        f"- `{w} assign <account> @user`: the manager or a pod lead names a backup",
    ]
    return Outcome(run.entry(True), "\n".join(lines))


def _status(run: _Run) -> Outcome:
    if run.about is None:
        return run.no("this issue is not linked to a PTO request the bot knows")
    return Outcome(run.entry(True), status_summary(run.about, run.policy))


def _volunteer(run: _Run) -> Outcome:
    policy = run.policy
    if run.author not in policy.engineers:
        return run.no("only engineers on the team roster (policy.yaml) can volunteer")
    req = run.active_request()
    if isinstance(req, str):
        return run.no(req)
    r = req.request
    if run.author == r.engineer:
        return run.no("you cannot cover your own accounts")
    names = split_accounts(run.command.args)
    if not names:
        return run.no(
            f"name the account(s), e.g. `{policy.bot.command} volunteer "
            f"{safe(req.uncovered[0].account.name) if req.uncovered else 'Acme Corp'}`"
        )
    if run.evaluation.absence(run.author, req.daily) is not None:
        return run.no(f"you are out yourself during {r.start} – {r.end}")
    found, unknown = run.match(names, req.covers)
    refused = [run.unknown_accounts(unknown, req.covers)] if unknown else []
    mine = [c for c in req.covers if c.backup == run.author and c.how == "volunteer"]
    limit = policy.fallback.max_accounts_per_volunteer
    room = volunteer_room(len(mine), policy)
    taken: list[str] = []
    for cover in found:
        if cover.backup == run.author:
            refused.append(f"{safe(cover.account.name)} is already yours")
        elif cover.backup is not None:
            refused.append(f"{safe(cover.account.name)} is already covered by `{cover.backup}`")
        elif len(taken) >= room:
            refused.append(
                f"{safe(cover.account.name)}: you already cover {limit} accounts of this request "
                f"(the most one person takes)"
            )
        else:
            taken.append(cover.account.name)
    if not taken:
        return run.no("; ".join(refused))
    message = (
        f"thank you — you now cover {', '.join(safe(n) for n in taken)} "
        f"for `{r.engineer}`, {r.start} – {r.end}."
    )
    if refused:
        message += " Not taken: " + "; ".join(refused) + "."
    return Outcome(run.entry(True, accounts=tuple(taken)), message)


def _withdraw(run: _Run) -> Outcome:
    if run.about is None:
        return run.no("this issue is not linked to a PTO request the bot knows")
    names = split_accounts(run.command.args)
    if not names:
        return run.no(f"name the account, e.g. `{run.policy.bot.command} withdraw Acme Corp`")
    found, unknown = run.match(names, run.about.covers)
    refused = [run.unknown_accounts(unknown, run.about.covers)] if unknown else []
    released = []
    for cover in found:
        manual = run.about.decisions.manual.get(cover.account.key)
        if manual is None:
            refused.append(
                f"{safe(cover.account.name)} was not volunteered or assigned by command "
                "(ask the manager or a pod lead to assign someone else)"
            )
        elif manual[0] != run.author and not (run.is_manager or run.is_lead()):
            refused.append(f"{safe(cover.account.name)} is covered by `{manual[0]}`, not you")
        else:
            released.append(cover.account.name)
    if not released:
        return run.no("; ".join(refused))
    message = f"{', '.join(safe(n) for n in released)} released; it needs a backup again."
    if refused:
        message += " Not released: " + "; ".join(refused) + "."
    return Outcome(run.entry(True, accounts=tuple(released)), message)


def _decision_target(run: _Run) -> Evaluated | str:
    at = run.command.note.created_at
    refused = decision_refusal(run.world, run.about, run.author, at)
    if refused or run.about is None:
        return refused or "this issue is not a PTO request the bot can read"
    return run.about


def _approve(run: _Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat()),
        f"approved for {r.start} – {r.end}{decided_by(run.policy, run.author)}. "
        "Coverage is being arranged now.",
    )


def _deny(run: _Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    reason = " ".join(run.command.args.split())
    if not reason:
        return run.no(f"say why, e.g. `{run.policy.bot.command} deny too many people out`")
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat(), reason=reason[:300]),
        f"denied for {r.start} – {r.end}{decided_by(run.policy, run.author)}: {safe(reason, 300)}",
    )


def _assign(run: _Run) -> Outcome:
    policy = run.policy
    if not (run.is_manager or run.is_lead()):
        return run.no(f"only the manager (`{policy.team.manager}`) or a pod lead can assign")
    req = run.active_request(to_fix_backups=True)
    if isinstance(req, str):
        return run.no(req)
    match = re.fullmatch(r"(.+?)\s+@?([A-Za-z0-9_][A-Za-z0-9_.\-]*)", run.command.args.strip())
    if not match:
        return run.no(f"write it as `{policy.bot.command} assign <account> @user`")
    name, written = match.group(1).strip(), match.group(2)
    user = policy.roster.find(written) if USERNAME_RE.match(written) else None
    if user is None:
        return run.no(f"‘{safe(written)}’ is not on the team roster (policy.yaml)")
    r = req.request
    if user == r.engineer:
        return run.no("the engineer on PTO cannot cover their own account")
    found, unknown = run.match([name], req.covers)
    if unknown:
        return run.no(run.unknown_accounts(unknown, req.covers))
    busy = run.evaluation.absence(user, req.daily)
    if busy is not None:
        return run.no(f"`{user}` is out during {busy.request.start} – {busy.request.end}")
    cover = found[0]
    return Outcome(
        run.entry(True, accounts=(cover.account.name,), user=user),
        f"{safe(cover.account.name)} is now covered by @{user} for {r.start} – {r.end}.",
    )
