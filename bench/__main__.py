"""``python -m bench [--quick] [--only SECTION ...] [--write-docs]``."""

from bench.run import main

raise SystemExit(main())
