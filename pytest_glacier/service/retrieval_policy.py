"""Data retrieval policy: Get/SetDataRetrievalPolicy and its enforcement on InitiateJob."""

from __future__ import annotations

from .context import Context, Handler


def enforce(ctx: Context, tier: str, byte_count: int) -> None:
    """Raise PolicyEnforcedException if a new retrieval would break the region's policy.

    Called by InitiateJob after validation and before the job exists.
    """


HANDLERS: dict[str, Handler] = {}
