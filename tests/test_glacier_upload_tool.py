"""The ``glacier-upload`` tool (PyPI ``glacier-upload``, by tbumi) downloading through the double.

``glacier archive get VAULT JOB FILE`` (``glacier_upload.archives.get``) has two download paths,
chosen by the job's ``ArchiveSizeInBytes``:

* below ``CHUNK_SIZE`` (32 MiB): one whole-output GetJobOutput whose body goes to FILE through
  ``iter_chunks(BITE_SIZE)``, with no Range, no retry and no tree-hash check. A short read
  raises out of ``get`` (``IncompleteReadError`` from ``iter_chunks``) and leaves FILE holding
  the bytes read so far; a rerun asks before overwriting FILE and downloads it all again.
* from 32 MiB on: one whole-output GetJobOutput whose body is never read, then, in a thread
  pool, ``download_archive_part`` for each 32 MiB part: a ranged GetJobOutput into
  ``FILE_parts/NNNN``, checked against the response's ``checksum`` (tree hash). A short read
  raises out of ``future.result()``, keeps the other parts, and makes no FILE. A rerun skips
  every part file whose tree hash matches and downloads the others again: it resumes part by
  part. A part cut at 0 bytes leaves an empty part file, whose check on the rerun
  (``calculate_total_tree_hash([])``) raises ``IndexError``: that rerun fails too.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.config import Config
from botocore.exceptions import IncompleteReadError
from botocore.utils import calculate_tree_hash
from click.testing import CliRunner, Result
from glacier_upload import archives
from glacier_upload.cli import glacier_cli

from pytest_glacier import Glacier

if TYPE_CHECKING:
    from pytest_glacier.server.server import ServedGlacier

MiB = 1024 * 1024
PART = archives.CHUNK_SIZE  # 32 MiB: the tool's part size and its small/large threshold
SMALL = 3 * MiB + 17  # below CHUNK_SIZE: the single-stream path
LARGE = PART + MiB + 17  # above CHUNK_SIZE: two ranged parts, the second clamped by the double


def _data(size: int) -> bytes:
    return random.Random(size).randbytes(size)


def _retrieval(glacier: Glacier, size: int) -> tuple[bytes, str, str]:
    """A vault ``v`` with one archive of ``size`` bytes, its retrieval job completed."""
    client = glacier.client(config=Config(retries={"total_max_attempts": 1}))
    client.create_vault(vaultName="v")
    original = _data(size)
    archive = client.upload_archive(vaultName="v", body=original)
    assert archive["checksum"] == calculate_tree_hash(io.BytesIO(original))
    job = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]},
    )["jobId"]
    glacier.complete_jobs()
    return original, archive["checksum"], job


def _get(job: str, target: Path, answer: str | None = None) -> Result:
    """``glacier archive get v JOB TARGET``: the tool's own CLI, run in this process."""
    return CliRunner().invoke(glacier_cli, ["archive", "get", "v", job, str(target)], input=answer)


def _job_outputs(glacier: Glacier) -> list[tuple[int, str | None]]:
    return [(c.status, c.fault) for c in glacier.calls if c.operation == "GetJobOutput"]


def _range_of_part(number: int) -> Callable[[Any], bool]:
    first = number * PART
    wanted = f"bytes={first}-{first + PART - 1}"  # what download_archive_part sends
    return lambda request: bool(request.headers.get("range") == wanted)


# -- below 32 MiB: one stream, no range, no check ------------------------------------------------


@pytest.mark.timeout(120)
def test_control_small_archive_is_one_whole_download(glacier: Glacier, tmp_path: Path) -> None:
    original, tree_hash, job = _retrieval(glacier, SMALL)
    target = tmp_path / "restored.bin"
    result = _get(job, target)
    assert result.exit_code == 0, result.output
    assert "Job status: Succeeded" in result.output
    assert target.read_bytes() == original
    assert calculate_tree_hash(io.BytesIO(target.read_bytes())) == tree_hash
    assert _job_outputs(glacier) == [(200, None)]  # the whole output, no Range


@pytest.mark.timeout(120)
@pytest.mark.parametrize("times", [1, 2])
def test_small_archive_short_read_fails_and_a_rerun_starts_over(
    glacier: Glacier, tmp_path: Path, times: int
) -> None:
    original, tree_hash, job = _retrieval(glacier, SMALL)
    glacier.inject_network("truncate", operation="GetJobOutput", times=times, after_bytes=700_000)
    target = tmp_path / "restored.bin"

    result = _get(job, target)
    # iter_chunks raises at the end of the cut stream; get() lets it out (no retry, no resume)
    assert result.exit_code == 1
    assert isinstance(result.exception, IncompleteReadError)
    assert target.read_bytes() == original[:700_000]  # the partial file stays, unchecked

    # a rerun without an answer to "overwrite?" aborts before any request
    calls_before = len(glacier.calls)
    refused = _get(job, target)
    assert refused.exit_code == 1
    assert "Are you sure you want to overwrite the file" in refused.output
    assert "Aborted!" in refused.output
    assert len(glacier.calls) == calls_before + 1  # only its DescribeJob
    assert target.read_bytes() == original[:700_000]

    # a rerun that answers "y" downloads the whole output again, from byte 0
    for _ in range(times - 1):
        again = _get(job, target, answer="y\n")
        assert isinstance(again.exception, IncompleteReadError)
        assert target.read_bytes() == original[:700_000]
    done = _get(job, target, answer="y\n")
    assert done.exit_code == 0, done.output
    assert target.read_bytes() == original
    assert calculate_tree_hash(io.BytesIO(target.read_bytes())) == tree_hash
    assert _job_outputs(glacier) == [(200, "truncate")] * times + [(200, None)]


