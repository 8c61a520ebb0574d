"""Handlers of this area are being built; see the project's issues."""

from __future__ import annotations

from .context import Handler

HANDLERS: dict[str, Handler] = {}
