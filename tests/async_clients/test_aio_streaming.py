"""GetJobOutput's streaming body through async clients: ``read()``, ``read(n)``,
``iter_chunks()``, ``async with``, lines; the archive is handed over, not copied."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_glacier import Glacier

pytest.importorskip("aiobotocore")

pytestmark = [pytest.mark.timeout(60), pytest.mark.asyncio]

MIB = 1 << 20
BODY = bytes(range(256)) * 4096 * 3 + b"tail"  # 3 MiB and a bit


async def job_of(client: Any, glacier: Glacier, body: bytes = BODY) -> str:
    await client.create_vault(vaultName="v")
    archive = (await client.upload_archive(vaultName="v", body=body))["archiveId"]
    job = await client.initiate_job(
        vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
    )
    glacier.complete_jobs()
    return str(job["jobId"])


async def body_of(client: Any, job: str, **kwargs: Any) -> Any:
    return (await client.get_job_output(vaultName="v", jobId=job, **kwargs))["body"]


async def test_a_whole_read_of_a_memory_archive_is_the_uploaded_bytes_object(
    aio: Any, glacier: Glacier
) -> None:
    job = await job_of(aio, glacier)
    assert await (await body_of(aio, job)).read() is BODY


async def test_reads_of_n_bytes_then_the_rest(aio: Any, glacier: Glacier) -> None:
    body = await body_of(aio, await job_of(aio, glacier))
    first = await body.read(10)
    second = await body.read(MIB)
    rest = await body.read()
    assert first + second + rest == BODY
    assert (len(first), len(second)) == (10, MIB)
    assert await body.read(10) == b""
    assert body.tell() == len(BODY)


async def test_iter_chunks_yields_pieces_of_the_asked_size(aio: Any, glacier: Glacier) -> None:
    body = await body_of(aio, await job_of(aio, glacier))
    chunks = [chunk async for chunk in body.iter_chunks(MIB)]
    assert [len(c) for c in chunks] == [MIB, MIB, MIB, 4]
    assert b"".join(chunks) == BODY


async def test_async_iteration_and_lines(aio: Any, glacier: Glacier) -> None:
    text = b"".join(b"line %d\n" % n for n in range(1000))
    job = await job_of(aio, glacier, text)
    assert b"".join([chunk async for chunk in await body_of(aio, job)]) == text
    lines = [line async for line in (await body_of(aio, job)).iter_lines()]
    assert lines == text.splitlines()


async def test_the_body_as_an_async_context_manager(aio: Any, glacier: Glacier) -> None:
    job = await job_of(aio, glacier)
    async with await body_of(aio, job, range="bytes=0-1048575") as stream:
        assert await stream.read() == BODY[:MIB]


@pytest.mark.glacier(storage="disk")
async def test_a_disk_stored_archive_streams_in_ranges(aio: Any, glacier: Glacier) -> None:
    job = await job_of(aio, glacier)
    body = await body_of(aio, job, range=f"bytes={MIB}-{3 * MIB - 1}")
    assert b"".join([chunk async for chunk in body.iter_chunks(65536)]) == BODY[MIB : 3 * MIB]
    assert await (await body_of(aio, job)).read() == BODY
