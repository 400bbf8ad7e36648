"""The ``team`` fixture of the end-to-end tests (:mod:`gitlab_team`)."""

from gitlab_team import team

__all__ = ["team"]
