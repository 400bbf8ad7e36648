"""Who GitLab tells of a new comment on an issue: its participants (the author, the assignees,
everyone who commented, everyone mentioned in its description or a comment) and whoever the
comment mentions; of a new issue: its assignees and whoever its description mentions. Closing,
reopening and reassigning tell the participants too. An edit tells only people it newly
mentions (a To-Do). The bot never counts: it acts. (GitLab's ``Participable`` and its
notification recipients, everyone on the default "Participate" level.)"""

from __future__ import annotations

from .mentions import mentions
from .snapshot import Issue
from .usernames import user_key


def participants(issue: Issue) -> frozenset[str]:
    """The issue's participants (lower-case usernames)."""
    found = {user_key(issue.author), *(user_key(a) for a in issue.assignees)}
    found |= mentions(issue.description)
    for note in issue.notes:
        if not note.system:
            found.add(user_key(note.author))
            found |= mentions(note.body)
    return frozenset(found)
