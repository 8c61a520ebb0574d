"""asyncio event loops on simulated time.

While a double with simulated sleeps is active, an event loop that starts running (``asyncio
.run``, ``run_until_complete``, pytest-asyncio, anyio on asyncio) in a thread whose sleeps
are simulated keeps time on the double's clock, and when it has nothing ready to run it jumps
to its next timer instead of waiting: ``await asyncio.sleep(3600)`` returns at once with the
clock an hour later, and ``wait_for`` times out exactly on simulated time.

Real I/O still works: before a jump the loop polls its sockets, waiting up to ``IO_GRACE`` of
real time when it watches any (a reply from the local server arrives well within that).

asyncio's private names are used here only: for the length of a run the loop's ``_selector``
is wrapped, and its ``_clock_resolution`` is the simulated clock's (1 µs: a timer due exactly
now must count as due; at epoch-sized floats the real resolution, 1 ns, rounds away).
``BaseEventLoop.run_forever`` (public) is wrapped while a double is active.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import selectors
import threading
from collections.abc import Callable
from typing import Any

from .._compat.freezegun import monotonic_at
from .timeline import Timeline

#: the real time a loop waits for its sockets before jumping to its next timer
IO_GRACE = 0.01
#: the simulated clock's resolution (datetime's), in seconds
CLOCK_RESOLUTION = 1e-6

_lock = threading.Lock()
_active: list[tuple[Timeline, Callable[[], dt.datetime]]] = []
_original_run_forever: Any = None
#: timeline -> what puts back the loop that was running when it started
_adopted: dict[Timeline, Callable[[], None]] = {}


def loop_time(moment: dt.datetime) -> float:
    """The loop's clock: freezegun's ``time.monotonic()`` for the same instant."""
    return monotonic_at(moment)


class JumpingSelector(selectors.BaseSelector):
    """A loop's selector that spends idle waits on the timeline instead of in ``select``."""

    def __init__(
        self,
        real: selectors.BaseSelector,
        timeline: Timeline,
        now: Callable[[], dt.datetime],
        watched_by_loop: int,
    ) -> None:
        self.real = real
        self._timeline = timeline
        self._now = now
        #: how many file objects the loop itself registers (its wake-up pipe)
        self._own = watched_by_loop

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is None or timeout <= 0 or not _is_active(self._timeline):
            return self.real.select(timeout)
        watching = len(self.real.get_map()) > self._own
        ready = self.real.select(min(timeout, IO_GRACE) if watching else 0)
        if ready:
            return ready
        step = dt.timedelta(microseconds=max(1, math.ceil(timeout * 1e6)))
        self._timeline.wait_until(self._now() + step)
        return []

    # the rest of the selector interface is the real selector's
    def register(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self.real.register(fileobj, events, data)

    def unregister(self, fileobj: Any) -> selectors.SelectorKey:
        return self.real.unregister(fileobj)

    def modify(self, fileobj: Any, events: int, data: Any = None) -> selectors.SelectorKey:
        return self.real.modify(fileobj, events, data)

    def close(self) -> None:
        self.real.close()

    def get_key(self, fileobj: Any) -> selectors.SelectorKey:
        return self.real.get_key(fileobj)

    def get_map(self) -> Any:
        return self.real.get_map()


def _is_active(timeline: Timeline) -> bool:
    return any(entry[0] is timeline for entry in _active)


def _on_timeline(
    loop: asyncio.AbstractEventLoop, timeline: Timeline, now: Callable[[], dt.datetime]
) -> Callable[[], None] | None:
    """Put ``loop`` on ``timeline`` (its selector jumps, its clock is the double's); returns
    what puts it back, or None when the loop is not one this can steer (or already is)."""
    selector = getattr(loop, "_selector", None)
    if not isinstance(selector, selectors.BaseSelector) or isinstance(selector, JumpingSelector):
        return None
    real: Any = loop
    resolution = real._clock_resolution
    real._selector = JumpingSelector(selector, timeline, now, len(selector.get_map()))
    real._clock_resolution = CLOCK_RESOLUTION
    real.time = lambda: loop_time(now())

    def put_back() -> None:
        real._selector = selector
        real._clock_resolution = resolution
        del real.time

    return put_back


def _run_forever(loop: asyncio.AbstractEventLoop) -> None:
    """``run_forever`` with the loop on the innermost double's timeline for the run."""
    entry = _active[-1] if _active else None
    put_back = (
        None if entry is None or not entry[0].simulated_here() else _on_timeline(loop, *entry)
    )
    try:
        return _original_run_forever(loop)  # type: ignore[no-any-return]
    finally:
        if put_back is not None:
            put_back()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def activate(timeline: Timeline, now: Callable[[], dt.datetime]) -> None:
    """Put loops that start running on ``timeline``; so too the loop running in this thread
    (``async with mock_glacier()``), which would otherwise wait on the frozen clock forever."""
    global _original_run_forever
    with _lock:
        if not _active:
            _original_run_forever = asyncio.BaseEventLoop.run_forever
            asyncio.BaseEventLoop.run_forever = _run_forever  # type: ignore[method-assign,assignment]
        _active.append((timeline, now))
        running = _running_loop()
        put_back = None if running is None else _on_timeline(running, timeline, now)
        if put_back is not None:
            _adopted[timeline] = put_back


def deactivate(timeline: Timeline) -> None:
    global _original_run_forever
    with _lock:
        put_back = _adopted.pop(timeline, None)
        if put_back is not None:
            put_back()
        _active[:] = [entry for entry in _active if entry[0] is not timeline]
        if not _active:
            asyncio.BaseEventLoop.run_forever = _original_run_forever  # type: ignore[method-assign]
            _original_run_forever = None
