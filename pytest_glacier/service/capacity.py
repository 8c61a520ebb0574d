"""Provisioned capacity and the Expedited capacity model (InsufficientCapacityException)."""

from __future__ import annotations

from .context import Context, Handler


def admit_expedited(ctx: Context) -> None:
    """Raise InsufficientCapacityException if no Expedited capacity is left right now.

    Called by InitiateJob for Expedited retrievals after validation, before the job exists.
    """


HANDLERS: dict[str, Handler] = {}
