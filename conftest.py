"""Repository-level test configuration: the suite tests the plugin with pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester whose runs leave out Hypothesis's plugin, which no inner project uses.

    That plugin imports all of Hypothesis at every session's end (about 1 s of CPU per
    subprocess run); the suite's own session, which loads it, shows the two plugins together.
    """
    # after pytester's set-up, which clears PYTEST_ADDOPTS for its runs
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest")
    return pytester
