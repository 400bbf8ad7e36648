"""The topics of the bot's notes and issues: the ``t`` of each hidden marker, so that the bot
finds its own earlier writes and knows what each said. One name per topic, here."""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    # on a PTO request
    COVERAGE = "coverage"  # who covers what (live: edited in place)
    NEEDS_INFO = "needs-info"  # what to fix in the request (live)
    APPROVAL = "approval"  # the manager is asked (once per dates)
    APPROVAL_REMINDER = "approval-reminder"  # the manager reminded, in its thread (once each)
    APPROVAL_DEPUTY = "approval-deputy"  # the deputy asked, in its thread (once per dates)
    LEAD_TIME = "lead-time"  # opened less than the lead time ahead (once)
    PLAYBOOKS = "playbooks"  # stale playbooks the week before (live)
    CHECKLIST = "checklist"  # the week-before checklist (live)
    BACKUP_RETURN = "backup-return"  # the backups, the day before the return (once)
    RETURNED = "returned"  # the return checklist, with the handback (once)
    RELEASED = "released"  # a cancelled request's backups are free (once)
    BACKUPS = "backups"  # coverage changed after it was announced (once per change)
    AWAY_LOG = "away-log"  # the threads that mentioned the engineer while out (live)
    AWAY_DIGEST = "away-digest"  # a backup's digest of new mentions (once per day and backup)
    # (the last four go on the coverage issue while the engineer is out)
    REOPENED = "reopened"  # closed by someone who may not cancel it: reopened (once a closing)
    CALENDAR = "calendar"  # the time-off calendar disagrees with the request (once each)
    FROM_CALENDAR = "from-calendar"  # a request the bot opened from the calendar (description)
    # on a fallback request
    FALLBACK = "fallback"  # its description: the request, the accounts, who took them
    COVERED = "covered"  # every account covered: closed (once per volunteers)
    CLOSED = "closed"  # no longer needed: closed (once)
    ESCALATED = "escalated"  # the window passed with accounts open (once per window)
    # on a coverage issue (the backups' place while the engineer is out)
    COVERAGE_ISSUE = "coverage-issue"  # its description: the request and who covers what
    STARTS = "starts"  # the first day off: the backups are told (once)
    # elsewhere
    PLAYBOOK = "playbook"  # what a playbook lacks (live)
    REPLY = "reply"  # the answer to the commands of one comment (once per comment)
    AWAY = "away"  # the answer to a mention of someone out (once per thread and absence)
    DASHBOARD = "dashboard"  # the dashboard's description
    CHECKIN = "checkin"  # the pilot's check-in issue (once per review date)


def cover_topic(request_iid: int) -> str:
    """The note on a playbook naming its backup during request ``request_iid`` (live)."""
    return f"cover:{request_iid}"


def reply_topic(note_id: int) -> str:
    """The answer to the commands of comment ``note_id``."""
    return f"{Topic.REPLY}:{note_id}"
