"""Commands in comments (``/pto volunteer Acme``): finding the new ones and deciding each.

A command is identified by its note, its text and its occurrence; once the bot's reply records it
in the ledger it is never run again — not by the next scheduled run, not by an event job, and not
when the comment is edited (only lines that were not there before run then).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .evaluate import Cover, Evaluated, Evaluation, Status
from .model import Issue, Note
from .policy import USERNAME_RE, Policy
from .text import safe
from .world import LedgerEntry, World, account_key

VERBS = ("help", "status", "volunteer", "withdraw", "approve", "deny", "assign")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


@dataclass(frozen=True)
class Command:
    note: Note
    issue_iid: int  # where it was posted
    request_iid: int | None  # the PTO request it is about
    index: int
    key: str
    verb: str
    args: str


@dataclass(frozen=True)
class Outcome:
    entry: LedgerEntry
    message: str  # escaped Markdown, one paragraph


def _command_re(policy: Policy) -> re.Pattern[str]:
    word = re.escape(policy.bot.command)
    bot = re.escape("@" + policy.bot.username)
    return re.compile(rf"^\s{{0,3}}(?:{word}|{bot})(?:\s+(\S+))?[ \t]*(.*)$", re.IGNORECASE)


def command_lines(body: str, policy: Policy) -> list[tuple[str, str]]:
    """(verb, args) for each command line, skipping code blocks and quotes."""
    pattern = _command_re(policy)
    found, in_fence = [], False
    for line in (body or "").replace("\r\n", "\n").split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence or line.lstrip().startswith(">"):
            continue
        match = pattern.match(line)
        if match:
            found.append(((match.group(1) or "help").lower(), match.group(2).strip()))
    return found


def _key(note_id: int, verb: str, args: str, occurrence: int) -> str:
    raw = f"{note_id}\n{verb}\n{' '.join(args.split())}\n{occurrence}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def new_commands(world: World) -> list[Command]:
    """Commands not yet answered, oldest first."""
    done = {e.key for e in world.ledger}
    policy = world.policy
    open_requests = {r.iid for r in world.requests if r.issue.is_open}
    issues: list[tuple[Issue, int | None]] = [
        (r.issue, r.iid) for r in world.requests if r.iid in open_requests
    ]
    # a closed fallback request still takes commands (a withdrawal reopens it)
    issues += [
        (fb.issue, fb.request) for fb in world.fallbacks.values() if fb.request in open_requests
    ]
    found = []
    for issue, request_iid in issues:
        for note in issue.notes:
            if note.system or note.author == policy.bot.username:
                continue
            seen: dict[tuple[str, str], int] = {}
            for index, (verb, args) in enumerate(command_lines(note.body, policy)):
                occurrence = seen.get((verb, args), 0)
                seen[(verb, args)] = occurrence + 1
                key = _key(note.id, verb, args, occurrence)
                if key not in done:
                    found.append(Command(note, issue.iid, request_iid, index, key, verb, args))
    found.sort(key=lambda c: (c.note.created_at, c.note.id, c.index))
    return found


class _Run:
    def __init__(self, world: World, evaluation: Evaluation, command: Command) -> None:
        self.world = world
        self.policy = world.policy
        self.ev = evaluation
        self.cmd = command
        self.author = command.note.author
        self.req: Evaluated | None = (
            evaluation.get(command.request_iid) if command.request_iid is not None else None
        )

    def entry(self, ok: bool, **extra: object) -> LedgerEntry:
        c = self.cmd
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
        return self.author == self.policy.team.manager

    def is_lead(self) -> bool:
        day = self.req.request.start if self.req and self.req.req.request else self.ev.today
        return self.policy.is_lead(self.author, day)

    def match(self, names: list[str], covers: list[Cover]) -> tuple[list[Cover], list[str]]:
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

    def unknown_accounts(self, unknown: list[str], covers: list[Cover]) -> str:
        listed = ", ".join(safe(c.account.name) for c in covers) or "none"
        names = ", ".join(f"‘{safe(u)}’" for u in unknown)
        return f"no account named {names} in this request (accounts needing a backup: {listed})"

    def active_request(self) -> Evaluated | str:
        if self.req is None:
            return "this issue is not linked to a PTO request the bot knows"
        if self.req.status is not Status.ACTIVE:
            return f"the request is {self.req.status.value}, so nothing can be covered yet"
        return self.req


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
        "that would leave too many people out",
        f"- `{w} assign <account> @user`: the manager or a pod lead names a backup",
    ]
    return Outcome(run.entry(True), "\n".join(lines))


def _status(run: _Run) -> Outcome:
    from .notes import status_summary

    if run.req is None:
        return run.no("this issue is not linked to a PTO request the bot knows")
    return Outcome(run.entry(True), status_summary(run.req, run.policy))


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
    names = split_accounts(run.cmd.args)
    if not names:
        return run.no(
            f"name the account(s), e.g. `{policy.bot.command} volunteer "
            f"{safe(req.uncovered[0].account.name) if req.uncovered else 'Acme Corp'}`"
        )
    if run.ev.absence(run.author, r.start, r.end) is not None:
        return run.no(f"you are out yourself during {r.start} – {r.end}")
    found, unknown = run.match(names, req.covers)
    refused = [run.unknown_accounts(unknown, req.covers)] if unknown else []
    mine = [c for c in req.covers if c.backup == run.author and c.how == "volunteer"]
    limit = policy.fallback.max_accounts_per_volunteer
    taken: list[str] = []
    for cover in found:
        if cover.backup == run.author:
            refused.append(f"{safe(cover.account.name)} is already yours")
        elif cover.backup is not None:
            refused.append(f"{safe(cover.account.name)} is already covered by `{cover.backup}`")
        elif len(mine) + len(taken) >= limit:
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
    if run.req is None:
        return run.no("this issue is not linked to a PTO request the bot knows")
    names = split_accounts(run.cmd.args)
    if not names:
        return run.no(f"name the account, e.g. `{run.policy.bot.command} withdraw Acme Corp`")
    found, unknown = run.match(names, run.req.covers)
    refused = [run.unknown_accounts(unknown, run.req.covers)] if unknown else []
    released = []
    for cover in found:
        manual = run.req.decisions.manual.get(cover.account.key)
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
    manager = run.policy.team.manager
    if not run.is_manager:
        return f"only the manager (`{manager}`) can decide on approvals"
    if run.req is None or run.req.req.request is None:
        return "this issue is not a PTO request the bot can read"
    if run.req.status is not Status.NEEDS_APPROVAL:
        return f"there is nothing to decide: the request is {run.req.status.value}"
    return run.req


def _approve(run: _Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat()),
        f"approved for {r.start} – {r.end}. Coverage is being arranged now.",
    )


def _deny(run: _Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    reason = " ".join(run.cmd.args.split())
    if not reason:
        return run.no(f"say why, e.g. `{run.policy.bot.command} deny too many people out`")
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat(), reason=reason[:300]),
        f"denied for {r.start} – {r.end}: {safe(reason, 300)}",
    )


def _assign(run: _Run) -> Outcome:
    policy = run.policy
    if not (run.is_manager or run.is_lead()):
        return run.no(f"only the manager (`{policy.team.manager}`) or a pod lead can assign")
    req = run.active_request()
    if isinstance(req, str):
        return run.no(req)
    match = re.fullmatch(r"(.+?)\s+@?([A-Za-z0-9_][A-Za-z0-9_.\-]*)", run.cmd.args.strip())
    if not match:
        return run.no(f"write it as `{policy.bot.command} assign <account> @user`")
    name, user = match.group(1).strip(), match.group(2)
    if not USERNAME_RE.match(user) or user not in policy.engineers:
        return run.no(f"‘{safe(user)}’ is not on the team roster (policy.yaml)")
    r = req.request
    if user == r.engineer:
        return run.no("the engineer on PTO cannot cover their own account")
    found, unknown = run.match([name], req.covers)
    if unknown:
        return run.no(run.unknown_accounts(unknown, req.covers))
    busy = run.ev.absence(user, r.start, r.end)
    if busy is not None:
        return run.no(f"`{user}` is out during {busy.request.start} – {busy.request.end}")
    cover = found[0]
    return Outcome(
        run.entry(True, accounts=(cover.account.name,), user=user),
        f"{safe(cover.account.name)} is now covered by @{user} for {r.start} – {r.end}.",
    )
