"""The webhook's custom template: what GitLab sends the pipeline trigger instead of its default
body, so that the pipeline knows who caused the event before any job starts.

GitLab renders a custom webhook template by putting, for each ``{{path.to.field}}``, the value
of that field of the event's default body; since GitLab 18.4 the value is JSON-serialized (a
string escaped, an object or a list written whole), which is the only way a template can carry
the text and labels the bot reads (on GitLab.com; a self-managed GitLab needs its feature flag
``custom_webhook_template_serialization`` on, or a release that enables it). The pipeline
trigger API takes a JSON body's ``inputs`` as the pipeline's inputs (GitLab 17.11 and later)
and hands the whole body to the job as ``TRIGGER_PAYLOAD``.

So the template copies whole every key of the default body that :mod:`.hook_shapes` reads, and
adds the one input the team's ``.gitlab-ci.yml`` declares: the username of the event's author.
The component's rules compare it with its input ``bot`` and send the bot's own events to a job
that holds no lock and restores no cache (README "Go live", step 6).
"""

from __future__ import annotations

from .hook_shapes import IssueHook, NoteHook, WorkItemHook

#: The pipeline input (of the team's ``.gitlab-ci.yml``) naming who caused the event.
EVENT_BY = "pto_bot_event_by"
#: Only a GitLab username goes into the pipeline's configuration through it.
USERNAME_INPUT = r"^[A-Za-z0-9_.\-]*$"

# Keys of the default body that are text, written in quotes; the others are objects or lists.
# ``event_type`` is left out: the bot reads ``object_kind``, and a template writes a missing
# field as ``null``, which in quotes would read as the text "null".
_TEXT = ("object_kind",)
_LEFT_OUT = ("event_type",)


def _keys() -> list[str]:
    keys = list(_TEXT)
    for shape in (IssueHook, WorkItemHook, NoteHook):
        keys += [k for k in shape.model_fields if k not in keys and k not in _LEFT_OUT]
    return keys


def webhook_template() -> str:
    """The custom webhook template to paste into the webhook's settings (one line)."""
    parts = [
        f'"{key}":"{{{{{key}}}}}"' if key in _TEXT else f'"{key}":{{{{{key}}}}}' for key in _keys()
    ]
    parts.append(f'"inputs":{{"{EVENT_BY}":"{{{{user.username}}}}"}}')
    return "{" + ",".join(parts) + "}"
