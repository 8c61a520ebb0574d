"""The documentation's examples are test files, and its links to tests resolve.

Every fenced ``python`` block of README.md and docs/*.md that defines tests is, byte for byte,
a test file under ``tests/doc_examples/`` that the suite collects and runs in-process with the
``glacier`` fixture, so a page and its tests cannot drift. Edit an example in both places (or
write the file and paste it into the page). docs/async.md's ``py`` blocks need aiobotocore: they
live in ``tests/async_clients/async_doc_examples/`` and are checked by
``tests/async_clients/test_async_docs.py`` in the async environment.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import fenced_examples

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "doc_examples"

#: page -> the test file of each of its fenced ``python`` blocks with tests, in page order
FILES: dict[str, list[str]] = {
    "README.md": ["test_readme_restore.py"],
    "docs/configuration.md": ["test_configuration_marker_and_fixture.py"],
    "docs/faults.md": [
        "test_faults_throttling.py",
        "test_faults_marker.py",
        "test_faults_failed_retrieval.py",
        "test_faults_truncated_download.py",
        "test_faults_timed_out_upload.py",
        "test_faults_retry_backoff.py",
        "test_faults_capacity_refusal.py",
        "test_faults_provisioned_capacity.py",
        "test_faults_retrieval_policy.py",
    ],
    "docs/jobs.md": [
        "test_jobs_restore.py",
        "test_jobs_pytest_freezer.py",
        "test_jobs_daily_inventory.py",
    ],
    "docs/moto.md": ["test_moto_sqs_restore.py", "test_moto_select_to_s3.py"],
    "docs/multipart.md": ["test_multipart_parallel_upload.py"],
    "docs/policies.md": ["test_policies_worm_retention.py"],
    "docs/select.md": ["test_select_query.py"],
    "docs/server.md": [
        "test_server_subprocess.py",
        "test_server_in_process.py",
        "test_server_requests.py",
    ],
    "docs/time.md": [
        "test_time_bulk_restore.py",
        "test_time_parallel_restores.py",
        "test_time_asyncio.py",
    ],
    "docs/timeline.md": ["test_timeline_assertions.py"],
}

PAGES = ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]
PAIRS = [
    (f"{Path(page).name}#{number}", page, number, name)
    for page, names in FILES.items()
    for number, name in enumerate(names)
]


@pytest.mark.parametrize(
    ("page", "number", "name"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_documented_example_runs(page: str, number: int, name: str) -> None:
    """The example runs as the test file it equals (``tests/doc_examples/<name>``)."""
    blocks = fenced_examples((ROOT / page).read_text())
    assert number < len(blocks), f"{page} has no python block #{number} for {name}"
    assert blocks[number] == (EXAMPLES / name).read_text(), (
        f"{page}'s python block #{number} differs from tests/doc_examples/{name}"
    )


@pytest.mark.parametrize("page", PAGES)
def test_every_example_of_the_page_has_its_test_file(page: str) -> None:
    blocks = fenced_examples((ROOT / page).read_text())
    assert len(blocks) == len(FILES.get(page, [])), (
        f"{page} has {len(blocks)} python blocks with tests; tests/test_docs.py lists "
        f"{len(FILES.get(page, []))} files for it"
    )


def test_every_example_file_is_a_documented_block() -> None:
    listed = sorted(name for names in FILES.values() for name in names)
    assert sorted(p.name for p in EXAMPLES.glob("test_*.py")) == listed


LINK = re.compile(r"`(tests/[\w/]+\.py)::(?:(\w+)::)?(\w+)`")


@pytest.mark.parametrize("page", PAGES)
def test_links_to_tests_name_existing_tests(page: str) -> None:
    """``tests/<file>.py::<test>`` references in the docs name a test that exists there."""
    for path, cls, name in LINK.findall((ROOT / page).read_text()):
        source = (ROOT / path).read_text()
        assert re.search(rf"^\s*(async )?def {name}\(", source, re.M), f"{page}: {path}::{name}"
        if cls:
            assert re.search(rf"^class {cls}\b", source, re.M), f"{page}: {path}::{cls}"
