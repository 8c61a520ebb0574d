"""pytest hooks and fixtures. Cheap to import: everything heavy loads inside the fixture."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .config import GlacierConfig
    from .server.server import GlacierServer, ServedGlacier
    from .simulator import Glacier

MARKER = "glacier"
#: set when a test's call phase failed: teardown then skips the unused-fault-rule report (and
#: a failing teardown adds no second timeline)
_CALL_FAILED = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("glacier", "Amazon S3 Glacier double (pytest_glacier)")
    group.addoption(
        "--glacier-seed",
        dest="glacier_seed",
        default=None,
        help="seed for generated ids (default: the glacier_seed ini value, else 0)",
    )
    group.addoption(
        "--glacier-timeline",
        dest="glacier_timeline",
        choices=("on", "off"),
        default=None,
        help="the double's timeline in a failing test's report (default: the "
        "glacier_timeline ini value, else on; -v shows more of it)",
    )
    parser.addini("glacier_seed", "seed for generated ids of the glacier double", default="0")
    parser.addini(
        "glacier_timeline",
        "show the glacier double's timeline in a failing test's report",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**config): activate the Glacier double for this test with these options "
        "(seed, account_id, region, start, clock, time_scale, tier_durations, ...)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test carrying the marker gets the double even without asking for the fixture.

    The marker configures ``glacier_server`` instead when the test asks for that one.
    """
    for item in items:
        if item.get_closest_marker(MARKER) is not None:
            names: list[str] = getattr(item, "fixturenames", [])
            if MARKER not in names and "glacier_server" not in names:
                names.insert(0, MARKER)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failing test that used the double gets its story as a report section, built here
    in the process that ran the test (xdist sends sections to the controller)."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed or report.when == "setup" or item.stash.get(_CALL_FAILED, False):
        return
    item.stash[_CALL_FAILED] = True
    funcargs = getattr(item, "funcargs", {})
    double = funcargs.get(MARKER) or funcargs.get("glacier_server")
    if double is not None:
        from .failure_hints import section

        config = item.config
        found = section(double, config.getoption("verbose"), _timeline_on(config))
        if found is not None:
            report.sections.append(found)


def _timeline_on(config: pytest.Config) -> bool:
    flag = config.getoption("glacier_timeline")
    return flag == "on" if flag is not None else bool(config.getini("glacier_timeline"))


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


def _test_config(request: pytest.FixtureRequest) -> GlacierConfig:
    """The seed option and the test's markers, as one config; a bad key fails the test."""
    from .config import GlacierConfig

    options = {"seed": _seed(request.config), **_marker_options(request.node)}
    try:
        config = GlacierConfig.build(**options)
    except TypeError as error:
        pytest.fail(str(error), pytrace=False)
    if "freezer" in request.fixturenames:
        request.getfixturevalue("freezer")  # reuse the user's freezegun, started first
    return config


@pytest.fixture
def glacier(request: pytest.FixtureRequest) -> Iterator[Glacier]:
    """The Glacier double, active for this test; yields its controller."""
    from .simulator import Glacier

    with Glacier(_test_config(request), scope=request.node.nodeid) as double:
        yield double
        if request.node.stash.get(_CALL_FAILED, False):
            double.faults.strict = False  # the failure already tells what went wrong


@pytest.fixture(scope="session")
def glacier_http_server() -> Iterator[GlacierServer]:
    """The one local server of this session (of this xdist worker): loopback, a free port."""
    from .server.server import GlacierServer

    server = GlacierServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def glacier_server(
    request: pytest.FixtureRequest, glacier_http_server: GlacierServer
) -> Iterator[ServedGlacier]:
    """A fresh double served over HTTP for this test: ``.endpoint_url``, ``.env``, controller."""
    from .server.server import ServedGlacier

    double = ServedGlacier(
        _test_config(request),
        endpoint_url=glacier_http_server.endpoint_url,
        scope=request.node.nodeid,
    )
    with glacier_http_server.serving(double):
        yield double
        if request.node.stash.get(_CALL_FAILED, False):
            double.faults.strict = False  # the failure already tells what went wrong
