"""Operation name -> handler, gathered from the area modules once, on first use."""

from __future__ import annotations

from functools import cache

from ..core.errors import GlacierError
from ..core.http import Response
from .context import Context, Handler

#: one module per area, each exporting ``HANDLERS: dict[operation, handler]``
AREAS = (
    "vaults",
    "archives",
    "jobs",
    "notifications",
    "multipart",
    "tags",
    "access_policy",
    "vault_lock",
    "retrieval_policy",
    "capacity",
)


@cache
def _table() -> dict[str, Handler]:
    from importlib import import_module

    table: dict[str, Handler] = {}
    for area in AREAS:
        table.update(import_module(f".{area}", __package__).HANDLERS)
    return table


def handler_for(operation: str) -> Handler:
    return _table().get(operation, _not_simulated)


def simulated_operations() -> frozenset[str]:
    return frozenset(_table())


def _not_simulated(context: Context) -> Response:
    raise GlacierError(
        "BadRequest", f"pytest_glacier does not simulate {context.operation} yet", status=501
    )
