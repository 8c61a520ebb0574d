"""One simulated timeline shared by every thread that waits on it.

A waiter (a ``time.sleep`` in code under test, or an idle asyncio loop) registers its
deadline and blocks. The clock moves to the earliest deadline once every thread taking part
is waiting: asleep here, or blocked on a lock, a queue, a join or I/O. So four threads each
sleeping 60 s in parallel move the clock 60 s, not 240 s, and a lone sleeper moves it at
once. A thread that keeps running without waiting is waited for at most ``GRACE`` of real
time per move (longer while it makes requests to the double), so nothing hangs on it.

Taking part: the thread that started the double and threads started while it is active
(not the double's own). Threads that were running before the double started (pytest's,
xdist's, other plugins') keep real sleeps: see ``simulated_here``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..records import Sleep

#: the longest real time a move waits for a taking-part thread that runs without calling
#: the double (a request answered by the double restarts the wait)
GRACE = 0.1
#: the standard library's blocking calls, by file and function: a thread whose innermost
#: frame is one of them is blocked on a lock, a queue, a join (only another thread can wake
#: it) or on I/O (as an autojumping clock treats it)
_WAITS: dict[str | None, frozenset[str]] = {
    importlib.import_module(module).__file__: frozenset(names.split())
    for module, names in {
        "threading": "wait wait_for _wait_for_tstate_lock join acquire",
        "queue": "get put join",
        "selectors": "select",
        "socket": "accept readinto recv recv_into recvfrom sendall connect create_connection",
        "ssl": "read recv recv_into write sendall do_handshake",
    }.items()
}


#: idents of the double's own threads (the local server's connection threads)
_OWN_THREADS: set[int] = set()


@contextmanager
def own_thread() -> Iterator[None]:
    """Mark the calling thread as the double's own while the block runs: real sleeps, and
    no move of simulated time waits for it."""
    ident = threading.get_ident()
    _OWN_THREADS.add(ident)
    try:
        yield
    finally:
        _OWN_THREADS.discard(ident)


class Timeline:
    """Waiters on the simulated clock of one double."""

    def __init__(
        self,
        now: Callable[[], dt.datetime],
        advance_to: Callable[[dt.datetime], None],
        sleeps: list[Sleep],
    ) -> None:
        self._now = now
        self._advance_to = advance_to
        self._changed = threading.Condition(threading.Lock())
        #: thread ident -> the deadline it waits for
        self._waiting: dict[int, dt.datetime] = {}
        self._before = frozenset(t.ident for t in threading.enumerate())
        self._starter = threading.get_ident()
        #: where each simulated sleep is recorded (the controller's ``sleeps``)
        self.sleeps = sleeps
        self._requests = 0

    def request_seen(self) -> None:
        """A request reached the double: a running thread is making progress."""
        self._requests += 1

    def simulated_here(self) -> bool:
        """Whether the calling thread's waits are simulated (see the module docstring)."""
        ident = threading.get_ident()
        return (ident not in self._before or ident == self._starter) and (ident not in _OWN_THREADS)

    def sleep(self, seconds: float) -> None:
        """``time.sleep(seconds)`` on the timeline: recorded, then :meth:`wait_until`."""
        start = self._now()
        self.sleeps.append(Sleep(seconds, start, threading.current_thread().name))
        self.wait_until(start + dt.timedelta(seconds=seconds))

    def wait_until(self, deadline: dt.datetime) -> None:
        """Block until simulated time reaches ``deadline``, moving it there when it is due."""
        me = threading.get_ident()
        with self._changed:
            self._waiting[me] = deadline
            self._changed.notify_all()
            try:
                self._wait(deadline)
            finally:
                del self._waiting[me]
                self._changed.notify_all()

    def _wait(self, deadline: dt.datetime) -> None:
        waited = 0.0
        while self._now() < deadline:
            earliest = min(self._waiting.values())
            if deadline <= earliest and (waited >= GRACE or self._all_waiting()):
                self._advance_to(deadline)
                return
            seen = (len(self._waiting), self._requests)
            woken = self._changed.wait(GRACE / 20)
            if woken or seen != (len(self._waiting), self._requests):
                waited = 0.0
            else:
                waited += GRACE / 20

    def _all_waiting(self) -> bool:
        """Every taking-part thread is waiting here or blocked on another thread."""
        own = _OWN_THREADS
        frames = sys._current_frames()
        for thread in threading.enumerate():
            ident = thread.ident
            if ident is None:
                return False  # being started: it will run before it can wait
            if ident in self._waiting or ident in own:
                continue
            if ident in self._before and ident != self._starter:
                continue
            frame = frames.get(ident)
            if frame is not None and not _blocked(frame):
                return False
        return True


def _blocked(frame: Any) -> bool:
    """A thread whose innermost frame is one of the standard library's blocking calls.

    Starting a thread waits too (``Thread.start`` until the thread runs), but the starter
    goes on at once: it counts as running.
    """
    code = frame.f_code
    if code.co_name not in _WAITS.get(code.co_filename, ()):
        return False
    while frame is not None and frame.f_code.co_filename in _WAITS:
        if frame.f_code.co_name == "start":
            return False
        frame = frame.f_back
    return True
