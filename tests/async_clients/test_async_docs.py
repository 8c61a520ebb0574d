"""Every example of docs/async.md runs as a test file, here where aiobotocore is installed.

They are ```` ```py ```` blocks: ``tests/test_docs.py`` runs the ```` ```python ```` blocks of
every page in the main environment, which has no aiobotocore.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("aiobotocore")

pytestmark = pytest.mark.timeout(120)

PAGE = Path(__file__).resolve().parents[2] / "docs" / "async.md"
BLOCK = re.compile(r"^```py\n(.*?)^```", re.S | re.M)
EXAMPLES = BLOCK.findall(PAGE.read_text())


def test_the_page_has_its_examples_and_none_for_the_main_environment() -> None:
    assert len(EXAMPLES) == 5
    assert all("def test_" in example for example in EXAMPLES)
    assert "```python" not in PAGE.read_text()


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"async.md#{n}" for n in range(len(EXAMPLES))])
def test_documented_example_runs(pytester: pytest.Pytester, code: str) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_example=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("passed", 0) >= 1, result.stdout.str()
    assert result.ret == 0, result.stdout.str()
