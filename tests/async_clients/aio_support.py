"""Helpers the async-client tests share: clients as users make them, a loop that logs timers.

Nothing here imports aiobotocore at import time: in the main environment (no aiobotocore)
the test modules skip themselves before using any of it.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import contextvars

    from typing_extensions import TypeVarTuple, Unpack

    _Ts = TypeVarTuple("_Ts")

KINDS = ["aiobotocore", "aioboto3"]


def new_client(kind: str = "aiobotocore", **kwargs: Any) -> Any:
    """``async with new_client(...) as client``: a glacier client of aiobotocore or aioboto3,
    with the credentials and region the double puts in the environment."""
    if kind == "aioboto3":
        return session(kind).client("glacier", **kwargs)
    return session(kind).create_client("glacier", **kwargs)


@functools.cache
def session(kind: str) -> Any:
    """One session per library for the whole run, as a service keeps one: a new session
    reads botocore's data files again (a few hundred milliseconds a test)."""
    if kind == "aioboto3":
        import aioboto3

        return aioboto3.Session()
    from aiobotocore.session import get_session

    return get_session()


def config(**retries: Any) -> Any:
    """aiobotocore's client config with these retry settings."""
    from aiobotocore.config import AioConfig

    return AioConfig(retries=retries)


def one_attempt() -> Any:
    """A config that never retries (``total_max_attempts`` counts every attempt)."""
    return config(total_max_attempts=1, mode="standard")


class TimerLog(asyncio.SelectorEventLoop):
    """An event loop that records the delay of every timer anything asks of it: a test that
    finds none proves its code never waited on the loop, without measuring any time."""

    def __init__(self) -> None:
        super().__init__()
        self.timers: list[float] = []

    def call_at(
        self,
        when: float,
        callback: Callable[[Unpack[_Ts]], object],
        *args: Unpack[_Ts],
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        self.timers.append(when - self.time())
        return super().call_at(when, callback, *args, context=context)


def run_logging_timers(main: Callable[[], Any]) -> list[float]:
    """Run ``main()`` to completion on a fresh ``TimerLog`` loop; the timers it asked for."""
    loop = TimerLog()
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()
    return loop.timers
