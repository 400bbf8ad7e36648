"""The team project as ``pto-bot export`` writes it: GitLab's own JSON of the issues a run reads,
their notes and the links of the fallback requests and coverage issues, in the offline file's shape
(:mod:`..offline`), so that ``reconcile --offline FILE --dry-run`` plans on it what a run on
GitLab would.

What it reads is what a run without memory reads (:mod:`.reads`): the open issues of each of the
policy's labels (the dashboard's open or closed: it may hold only the memory), and the closed
requests and fallback requests changed since ``since``. Its requests, all reads:

- one for the project (its id, path and web address, for the file);
- one list per label of open issues, and one per label of closed ones (one more request per
  further page of 100 issues);
- one per issue for its notes, except the dashboard's (a run never reads its comments);
- one per fallback request and coverage issue for its links (the offline file records the link
  from a request to its fallback request or coverage issue, and nothing else links issues).

An issue whose notes or links cannot be read is left out of the file and named; a refused token,
role or project, or a GitLab out of reach, stops the export. The token is never written: should
it appear in any text read (someone pasted it into a comment), it is written ``[token]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...errors import AccessError, TrackerError
from .api import Api
from .config import connection_from_env
from .memory import without_memory
from .reads import list_closed, list_open, read_notes

Json = dict[str, Any]


@dataclass(frozen=True)
class Exported:
    """The project in the offline file's shape, what was left out, and what reading it cost."""

    data: Json
    left_out: tuple[str, ...]
    requests: int

    @property
    def notes(self) -> int:
        return sum(len(notes) for notes in self.data["notes"].values())


class ProjectExport:
    """Reads the project for an export, through one :class:`~.api.Api`."""

    def __init__(self, api: Api) -> None:
        self.api = api

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], configured_url: str | None = None, **kw: Any
    ) -> ProjectExport:
        return cls(Api(connection_from_env(env, configured_url), **kw))

    def read(
        self,
        labels: Sequence[str],
        closed: Sequence[str],
        since: datetime,
        *,
        board: str,
        linked: Sequence[str],
    ) -> Exported:
        """The open issues of ``labels`` (``board``'s in any state), the closed ones of
        ``closed`` changed since ``since``, each with its notes (not ``board``'s), and the links
        of the issues the bot links to a request (``linked``: fallback requests, coverage
        issues) to the other issues read."""
        api = self.api
        with api.reporting("read the project", None):
            project = api.gl.projects.get(api.connection.project).asdict()
        found, _ = list_open(api, labels, board)
        for iid, raw in list_closed(api, closed, since).items():
            found.setdefault(iid, raw)
        notes: dict[str, list[Json]] = {}
        links: list[Json] = []
        left_out: list[str] = []
        for iid in sorted(found):
            labelled = set(found[iid].get("labels") or ())
            try:
                if board not in labelled:
                    notes[str(iid)] = read_notes(api, iid)
                if labelled & set(linked):
                    links += self._links(iid, project["id"], found)
            except AccessError:
                raise  # the token, the role or GitLab itself: nothing more can be read
            except TrackerError as exc:
                left_out.append(f"issue #{iid} left out of the file: it could not be read ({exc})")
                del found[iid]
                notes.pop(str(iid), None)
        pairs = {frozenset((link["source"], link["target"])): link for link in links}
        kept = [link for pair, link in pairs.items() if pair <= set(found)]
        data = {
            "project": {
                "id": project["id"],
                "path_with_namespace": project.get("path_with_namespace") or "",
                "web_url": project.get("web_url") or "",
            },
            "issues": [_as_filed(found[iid], board) for iid in sorted(found)],
            "notes": notes,
            "links": kept,
        }
        return Exported(_scrubbed(data, api.connection.token), tuple(left_out), self.requests)

    @property
    def requests(self) -> int:
        return self.api.transport.requests_made

    def _links(self, iid: int, project_id: int, found: Mapping[int, Json]) -> list[Json]:
        """The links of ``iid`` (a fallback request, a coverage issue) to issues of this project,
        each as the bot makes it: from the other issue (its PTO request) to ``iid``."""
        with self.api.reporting("read linked issues", iid):
            linked = [link.asdict() for link in self.api.issue(iid).links.list(get_all=True)]
        return [
            {"source": int(other["iid"]), "target": iid}
            for other in linked
            if other.get("project_id") == project_id and int(other["iid"]) in found
        ]


def _as_filed(raw: Json, board: str) -> Json:
    """An issue as the file holds it: the bot's own without its sealed memory (of no use in a
    file, only the bot's token opens it, and not part of what the planner reads)."""
    return without_memory(raw) if board in (raw.get("labels") or ()) else raw


def _scrubbed(value: Any, token: str) -> Any:
    """``value`` with ``token`` replaced wherever it appears in a text."""
    if isinstance(value, str):
        return value.replace(token, "[token]") if token and token in value else value
    if isinstance(value, dict):
        return {k: _scrubbed(v, token) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, token) for v in value]
    return value
