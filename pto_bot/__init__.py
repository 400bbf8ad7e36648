"""pto_bot: PTO coverage planning for support teams that work in GitLab."""

__version__ = "0.1.0"
