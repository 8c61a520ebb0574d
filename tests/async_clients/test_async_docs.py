"""Every example of docs/async.md is a test file here, run where aiobotocore is installed.

They are ```` ```py ```` blocks, each byte for byte a file of ``async_doc_examples/`` that the
async environment collects and runs in-process; ``tests/test_docs.py`` does the same for the
```` ```python ```` blocks of every page in the main environment, which has no aiobotocore.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support import fenced_examples

pytest.importorskip("aiobotocore")

PAGE = Path(__file__).resolve().parents[2] / "docs" / "async.md"
EXAMPLES = Path(__file__).resolve().parent / "async_doc_examples"
#: the test file of each ``py`` block of the page, in page order
FILES = [
    "test_async_restore.py",
    "test_async_throttling.py",
    "test_async_download_in_chunks.py",
    "test_async_concurrent_uploads.py",
    "test_async_backup_script.py",
]


def test_the_page_has_its_examples_and_none_for_the_main_environment() -> None:
    text = PAGE.read_text()
    assert len(fenced_examples(text, "py")) == len(FILES) == 5
    assert "```python" not in text
    assert sorted(p.name for p in EXAMPLES.glob("test_*.py")) == sorted(FILES)


@pytest.mark.parametrize("number", range(len(FILES)), ids=[f"async.md#{n}" for n in range(5)])
def test_documented_example_runs(number: int) -> None:
    """The example runs as the test file it equals (``async_doc_examples/<name>``)."""
    blocks = fenced_examples(PAGE.read_text(), "py")
    assert blocks[number] == (EXAMPLES / FILES[number]).read_text(), (
        f"docs/async.md's py block #{number} differs from {FILES[number]}"
    )
