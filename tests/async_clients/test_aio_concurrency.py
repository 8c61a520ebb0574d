"""Concurrency through async clients: many tasks on one loop, loops in several threads, and
clients made before the double started."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from typing import Any

import pytest
from async_clients.aio_support import new_client
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier, mock_glacier

pytest.importorskip("aiobotocore")

pytestmark = pytest.mark.timeout(60)


@pytest.mark.asyncio
async def test_fifty_concurrent_uploads_on_one_loop(aio: Any, glacier: Glacier) -> None:
    await aio.create_vault(vaultName="v")
    bodies = [bytes([n]) * (1000 + n) for n in range(50)]
    results = await asyncio.gather(*(aio.upload_archive(vaultName="v", body=b) for b in bodies))
    archives = glacier.archives("v")
    assert len({r["archiveId"] for r in results}) == len(archives) == 50
    for body, result in zip(bodies, results, strict=True):
        assert result["checksum"] == calculate_tree_hash(io.BytesIO(body))
        assert bytes(archives[result["archiveId"]].data) == body
    uploads = [c for c in glacier.calls if c.operation == "UploadArchive"]
    assert [c.status for c in uploads] == [201] * 50


async def restore_in_own_vault(vault: str, ready: threading.Barrier) -> bytes:
    """One service's work on its own loop: its own client, vault, upload and polled restore."""
    from aiobotocore.session import get_session

    # a session per thread (sessions are not thread-safe), as a threaded service makes them
    async with get_session().create_client("glacier") as client:
        await client.list_vaults()  # the first call pays the client's one-time set-up
        # then all start together: a thread still busy setting up when the others sleep
        # would start its restore a simulated minute late (the clock does not wait for it)
        ready.wait(timeout=30)
        await client.create_vault(vaultName=vault)
        archive = await client.upload_archive(vaultName=vault, body=vault.encode())
        job = await client.initiate_job(
            vaultName=vault,
            jobParameters={
                "Type": "archive-retrieval",
                "ArchiveId": archive["archiveId"],
                "Tier": "Expedited",
            },
        )
        while not (await client.describe_job(vaultName=vault, jobId=job["jobId"]))["Completed"]:
            await asyncio.sleep(60)
        output = await client.get_job_output(vaultName=vault, jobId=job["jobId"])
        return bytes(await output["body"].read())


def test_clients_on_loops_in_several_threads_share_one_timeline(glacier: Glacier) -> None:
    results: dict[str, bytes] = {}
    errors: list[BaseException] = []

    ready = threading.Barrier(4)

    def worker(vault: str) -> None:
        try:
            results[vault] = asyncio.run(restore_in_own_vault(vault, ready))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    start = glacier.now()
    threads = [threading.Thread(target=worker, args=(f"vault-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert results == {f"vault-{n}": f"vault-{n}".encode() for n in range(4)}
    # four loops polling in parallel share one timeline: together they take less than the
    # twenty minutes of four restores one after another. (How much less depends on the
    # machine: a thread starved of CPU for over 0.1 s of real time lets the others' clock
    # move on without it, so a loaded CI machine measured 16 minutes where an idle one gets 5.)
    assert dt.timedelta(minutes=5) <= glacier.now() - start < dt.timedelta(minutes=20)
    assert set(glacier.vaults()) == set(results)


@pytest.mark.asyncio
async def test_a_client_made_before_the_double_started_is_served() -> None:
    credentials = {"aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "example"}
    async with new_client(region_name="eu-west-1", **credentials) as client:
        async with mock_glacier() as glacier:
            await client.create_vault(vaultName="early")
            assert list(glacier.vaults("eu-west-1")) == ["early"]
        async with mock_glacier() as second:  # the next double serves it as well
            assert (await client.list_vaults())["VaultList"] == []
            assert [c.operation for c in second.calls] == ["ListVaults"]
