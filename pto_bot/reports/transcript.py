"""The issues as a person would read them in GitLab after a run: labels, descriptions the bot
wrote, then the notes (used by the demo)."""

from __future__ import annotations

from ..domain.markers import strip_marker
from ..domain.snapshot import Snapshot


def transcript(snapshot: Snapshot, bot: str) -> str:
    """The issues as a person would read them in GitLab: labels, then the bot's notes."""
    out = [f"# {snapshot.project or 'Project'}: issues after the run", ""]
    for issue in sorted(snapshot.issues, key=lambda i: i.iid):
        bot_notes = [n for n in issue.notes if n.author == bot]
        if not bot_notes and issue.author != bot:
            continue
        labels = " ".join(f"~{label}" for label in issue.labels)
        out += [f"## #{issue.iid} {issue.title} ({issue.state})", "", f"Labels: {labels}", ""]
        if issue.author == bot:
            out += ["Description:", "", strip_marker(issue.description), ""]
        for note in issue.notes:
            who = "pto_bot" if note.author == bot else note.author
            if note.system:  # GitLab shows these as one line of activity
                out += [f"· {who} {note.body} ({note.created_at:%Y-%m-%d %H:%M})", ""]
                continue
            out += [
                f"**{who}** ({note.created_at:%Y-%m-%d %H:%M}):",
                "",
                strip_marker(note.body),
                "",
            ]
        out.append("---")
        out.append("")
    return "\n".join(out)
