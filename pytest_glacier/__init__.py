"""pytest_glacier: an Amazon S3 Glacier (vault API) double for pytest and botocore.

Public names load lazily, so importing the pytest plugin stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import ConfigError, GlacierConfig
    from .records import Call, Notification
    from .simulator import Glacier, InternalError, mock_glacier

__all__ = [
    "Call",
    "ConfigError",
    "Glacier",
    "GlacierConfig",
    "InternalError",
    "Notification",
    "mock_glacier",
]

_HOMES = {
    "Call": "records",
    "Notification": "records",
    "ConfigError": "config",
    "GlacierConfig": "config",
    "Glacier": "simulator",
    "InternalError": "simulator",
    "mock_glacier": "simulator",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'pytest_glacier' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{home}", __name__), name)
