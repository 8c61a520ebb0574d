"""Set-up + tear-down cost of a test using ``glacier`` vs moto's ``mock_aws`` vs no double.

Each kind runs as a generated test file in a fresh ``pytest`` process, at two sizes; the cost
of one test is the slope between them, so interpreter start, imports and collection of the
first test cancel out; times are the child's CPU seconds, best of 5 rounds per size.
The reported overhead is that slope minus the slope of empty tests.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

from .timing import timed_child

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


def _wall(path: str) -> float:
    """CPU seconds of one pytest run over ``path``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path]
    seconds, done = timed_child(command)
    if done.returncode != 0:
        raise RuntimeError(f"{path} failed:\n{done.stdout[-2000:]}")
    return seconds


def run(quick: bool) -> dict[str, Any]:
    small, large, rounds = (20, 100, 1) if quick else (100, 500, 5)
    walls: dict[str, tuple[list[float], list[float]]] = {kind: ([], []) for kind in BODIES}
    with tempfile.TemporaryDirectory(prefix="bench-fixture-") as directory:
        files = {
            kind: (_write(directory, kind, small), _write(directory, kind, large))
            for kind in BODIES
        }
        for _ in range(rounds):
            for kind, (few, many) in files.items():
                walls[kind][0].append(_wall(few))
                walls[kind][1].append(_wall(many))
    # best of the rounds at each size: noise from other processes only ever adds time
    per_test = {
        kind: (min(many) - min(few)) / (large - small) for kind, (few, many) in walls.items()
    }
    base = per_test["no double"]
    return {
        "per_test": per_test,
        "overhead": {kind: cost - base for kind, cost in per_test.items() if kind != "no double"},
        "sizes": [small, large],
        "rounds": rounds,
    }
