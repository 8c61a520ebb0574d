"""The two ways a query fails: refused at InitiateJob, or failing the job on its data."""

from __future__ import annotations


class SelectSyntaxError(ValueError):
    """An expression the engine cannot accept; its text is the InitiateJob error message."""


class SelectRuntimeError(Exception):
    """A query that met data it cannot evaluate: the job fails with ``code`` and ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        #: the 1-based archive record being evaluated, when known
        self.record: int | None = None
