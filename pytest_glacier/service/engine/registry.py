"""Operation name -> handler, gathered from the area modules once, on first use."""

from __future__ import annotations

from functools import cache

from ...core.errors import GlacierError
from ...core.http import Response
from .context import Context, Handler


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
    return _table().get(operation, _not_simulated)


def simulated_operations() -> frozenset[str]:
    return frozenset(_table())


def _not_simulated(context: Context) -> Response:
    raise GlacierError(
        "BadRequest", f"pytest_glacier does not simulate {context.operation} yet", status=501
    )
