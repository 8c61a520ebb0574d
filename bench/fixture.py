"""Set-up + tear-down cost of a test using ``glacier`` vs moto's ``mock_aws`` vs no double.

Each kind runs as a generated file of empty tests in a fresh ``pytest`` process. A plugin in
the child (``bench.per_test_clock``) times each test's whole run protocol (set-up, call,
tear-down, reporting) in CPU time; a run's cost is the mean over its tests after the first
ones (which pay one-off imports; the mean keeps the garbage collections a test's allocations
cause), and a kind's cost the lowest of the rounds' (noise from other processes only ever
adds time). The overhead is that cost minus the empty tests' cost.
Timing each test where it runs, rather than whole processes, keeps start-up, collection and
the machine's noise out of a difference of a few hundred microseconds.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from typing import Any

from .timing import ROOT

BODIES = {
    "no double": ("", "def test_{i}():\n    pass\n"),
    "pytest_glacier": ("", "def test_{i}(glacier):\n    pass\n"),
    "moto mock_aws": ("from moto import mock_aws\n", "@mock_aws\ndef test_{i}():\n    pass\n"),
}


def _write(directory: str, kind: str, count: int) -> str:
    header, body = BODIES[kind]
    path = os.path.join(directory, f"test_{kind.split()[0]}_{count}.py")
    with open(path, "w") as file:
        file.write(header + "".join(body.format(i=i) for i in range(count)))
    return path


#: tests at the start of a run that pay one-off imports (botocore, freezegun, the service)
WARM_UP = 5


def _per_test(path: str, directory: str) -> float:
    """The mean CPU seconds of one test's run protocol in a pytest run over ``path``."""
    out = os.path.join(directory, "per-test.json")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "bench.per_test_clock", path]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "BENCH_PER_TEST_OUT": out},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{path} failed:\n{done.stdout[-2000:]}")
    with open(out) as file:
        times: list[float] = json.load(file)
    return statistics.mean(times[WARM_UP:])


def run(quick: bool) -> dict[str, Any]:
    count, rounds = (40, 1) if quick else (500, 5)
    costs: dict[str, list[float]] = {kind: [] for kind in BODIES}
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as directory:
        files = {kind: _write(directory, kind, count) for kind in BODIES}
        for _ in range(rounds):
            for kind, path in files.items():
                costs[kind].append(_per_test(path, directory))
    per_test = {kind: min(values) for kind, values in costs.items()}
    base = per_test["no double"]
    return {
        "per_test": per_test,
        "overhead": {kind: cost - base for kind, cost in per_test.items() if kind != "no double"},
        "tests": count,
        "rounds": rounds,
    }
