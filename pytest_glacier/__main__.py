"""``python -m pytest_glacier serve``: the same as the ``pytest-glacier`` console script."""

from __future__ import annotations

from .cli import main

raise SystemExit(main())
