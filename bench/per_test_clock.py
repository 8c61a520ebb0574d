"""A pytest plugin for the fixture bench: the CPU time of each test's whole run protocol.

Loaded in the child pytest with ``-p bench.per_test_clock``; it times set-up, call, tear-down
and reporting of every test and writes the list, in seconds, as JSON to the file named by
``BENCH_PER_TEST_OUT``. ``time.process_time`` is kept in a tuple so that freezegun, which
rebinds module attributes that are real time functions, leaves it alone.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator

import pytest

_CPU = (time.process_time,)
_times: list[float] = []


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    start = _CPU[0]()
    yield
    _times.append(_CPU[0]() - start)


def pytest_unconfigure() -> None:
    with open(os.environ["BENCH_PER_TEST_OUT"], "w") as out:
        json.dump(_times, out)
