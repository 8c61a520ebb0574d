"""The package as users get it: the public names of ``pytest_glacier`` and the built wheel."""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pytest_glacier

ROOT = Path(__file__).resolve().parent.parent

#: the names DESIGN.md's public contract and the docs use, with the kind of object each is
CONTRACT = {
    "mock_glacier": "function",
    "Glacier": "class",
    "GlacierConfig": "class",
    "ConfigError": "class",
    "InternalError": "class",
    "Call": "class",
    "Notification": "class",
}


def test_all_is_the_documented_public_names() -> None:
    assert sorted(pytest_glacier.__all__) == sorted(CONTRACT)
    assert all(not name.startswith("_") for name in pytest_glacier.__all__)


@pytest.mark.parametrize("name", sorted(CONTRACT))
def test_every_public_name_is_importable(name: str) -> None:
    value = getattr(pytest_glacier, name)
    assert isinstance(value, type) == (CONTRACT[name] == "class")
    assert callable(value)
    assert value.__module__.startswith("pytest_glacier.")
    assert value.__name__ == name


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from pytest_glacier import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(pytest_glacier.__all__)


@pytest.mark.parametrize("name", ["Backend", "GlacierService", "FaultRule", "settle", "Sleep"])
def test_internal_names_are_not_attributes_of_the_package(name: str) -> None:
    with pytest.raises(AttributeError, match=name):
        getattr(pytest_glacier, name)


def test_importing_the_package_imports_no_submodule() -> None:
    """Public names load lazily: ``import pytest_glacier`` alone stays cheap."""
    code = (
        "import sys, pytest_glacier\n"
        "print(sorted(m for m in sys.modules if m.startswith('pytest_glacier.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert importlib.import_module("pytest_glacier") is pytest_glacier


@pytest.mark.wheel
@pytest.mark.timeout(600)
def test_the_wheel_ships_py_typed_and_the_schemas(tmp_path: Path) -> None:
    """Built from a copy of the tree (no build/ left in the checkout), as ``pip`` builds it."""
    source = tmp_path / "src"
    source.mkdir()
    for path in ROOT.iterdir():  # pyproject.toml, README.md, LICENSE, ...
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, source / path.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "pytest_glacier", source / "pytest_glacier", ignore=ignore)
    command = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), "."]
    subprocess.run(command, cwd=source, check=True, capture_output=True)
    (wheel,) = tmp_path.glob("pytest_glacier-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    schemas = sorted(p.name for p in (ROOT / "pytest_glacier" / "schemas").glob("*.json"))
    assert schemas
    assert "pytest_glacier/py.typed" in names
    assert {f"pytest_glacier/schemas/{name}" for name in schemas} <= names
    assert not {n for n in names if n.startswith("tests/") or "__pycache__" in n}
