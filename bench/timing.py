"""Wall-clock helpers that freezegun cannot freeze, and child-process helpers.

freezegun rebinds module attributes that *are* ``time.perf_counter``; a function kept inside
a tuple is not such an attribute, so the benchmarks keep timing real time while a frozen
double is active.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

_CLOCK = (time.perf_counter, time.process_time)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def now() -> float:
    """Wall-clock seconds."""
    return _CLOCK[0]()


def cpu() -> float:
    """CPU seconds of this process: steadier than wall time on a shared machine."""
    return _CLOCK[1]()


def per_call(fn: Callable[[], Any], calls: int) -> float:
    """CPU seconds per call of ``fn`` over ``calls`` calls (single-threaded work)."""
    start = cpu()
    for _ in range(calls):
        fn()
    return (cpu() - start) / calls


def child_cpu() -> float:
    """CPU seconds used so far by this process's finished children."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_child(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run ``command`` from the repository root; (its CPU seconds, the result)."""
    before = child_cpu()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    return child_cpu() - before, done


def median(values: list[float]) -> float:
    return statistics.median(values)


def peak_rss_bytes() -> int:
    """This process's peak resident set size (Linux: kB in ru_maxrss)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def run_child(module: str, *args: str, timeout: float = 1800) -> dict[str, Any]:
    """Run ``python -m bench.<module> args`` in a fresh process; it prints one JSON line."""
    out = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"bench.{module} {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))
