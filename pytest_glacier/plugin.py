"""pytest hooks and fixtures. Cheap to import: everything heavy loads inside the fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .simulator import Glacier

MARKER = "glacier"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("glacier", "Amazon S3 Glacier double (pytest_glacier)")
    group.addoption(
        "--glacier-seed",
        dest="glacier_seed",
        default=None,
        help="seed for generated ids (default: the glacier_seed ini value, else 0)",
    )
    parser.addini("glacier_seed", "seed for generated ids of the glacier double", default="0")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**config): activate the Glacier double for this test with these options "
        "(seed, account_id, region, start, clock, time_scale, tier_durations, ...)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test carrying the marker gets the double even without asking for the fixture."""
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            names: list[str] = getattr(item, "fixturenames", [])
            if MARKER not in names:
                names.insert(0, MARKER)


def _seed(config: pytest.Config) -> int | str:
    raw = config.getoption("glacier_seed") or config.getini("glacier_seed") or "0"
    return int(raw) if str(raw).lstrip("-").isdigit() else str(raw)


def _marker_options(node: pytest.Item) -> dict[str, Any]:
    """Marker kwargs from every scope; the closest marker wins per key."""
    options: dict[str, Any] = {}
    for marker in node.iter_markers(MARKER):
        if marker.args:
            raise TypeError(f"@pytest.mark.{MARKER} takes keyword options only")
        for key, value in marker.kwargs.items():
            options.setdefault(key, value)
    return options


@pytest.fixture
def glacier(request: pytest.FixtureRequest) -> Iterator[Glacier]:
    """The Glacier double, active for this test; yields its controller."""
    from .config import GlacierConfig
    from .simulator import Glacier

    options = {"seed": _seed(request.config), **_marker_options(request.node)}
    try:
        config = GlacierConfig.build(**options)
    except TypeError as error:
        pytest.fail(str(error), pytrace=False)
    if "freezer" in request.fixturenames:
        request.getfixturevalue("freezer")  # reuse the user's freezegun, started first
    with Glacier(config, scope=request.node.nodeid) as double:
        yield double
