"""``time.sleep`` on simulated time, for code under test.

While a double with simulated sleeps is active, ``time.sleep`` and every module-level name
bound to it (``from time import sleep``) are this module's ``sleep``. A call from code under
test is spent on the double's ``Timeline``; anything else sleeps for real: no double, a
thread that was running before the double started, the double's own code, pytest, its
plugins and the standard library (``subprocess`` polling a real child, say), and values the
standard library treats specially (zero, negative, not a number).
"""

from __future__ import annotations

import math
import operator
import os
import sys
import sysconfig
import threading
import time
from typing import Any

from ..core.freeze import REAL_SLEEP
from .timeline import Timeline

#: top-level packages whose sleeps are machinery, not code under test
_MACHINERY = frozenset(
    {"pytest_glacier", "_pytest", "pytest", "pluggy", "execnet", "xdist", "pytest_timeout"}
)
#: where the standard library's own files are (``sched`` runs the user's waits: simulated)
_STDLIB = tuple({os.path.join(sysconfig.get_paths()[key], "") for key in ("stdlib", "platstdlib")})
_SITE = ("site-packages", "dist-packages", os.path.join("", "sched.py"))

_lock = threading.Lock()
_timelines: list[Timeline] = []
#: (module, name) pairs rebound to ``sleep`` while any timeline is active
_rebound: list[tuple[Any, str]] = []
_machinery_cache: dict[str, bool] = {}


def sleep(seconds: float, /) -> None:
    """``time.sleep``: simulated for code under test while a double is active."""
    timeline = _timelines[-1] if _timelines else None
    if timeline is None:
        return REAL_SLEEP(seconds)
    length = _simulated_length(seconds)
    if length is None or not timeline.simulated_here() or _from_machinery(sys._getframe(1)):
        return REAL_SLEEP(seconds)
    timeline.sleep(length)
    return None


def _simulated_length(seconds: Any) -> float | None:
    """The length to simulate, or None where the real sleep must decide (0, < 0, bad type)."""
    if isinstance(seconds, float):
        length = seconds
    else:
        try:
            length = operator.index(seconds)
        except TypeError:
            return None
    return float(length) if 0 < length < math.inf else None


def _from_machinery(frame: Any) -> bool:
    filename = frame.f_code.co_filename
    known = _machinery_cache.get(filename)
    if known is None:
        name = frame.f_globals.get("__name__") or ""
        known = name.partition(".")[0] in _MACHINERY or (
            filename.startswith(_STDLIB) and not any(part in filename for part in _SITE)
        )
        _machinery_cache[filename] = known
    return known


def activate(timeline: Timeline, bindings: list[tuple[Any, str]]) -> None:
    """Make ``timeline`` the active one; the first activation rebinds every real sleep."""
    with _lock:
        if not _timelines:
            wanted = [(time, "sleep"), *bindings]
            _rebound[:] = [
                (module, name)
                for module, name in dict.fromkeys(wanted)
                if not getattr(module, "__name__", "").startswith("pytest_glacier")
            ]
            for module, name in _rebound:
                setattr(module, name, sleep)
        _timelines.append(timeline)


def deactivate(timeline: Timeline) -> None:
    with _lock:
        _timelines.remove(timeline)
        if not _timelines:
            for module, name in _rebound:
                if getattr(module, name, None) is sleep:
                    setattr(module, name, REAL_SLEEP)
            _rebound.clear()
