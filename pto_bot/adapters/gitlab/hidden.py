"""A read the token's role may be refused: :data:`HIDDEN` instead of a failure, so the doctor
can say what to check by hand. Any other failure stops the doctor like any run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, TypeVar

from ...errors import AccessError
from .api import Api

T = TypeVar("T")
Hidden = Literal["hidden"]
HIDDEN: Hidden = "hidden"


def visible(api: Api, op: str, role: str, read: Callable[[], T]) -> T | Hidden:
    """``read()``, or HIDDEN when GitLab answers 403 (``role`` is the least role it takes)."""
    try:
        with api.reporting(op, None, role=role):
            return read()
    except AccessError as exc:
        if exc.kind == "forbidden":
            return HIDDEN
        raise
