"""``python -m bridge.inspect``: see ``bridge.inspect.cli``."""

from .cli import main

raise SystemExit(main())
