"""Deciding each comment command: one function per verb, each returning an :class:`~.run.Outcome`
(the ledger entry to record and the reply's text). Who may do what is checked with it: only
engineers on the roster volunteer, only a named backup accepts or declines; the manager's (or the
deputy's) and the pod leads' verbs are :mod:`.decisions`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..domain.usernames import same_user
from ..domain.world import World
from ..render.text import code, safe
from ..render.wording import status_summary
from ..rules.evaluation import Evaluation
from ..rules.fallback import volunteer_room
from . import decisions
from .parse import VERBS, Command
from .run import Outcome, Run, rows, split_accounts, stretches, theirs, when

__all__ = ["Outcome", "run_command", "split_accounts"]


def run_command(world: World, evaluation: Evaluation, command: Command) -> Outcome:
    run = Run(world, evaluation, command)
    handler = HANDLERS.get(command.verb)
    if command.edited:
        return _edited(run)
    if command.meant is not None:
        return _near_miss(run)
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


def _edited(run: Run) -> Outcome:
    """A comment changed since it was posted: nothing runs; the reply gives the commands to
    post again."""
    shown = ", ".join(code(line, 80) for line in run.command.edited[:3])
    more = f" and {len(run.command.edited) - 3} more" if len(run.command.edited) > 3 else ""
    return run.no(
        f"this comment changed after it was posted, so nothing in it was run: commands are read "
        f"from a comment as first posted, as GitLab reads quick actions. To run {shown}{more}, "
        "post it in a new comment."
    )


def _near_miss(run: Run) -> Outcome:
    """``/ptostatus``: nothing runs; the reply shows the command as probably meant, to copy."""
    meant = f"{run.policy.bot.command} {run.command.meant} {run.command.args}".strip()
    return run.no(
        f"did you mean {code(meant)}? Nothing was run: put a space between "
        f"{code(run.policy.bot.command)} and the verb."
    )


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
        "that would leave too many people out"
        + (
            f" (`{run.policy.approval.deputy}` while the manager is out or silent)"
            if run.policy.approval.deputy
            else ""
        ),
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


HANDLERS: dict[str, Callable[[Run], Outcome]] = {
    "help": _help,
    "status": _status,
    "volunteer": _volunteer,
    "withdraw": _withdraw,
    "accept": _accept,
    "decline": _decline,
    "approve": decisions.approve,
    "deny": decisions.deny,
    "assign": decisions.assign,
}
