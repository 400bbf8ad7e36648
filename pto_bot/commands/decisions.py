"""The manager's and the pod leads' commands: approve or deny a request held for approval, assign
a backup. Only the manager approves or denies (or the policy's deputy, while the manager is out or
silent: :mod:`.decide`); the manager or a pod lead assigns."""

from __future__ import annotations

import re

from ..domain.policy import USERNAME_RE
from ..render.text import safe
from ..rules.evaluation import Evaluated
from .decide import decided_by, decision_refusal
from .run import Outcome, Run, rows, stretches, when


def _decision_target(run: Run) -> Evaluated | str:
    at = run.command.note.created_at
    refused = decision_refusal(run.world, run.about, run.author, at)
    if refused or run.about is None:
        return refused or "this issue is not a PTO request the bot can read"
    return run.about


def approve(run: Run) -> Outcome:
    req = _decision_target(run)
    if isinstance(req, str):
        return run.no(req)
    r = req.request
    return Outcome(
        run.entry(True, start=r.start.isoformat(), end=r.end.isoformat()),
        f"approved for {r.start} – {r.end}{decided_by(run.policy, run.author)}. "
        "Coverage is being arranged now.",
    )


def deny(run: Run) -> Outcome:
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


def assign(run: Run) -> Outcome:
    policy = run.policy
    if not (run.is_manager or run.is_lead()):
        return run.no(f"only the manager (`{policy.team.manager}`) or a pod lead can assign")
    req = run.active_request(to_fix_backups=True)
    if isinstance(req, str):
        return run.no(req)
    # the last word is the user; split from the right, so a long line is read once
    parts = run.command.args.rsplit(maxsplit=1)
    written = parts[-1].removeprefix("@") if len(parts) == 2 else ""
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*", written):
        return run.no(f"write it as `{policy.bot.command} assign <account> @user`")
    name = parts[0].strip()
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
