"""Operation name -> handler, gathered from the area modules once, on first use.

Every operation a route resolves to has a handler (a test checks all 33), so there is no
"not simulated" answer.
"""

from __future__ import annotations

from functools import cache

from .context import Handler


@cache
def _table() -> dict[str, Handler]:
    """Imported on first use, so that importing the plugin stays cheap."""
    from .. import archives, multipart, notifications, tags, vaults
    from ..jobs import handlers as jobs
    from ..policies import access, capacity, lock, retrieval

    table: dict[str, Handler] = {}
    for area in (
        vaults,
        archives,
        jobs,
        notifications,
        multipart,
        tags,
        access,
        lock,
        retrieval,
        capacity,
    ):
        table.update(area.HANDLERS)
    return table


def handler_for(operation: str) -> Handler:
    return _table()[operation]


def simulated_operations() -> frozenset[str]:
    return frozenset(_table())
