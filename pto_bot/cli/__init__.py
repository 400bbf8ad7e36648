"""The ``pto-bot`` command line: argument parsing, one module per subcommand. Subcommands import
``app`` (and ``reports``), never each other; ``main`` only assembles them."""

from .main import main

__all__ = ["main"]
