"""Parameter rules that several areas share, written once."""

from __future__ import annotations

from ...core.errors import invalid

MAX_DESCRIPTION = 1024


def parse_limit(value: str | None, maximum: int) -> int:
    """A list ``limit`` query value: 1..maximum (larger values are capped, as the service does)."""
    if value is None:
        return maximum
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise invalid(f"Invalid limit: '{value}'. The limit must be a positive integer.")
    return min(int(value), maximum)


def check_description(value: str | None, kind: str) -> str | None:
    """An archive or job description: at most 1,024 printable ASCII characters."""
    if value is not None and (
        len(value) > MAX_DESCRIPTION or any(not " " <= c <= "~" for c in value)
    ):
        raise invalid(
            f"Invalid {kind} description: it must be at most 1024 characters, each a "
            "printable ASCII character (0x20-0x7E)"
        )
    return value
