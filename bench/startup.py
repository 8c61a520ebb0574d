"""Import cost of the plugin, pytest start-up with and without it, and the first test's cost.

The first test of a process (or of an xdist worker) pays every one-off import the double
needs. "First test" is a fresh pytest process running one test that makes a boto3 glacier
client, creates a vault and initiates a job against the ``glacier`` fixture, against the
floor: the same test answered by botocore's ``Stubber`` (botocore's client creation and its
glacier model are the user's cost, not ours). Wall time in the parent, best of the rounds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from typing import Any

from .suite import child_env
from .timing import ROOT, median, now, timed_child

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


FIRST_TESTS = {
    "pytest_glacier": (
        "import boto3\n\n\n"
        "def test_first(glacier):\n"
        "    client = boto3.client('glacier', region_name='us-east-1')\n"
        "    client.create_vault(vaultName='v')\n"
        "    client.initiate_job(vaultName='v', jobParameters={'Type': 'inventory-retrieval'})\n"
    ),
    "floor (Stubber)": (
        "import boto3\n"
        "from botocore.stub import Stubber\n\n\n"
        "def test_first():\n"
        "    client = boto3.client('glacier', region_name='us-east-1',\n"
        "                          aws_access_key_id='a', aws_secret_access_key='b')\n"
        "    with Stubber(client) as stub:\n"
        "        stub.add_response('create_vault', {'location': '/-/vaults/v'})\n"
        "        stub.add_response('initiate_job', {'jobId': 'j', 'location': '/j'})\n"
        "        client.create_vault(vaultName='v')\n"
        "        client.initiate_job(\n"
        "            vaultName='v', jobParameters={'Type': 'inventory-retrieval'}\n"
        "        )\n"
    ),
}


def _first_test_wall(path: str, env: dict[str, str]) -> float:
    """Wall seconds of a fresh pytest process running the one test in ``path``."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path]
    start = now()
    done = subprocess.run(
        command, cwd=os.path.dirname(path), env=env, capture_output=True, text=True, check=False
    )
    wall = now() - start
    if done.returncode != 0:
        raise RuntimeError(f"{path} failed:\n{done.stdout[-2000:]}")
    return wall


def first_test(rounds: int) -> dict[str, float]:
    """Best-of-``rounds`` wall seconds of each first test, the kinds interleaved per round
    (after a warm-up run that writes the byte code, as an installed package has it)."""
    with tempfile.TemporaryDirectory(prefix="bench-first-") as directory:
        env = child_env(os.path.join(directory, "pycache"))
        paths = {}
        for index, (kind, source) in enumerate(FIRST_TESTS.items()):
            paths[kind] = os.path.join(directory, f"test_first_{index}.py")
            with open(paths[kind], "w") as file:
                file.write(source)
            _first_test_wall(paths[kind], env)
        walls: dict[str, list[float]] = {kind: [] for kind in FIRST_TESTS}
        for _ in range(rounds):
            for kind, path in paths.items():
                walls[kind].append(_first_test_wall(path, env))
    return {kind: min(values) for kind, values in walls.items()}


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
    first = first_test(rounds)
    # best of the rounds: start-up only ever gets slower from noise, never faster
    return {
        "first_test": first,
        "first_test_added": first["pytest_glacier"] - first["floor (Stubber)"],
        "plugin_import": imports,
        "pytest_with_plugin": min(with_plugin),
        "pytest_without_plugin": min(without),
        "pytest_added": min(with_plugin) - min(without),
    }
