"""The labels the policy names, each with the colour and description ``doctor --fix`` gives it
when it creates the label."""

from __future__ import annotations

from ...domain.policy import Labels, Policy
from ...rules.counting import out_label

#: Colour and description of each label the policy names, by its key under ``labels``.
LABELS: dict[str, tuple[str, str]] = {
    "request": ("#1f75cb", "A PTO request (the PTO request template applies it)"),
    "playbook": ("#6699cc", "An account playbook: one issue per customer account"),
    "fallback": ("#e9be74", "A fallback request opened by the PTO bot: volunteers wanted"),
    "coverage_issue": (
        "#8fbc8f",
        "The PTO bot's coverage issue for one absence, assigned to the backups",
    ),
    "dashboard": ("#428fdc", "The PTO bot's coverage dashboard"),
    "needs_info": ("#dd2b0e", "PTO request: a field is missing or wrong; the bot says which"),
    "needs_approval": ("#ed9121", "PTO request: waiting for the manager's approval"),
    "denied": ("#737278", "PTO request: denied by the manager"),
    "cancelled": ("#737278", "PTO request: cancelled; backups are released"),
    "covered": ("#108548", "PTO request: every account that needs a backup has one"),
    "needs_coverage": ("#ed9121", "PTO request: some accounts are still uncovered"),
    "priority_high": ("#dd2b0e", "Playbook: the account gets a named backup"),
    "priority_normal": ("#1f75cb", "Playbook: a named backup only if its coverage model asks"),
    "coverage_auto": ("#9400d3", "Playbook: tickets are auto-assigned; the backup handles all"),
    "coverage_global": ("#6699cc", "Playbook: Global Support handles tickets"),
    "escalated": ("#dd2b0e", "Fallback request: the deadline passed; the manager was told"),
    "checkin": ("#6699cc", "The pod pilot's check-in, opened by the PTO bot on the review date"),
}
OUT_COLORS = ("#108548", "#ed9121", "#dd2b0e")


def wanted_labels(policy: Policy) -> dict[str, tuple[str, str]]:
    """Every label the policy names, with a colour and a description for creating it."""
    wanted: dict[str, tuple[str, str]] = {}
    for key in Labels.model_fields:
        if key in LABELS:
            wanted[str(getattr(policy.labels, key))] = LABELS[key]
    thresholds = policy.thresholds
    top = thresholds.approval or thresholds.visibility + 1  # no approval: more are made on need
    for n in range(1, top + 1):
        color = OUT_COLORS[min(n, len(OUT_COLORS)) - 1]
        wanted.setdefault(out_label(n, policy), (color, "PTO request: engineers out on one day"))
    return wanted
