"""Errors for misusing the double (not service errors): each message names the fix."""

from __future__ import annotations


class DoubleEnded(RuntimeError):
    """The double's test or ``with`` block is over: it no longer acts (its views still read)."""


class DoubleConflict(RuntimeError):
    """Another double already answers in-process clients."""


class ClockWarning(UserWarning):
    """Something steers time that the double's clock does not follow."""


def ended(action: str) -> DoubleEnded:
    return DoubleEnded(
        f"cannot {action}: this Glacier double has ended (its test or `with` block is "
        "over). Its views (calls, vaults(), jobs(), notifications, ...) still read its "
        "final state; start a new double (mock_glacier(), the glacier fixture) to act."
    )
