"""The moto internals the package relies on (moto is never a dependency; all of this is
looked up only when moto is already imported).

* ``moto.core.models.botocore_stubber``: the ``BotocoreStubber`` moto adds to every botocore
  client's ``before-send`` handlers; its ``enabled`` is True while any ``mock_aws`` is active.
"""

from __future__ import annotations

import sys
from typing import Any


def stubber() -> Any:
    """moto's before-send handler, when moto is imported (else None)."""
    models = sys.modules.get("moto.core.models")
    return getattr(models, "botocore_stubber", None)


def mock_active() -> bool:
    """Whether a moto ``mock_aws`` is active in this process."""
    handler = stubber()
    return bool(getattr(handler, "enabled", False))


def stubber_class() -> Any:
    """``moto.core.botocore_stubber.BotocoreStubber``, its ``__call__(self, event_name,
    request, **kwargs)`` answering every mocked service's ``before-send`` (None when moto is
    not imported)."""
    module = sys.modules.get("moto.core.botocore_stubber")
    return getattr(module, "BotocoreStubber", None)
