"""docs/async.md's examples need aiobotocore and aioboto3: without them (the main environment)
they are not collected; the async environment runs them (see .ci/run)."""

from __future__ import annotations

import importlib.util

collect_ignore_glob = (
    []
    if importlib.util.find_spec("aiobotocore") and importlib.util.find_spec("aioboto3")
    else ["test_*.py"]
)
