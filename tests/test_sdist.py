"""The source distribution carries its licence and a test suite that runs from it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def unpacked_sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist built by PyPA ``build`` from a copy of the tracked tree, unpacked."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy the tracked tree")
    work = tmp_path_factory.mktemp("sdist")
    source = work / "src"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in tracked)):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    command = [sys.executable, "-m", "build", "--sdist", "-o", str(work), str(source)]
    subprocess.run(command, check=True, capture_output=True)
    (archive,) = work.glob("pytest_glacier-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(work / "unpacked", filter="data")
    (unpacked,) = (work / "unpacked").iterdir()
    return unpacked


@pytest.mark.timeout(600)
def test_the_sdist_carries_the_licence_and_what_its_tests_need(unpacked_sdist: Path) -> None:
    for name in ("LICENSE", "README.md", "conftest.py", "pyproject.toml"):
        assert (unpacked_sdist / name).is_file(), name
    for folder in ("tests", "docs", "examples", "pytest_glacier/schemas"):
        assert (unpacked_sdist / folder).is_dir(), folder
    assert "License-Expression: MIT" in (unpacked_sdist / "PKG-INFO").read_text()


@pytest.mark.timeout(600)
def test_tests_run_from_the_unpacked_sdist(unpacked_sdist: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(unpacked_sdist)}
    files = ["tests/test_vaults.py", "tests/test_tags.py", "tests/test_docs.py"]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    done = subprocess.run(
        [*command, *files], cwd=unpacked_sdist, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert " passed" in done.stdout
