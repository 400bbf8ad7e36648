"""Deciding each comment command: one function per verb, each returning an :class:`Outcome` (the
ledger entry to record and the reply's text). Who may do what is checked here: only engineers on
the roster volunteer, only the manager approves or denies, the manager or a pod lead assigns,
only a named backup accepts or declines.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..domain.policy import USERNAME_RE
from ..domain.usernames import same_user
from ..domain.world import World
from ..render.text import safe
from ..render.wording import status_summary
from ..rules.evaluation import Evaluated, Evaluation, Status
from ..rules.fallback import volunteer_room
from .outcome import Outcome, Run, rows, split_accounts, stretches, theirs, when
from .parse import VERBS, Command

__all__ = ["Outcome", "run_command"]


def run_command(world: World, evaluation: Evaluation, command: Command) -> Outcome:
    run = Run(world, evaluation, command)
    handler = HANDLERS.get(command.verb)
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


def _help(run: Run) -> Outcome:
    w = run.policy.bot.command
    k = run.policy.fallback.max_accounts_per_volunteer
    lines = [
        "commands (one per line, in any comment on a PTO request, its coverage issue or its "
        "fallback request):",
        f"- `{w} help`: these commands",
        f"- `{w} status`: the request's coverage as it stands",
        f"- `{w} volunteer <account>[, <account>]`: cover accounts on a fallback request "
        f"(at most {k} per person per request)",
        f"- `{w} withdraw <account>`: give back an account you volunteered for",
        f"- `{w} accept [<account>, ...]`: a backup confirms their cover (all of theirs when "
        "none is named)",
        f"- `{w} decline [<account>, ...]`: a backup says they cannot cover (all of theirs when "
        "none is named): the account goes to the next pod member who is free, else to the "
        "fallback request",
        f"- `{w} approve` / `{w} deny <reason>`: the manager decides on a request "
        "that would leave too many people out",
        f"- `{w} assign <account> @user`: the manager or a pod lead names a backup",
    ]
    return Outcome(run.entry(True), "\n".join(lines))


def _status(run: Run) -> Outcome:
    if run.about is None:
        return run.no("this issue is not linked to a PTO request the bot knows")
    return Outcome(run.entry(True), status_summary(run.about, run.policy))


def _volunteer(run: Run) -> Outcome:
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
    found, unknown = run.match(names, req.covers)
    refused = [run.unknown_accounts(unknown, req.covers)] if unknown else []
    mine = {c.account.key for c in req.covers_of(run.author) if c.how == "volunteer"}
    limit = policy.fallback.max_accounts_per_volunteer
    room = volunteer_room(len(mine), policy)
    taken: list[str] = []
    on = {}
    for account in found:
        name = safe(account.name)
        covers = rows(req, account)
        open_ = [c for c in covers if c.backup is None]
        holders = sorted({c.backup for c in covers if c.backup})
        busy = run.evaluation.absence(run.author, [d for c in open_ for d in c.days])
        if not open_:
            if holders == [run.author]:
                refused.append(f"{name} is already yours")
            else:
                who = ", ".join(f"`{h}`" for h in holders)
                refused.append(f"{name} is already covered by {who}")
        elif busy is not None:
            out = busy.request
            refused.append(f"{name}: you are out yourself during {out.start} – {out.end}")
        elif len(taken) >= room:
            refused.append(
                f"{name}: you already cover {limit} accounts of this request "
                f"(the most one person takes)"
            )
        else:
            taken.append(account.name)
            found_days = stretches(req, open_)
            if found_days is not None:
                on[account.name] = found_days
    if not taken:
        return run.no("; ".join(refused))
    if on:  # some for part of the request: each with its days
        dates = {n: when(req, [c for c in req.uncovered if c.account.name == n]) for n in taken}
        shown = ", ".join(f"{safe(n)} ({dates[n]})" for n in taken)
        message = f"thank you — you now cover {shown} for `{r.engineer}`."
    else:
        shown = ", ".join(safe(n) for n in taken)
        message = f"thank you — you now cover {shown} for `{r.engineer}`, {r.start} – {r.end}."
    if refused:
        message += " Not taken: " + "; ".join(refused) + "."
    return Outcome(run.entry(True, accounts=tuple(taken), on=on), message)


def _withdraw(run: Run) -> Outcome:
    if run.about is None:
        return run.no("this issue is not linked to a PTO request the bot knows")
    names = split_accounts(run.command.args)
    if not names:
        return run.no(f"name the account, e.g. `{run.policy.bot.command} withdraw Acme Corp`")
    found, unknown = run.match(names, run.about.covers)
    refused = [run.unknown_accounts(unknown, run.about.covers)] if unknown else []
    released = []
    for account in found:
        holders = [m.user for m in run.about.decisions.manual.get(account.key, ())]
        if not holders:
            refused.append(
                f"{safe(account.name)} was not volunteered or assigned by command "
                "(ask the manager or a pod lead to assign someone else)"
            )
        elif not any(same_user(h, run.author) for h in holders) and not (
            run.is_manager or run.is_lead()
        ):
            who = ", ".join(f"`{h}`" for h in holders)
            refused.append(f"{safe(account.name)} is covered by {who}, not you")
        else:
            released.append(account.name)
    if not released:
        return run.no("; ".join(refused))
    message = f"{', '.join(safe(n) for n in released)} released; it needs a backup again."
    if refused:
        message += " Not released: " + "; ".join(refused) + "."
    holder = any(
        same_user(m.user, run.author)
        for name in released
        for a in run.match([name], run.about.covers)[0]
        for m in run.about.decisions.manual.get(a.key, ())
    )
    extra = {"user": run.author} if holder else {}
    return Outcome(run.entry(True, accounts=tuple(released), **extra), message)


def _decline(run: Run) -> Outcome:
    found = theirs(run, "decline")
    if isinstance(found, str):
        return run.no(found)
    req, accounts, shown, refused = found
    r = req.request
    hand_picked = run.policy.coverage.mode == "hand-picked" or bool(r.backups)
    then = (
        "The fallback request asks for volunteers"
        if hand_picked
        else "Each goes to the next member of the pod who is free on its days, else to the "
        "fallback request"
    )
    message = (
        f"understood — you no longer cover {shown} for `{r.engineer}`. {then}; the coverage "
        "note says who has it now."
    )
    if refused:
        message += " Not declined: " + "; ".join(refused) + "."
    return Outcome(run.entry(True, accounts=tuple(accounts)), message)


def _accept(run: Run) -> Outcome:
    found = theirs(run, "accept")
    if isinstance(found, str):
        return run.no(found)
    req, accounts, shown, refused = found
    message = f"thank you — your cover of {shown} for `{req.request.engineer}` is confirmed."
    if refused:
        message += " Not confirmed: " + "; ".join(refused) + "."
    return Outcome(run.entry(True, accounts=tuple(accounts)), message)


def _decision_target(run: Run) -> Evaluated | str:
    manager = run.policy.team.manager
    if not run.is_manager:
        return f"only the manager (`{manager}`) can decide on approvals"
    if run.about is None or run.about.filed.form is None:
        return "this issue is not a PTO request the bot can read"
    if run.about.status is not Status.NEEDS_APPROVAL:
        return f"there is nothing to decide: the request is {run.about.status.value}"
    return run.about


def _approve(run: Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat()),
        f"approved for {r.start} – {r.end}. Coverage is being arranged now.",
    )


def _deny(run: Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    reason = " ".join(run.command.args.split())
    if not reason:
        return run.no(f"say why, e.g. `{run.policy.bot.command} deny too many people out`")
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat(), reason=reason[:300]),
        f"denied for {r.start} – {r.end}: {safe(reason, 300)}",
    )


def _assign(run: Run) -> Outcome:
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
    account = found[0]
    covers = rows(req, account)
    open_ = [c for c in covers if c.backup is None] or covers  # the open days, else the account
    busy = run.evaluation.absence(user, [d for c in open_ for d in c.days])
    if busy is not None:
        return run.no(f"`{user}` is out during {busy.request.start} – {busy.request.end}")
    days = stretches(req, open_)
    on = {account.name: days} if days is not None else {}
    return Outcome(
        run.entry(True, accounts=(account.name,), user=user, on=on),
        f"{safe(account.name)} is now covered by @{user} for {when(req, open_)}.",
    )


HANDLERS: dict[str, Callable[[Run], Outcome]] = {
    "help": _help,
    "status": _status,
    "volunteer": _volunteer,
    "withdraw": _withdraw,
    "accept": _accept,
    "decline": _decline,
    "approve": _approve,
    "deny": _deny,
    "assign": _assign,
}
