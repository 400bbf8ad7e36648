"""``python -m pto_bot``: the same as the ``pto-bot`` command."""

from .cli import main

raise SystemExit(main())
