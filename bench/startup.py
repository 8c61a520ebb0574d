"""Import cost of the plugin and pytest start-up with and without it (best of the rounds)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from typing import Any

from .timing import ROOT, median, timed_child

_LINE = re.compile(r"import time:\s+(\d+)\s+\|\s+(\d+)\s+\|\s+(\s*)(\S+)")


def plugin_import_seconds() -> float:
    """What ``import pytest_glacier.plugin`` adds once pytest itself is loaded (-X importtime)."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pytest; import pytest_glacier.plugin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    total = 0
    for line in out.stderr.splitlines():
        match = _LINE.match(line)
        # top-level entries only (no indentation): their cumulative includes their children
        if match and not match.group(3) and match.group(4).startswith("pytest_glacier"):
            total += int(match.group(2))
    return total / 1e6


def _pytest_start(directory: str, *flags: str) -> float:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *flags, directory]
    return timed_child(command)[0]


def run(quick: bool) -> dict[str, Any]:
    rounds = 3 if quick else 15
    imports = median([plugin_import_seconds() for _ in range(rounds)])
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as directory:
        with open(os.path.join(directory, "test_one.py"), "w") as file:
            file.write("def test_one():\n    pass\n")
        with_plugin, without = [], []
        for _ in range(rounds):
            with_plugin.append(_pytest_start(directory))
            without.append(_pytest_start(directory, "-p", "no:glacier"))
    # best of the rounds: start-up only ever gets slower from noise, never faster
    return {
        "plugin_import": imports,
        "pytest_with_plugin": min(with_plugin),
        "pytest_without_plugin": min(without),
        "pytest_added": min(with_plugin) - min(without),
    }