@pytest.mark.timeout(120)
def test_small_archive_short_read_over_http_fails_the_command(
    glacier_server: ServedGlacier, tmp_path: Path
) -> None:
    """The ``glacier`` console script in a subprocess, against the local server's real socket."""
    original, tree_hash, job = _retrieval(glacier_server, SMALL)
    glacier_server.inject_network("truncate", operation="GetJobOutput", after_bytes=700_000)
    script = shutil.which("glacier", path=str(Path(sys.executable).parent))
    assert script is not None
    target = tmp_path / "restored.bin"
    command = [script, "archive", "get", "v", job, str(target)]

    cut = subprocess.run(
        command, env=glacier_server.env, capture_output=True, text=True, timeout=60
    )
    assert cut.returncode == 1
    assert (
        cut.stderr.rstrip()
        .splitlines()[-1]
        .startswith(
            "botocore.exceptions.IncompleteReadError: 700000 read, but total bytes expected is"
        )
    )
    assert target.read_bytes() == original[:700_000]

    done = subprocess.run(
        command, env=glacier_server.env, input="y\n", capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == original
    assert calculate_tree_hash(io.BytesIO(target.read_bytes())) == tree_hash
    assert _job_outputs(glacier_server) == [(200, "truncate"), (200, None)]


# -- from 32 MiB on: ranged parts, each checked, resumed part by part ---------------------------


@pytest.mark.timeout(120)
def test_control_large_archive_is_two_checked_ranged_parts(
    glacier: Glacier, tmp_path: Path
) -> None:
    original, tree_hash, job = _retrieval(glacier, LARGE)
    target = tmp_path / "restored.bin"
    result = _get(job, target)
    assert result.exit_code == 0, result.output
    assert "File part 0 downloaded" in result.output
    assert "File part 1 downloaded" in result.output
    assert "Archive downloaded." in result.output
    assert target.read_bytes() == original
    assert calculate_tree_hash(io.BytesIO(target.read_bytes())) == tree_hash
    assert not (tmp_path / "restored.bin_parts").exists()
    # the whole output (never read), then one ranged request per part
    assert _job_outputs(glacier) == [(200, None), (206, None), (206, None)]


@pytest.mark.timeout(120)
def test_large_archive_cut_in_the_unread_whole_output_does_no_harm(
    glacier: Glacier, tmp_path: Path
) -> None:
    original, tree_hash, job = _retrieval(glacier, LARGE)
    # the first GetJobOutput is get()'s whole-output request, whose body it never reads
    glacier.inject_network("truncate", operation="GetJobOutput", after_bytes=0)
    target = tmp_path / "restored.bin"
    result = _get(job, target)
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == original
    assert calculate_tree_hash(io.BytesIO(target.read_bytes())) == tree_hash
    assert _job_outputs(glacier) == [(200, "truncate"), (206, None), (206, None)]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("times", [1, 2])
def test_large_archive_short_part_fails_and_a_rerun_resumes_it(
    glacier: Glacier, tmp_path: Path, times: int
) -> None:
    original, tree_hash, job = _retrieval(glacier, LARGE)
    glacier.inject_network(
        "truncate",
        operation="GetJobOutput",
        match=_range_of_part(0),
        times=times,
        after_bytes=5_000_000,
    )
    target = tmp_path / "restored.bin"
    parts = tmp_path / "restored.bin_parts"

    first = _get(job, target)
    # future.result() re-raises the worker's IncompleteReadError; no FILE is written
    assert first.exit_code == 1
    assert isinstance(first.exception, IncompleteReadError)
    assert not target.exists()
    assert (parts / "0000").read_bytes() == original[:5_000_000]
    assert (parts / "0001").read_bytes() == original[PART:]  # the other part completed

    for _ in range(times - 1):
        again = _get(job, target)
        assert "Checksums do not match for part 0, redownloading" in again.output
        assert isinstance(again.exception, IncompleteReadError)
        assert not target.exists()

    done = _get(job, target)
    assert done.exit_code == 0, done.output
    assert "Checksums do not match for part 0, redownloading" in done.output
    assert "Skipping part 1" in done.output
    assert "Archive downloaded." in done.output
    assert target.read_bytes() == original
    assert calculate_tree_hash(io.BytesIO(target.read_bytes())) == tree_hash
    assert not parts.exists()

    # every run: the unread whole output, then both ranged parts (a skipped one is requested
    # too, for its checksum); only part 0's request of each failed run was cut
    outputs = _job_outputs(glacier)
    assert len(outputs) == 3 * (times + 1)
    assert outputs.count((206, "truncate")) == times
    assert [c.fault for c in glacier.calls if c.operation == "GetJobOutput"][-3:] == [None] * 3


@pytest.mark.timeout(120)
def test_large_archive_part_cut_at_zero_bytes_breaks_every_rerun(
    glacier: Glacier, tmp_path: Path
) -> None:
    original, _, job = _retrieval(glacier, LARGE)
    glacier.inject_network(
        "truncate", operation="GetJobOutput", match=_range_of_part(0), after_bytes=0
    )
    target = tmp_path / "restored.bin"
    parts = tmp_path / "restored.bin_parts"

    first = _get(job, target)
    assert isinstance(first.exception, IncompleteReadError)
    assert (parts / "0000").read_bytes() == b""  # opened, then nothing arrived
    assert (parts / "0001").read_bytes() == original[PART:]

    # verify_file_checksum() on the empty part: calculate_tree_hash(b"") -> [] -> tree[0]
    for _ in range(2):
        rerun = _get(job, target)
        assert rerun.exit_code == 1
        assert isinstance(rerun.exception, IndexError)
        assert not target.exists()
        assert (parts / "0000").read_bytes() == b""
    assert [c.fault for c in glacier.calls if c.operation == "GetJobOutput"][3:] == [None] * 6
