"""Retries, faults, latency, failed jobs, retrieval policy and capacity through async clients:
the same behaviour as through botocore, every attempt in ``calls``, no wall-clock wait."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from async_clients.aio_support import config, new_client, one_attempt, run_logging_timers
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from pytest_glacier import Glacier, mock_glacier
from pytest_glacier.config import GlacierConfig
from pytest_glacier.server.server import GlacierServer, ServedGlacier

pytest.importorskip("aiobotocore")
aiohttp = pytest.importorskip("aiohttp")  # aiobotocore's HTTP library: its errors are asserted

from aiobotocore.config import AioConfig  # noqa: E402

pytestmark = pytest.mark.timeout(60)

DATA = bytes(range(256)) * 8192  # 2 MiB


def attempts(glacier: Glacier, operation: str) -> list[tuple[int, str | None]]:
    return [(c.status, c.error_code or c.fault) for c in glacier.calls if c.operation == operation]


async def archive_in(client: Any, data: bytes = b"x" * 4096) -> str:
    await client.create_vault(vaultName="v")
    return str((await client.upload_archive(vaultName="v", body=data))["archiveId"])


def retrieval(archive: str, tier: str) -> dict[str, str]:
    return {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": tier}


# -- retries: simulated time, never a timer of the loop ----------------------------------


@pytest.mark.parametrize("sleep", ["simulated", "real"])
@pytest.mark.parametrize("mode", ["legacy", "standard", "adaptive"])
def test_retries_ask_the_event_loop_for_no_timer(kind: str, mode: str, sleep: str) -> None:
    """Retry backoff is simulated time, not a timer of the loop: a loop that logs every timer
    asked of it sees none while four throttles are retried, whether code under test sleeps
    on simulated time or not (adaptive mode's wait for rate-limit tokens included)."""
    with mock_glacier(sleep=sleep) as glacier:
        glacier.inject("ThrottlingException", times=4)
        start = glacier.now()

        async def main() -> None:
            async with new_client(kind, config=config(mode=mode, total_max_attempts=5)) as client:
                out = await client.list_vaults()
                assert out["ResponseMetadata"]["RetryAttempts"] == 4
                await client.list_vaults()  # adaptive mode: now rate-limited

        assert run_logging_timers(main) == []
        assert (
            attempts(glacier, "ListVaults")
            == [(400, "ThrottlingException")] * 4 + [(200, None)] * 2
        )
        backoff = dt.timedelta(seconds=1 + 2 + 4 + 8)
        assert glacier.now() - start >= backoff  # adaptive mode adds its token waits
        if mode != "adaptive":
            assert glacier.now() - start == backoff


@pytest.mark.asyncio
async def test_5xx_is_retried_and_every_attempt_is_recorded(aio: Any, glacier: Glacier) -> None:
    glacier.inject("ServiceUnavailableException", operation="UploadArchive", times=2)
    await aio.create_vault(vaultName="v")
    out = await aio.upload_archive(vaultName="v", body=b"x")
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert attempts(glacier, "UploadArchive") == [(500, "ServiceUnavailableException")] * 2 + [
        (201, None)
    ]
    assert len(glacier.archives("v")) == 1


# -- latency, failed jobs ----------------------------------------------------------------


@pytest.mark.asyncio
async def test_latency_moves_simulated_time_before_the_answer(aio: Any, glacier: Glacier) -> None:
    glacier.add_latency(dt.timedelta(seconds=30), operation="UploadArchive")
    await aio.create_vault(vaultName="v")
    start = glacier.now()
    for _ in range(3):
        await aio.upload_archive(vaultName="v", body=b"x")
    assert glacier.now() - start == dt.timedelta(seconds=90)


@pytest.mark.asyncio
async def test_fail_jobs_ends_the_job_failed(aio: Any, glacier: Glacier) -> None:
    archive = await archive_in(aio)
    rule = glacier.fail_jobs(message="the disk is on fire")
    job = (await aio.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited")))[
        "jobId"
    ]
    glacier.advance(minutes=5)
    described = await aio.describe_job(vaultName="v", jobId=job)
    assert (described["StatusCode"], described["StatusMessage"]) == (
        "Failed",
        "the disk is on fire",
    )
    with pytest.raises(ClientError) as caught:
        await aio.get_job_output(vaultName="v", jobId=job)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValueException"
    assert rule.hits == 1


# -- retrieval policy and capacity -------------------------------------------------------


@pytest.mark.asyncio
async def test_the_retrieval_policy_refuses_standard_but_not_bulk(
    once: Any, glacier: Glacier
) -> None:
    archive = await archive_in(once)
    await once.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1024}]}
    )  # 4096 bytes / 4 = the limit
    await once.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Standard"))
    with pytest.raises(once.exceptions.PolicyEnforcedException) as caught:
        await once.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Standard"))
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    await once.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Bulk"))
    assert len(glacier.jobs("v")) == 2


@pytest.mark.asyncio
@pytest.mark.glacier(expedited_capacity=1)
async def test_the_capacity_model_refuses_every_retry_of_the_call(
    glacier: Glacier, kind: str
) -> None:
    async with new_client(kind, config=config(mode="standard")) as client:  # 3 attempts
        archive = await archive_in(client)
        await client.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited"))
        with pytest.raises(client.exceptions.InsufficientCapacityException) as caught:
            await client.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited"))
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        refused = (503, "InsufficientCapacityException")
        assert attempts(glacier, "InitiateJob") == [(202, None), refused, refused, refused]
        glacier.advance(minutes=5)
        await client.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited"))


@pytest.mark.asyncio
async def test_an_injected_capacity_refusal_answers_the_whole_call(
    glacier: Glacier, kind: str
) -> None:
    async with new_client(kind, config=config(mode="standard")) as client:  # 3 attempts
        archive = await archive_in(client)
        rule = glacier.inject("InsufficientCapacityException", operation="InitiateJob")
        with pytest.raises(client.exceptions.InsufficientCapacityException):
            await client.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited"))
        assert rule.hits == 1
        assert len(attempts(glacier, "InitiateJob")) == 3  # one call, three attempts
        await client.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited"))


# -- transport faults: in-process as over a real socket -----------------------------------


@pytest.fixture(params=["in-process", "server"])
def door(request: pytest.FixtureRequest, glacier_http_server: GlacierServer) -> Iterator[Glacier]:
    """The double in-process, or behind the local server (aiohttp over a real socket): the
    in-process door must behave as the socket does. Both on real time: over a socket, a loop
    on simulated time would jump to aiohttp's read timeout if the server's thread were starved
    of CPU for longer than the loop polls its sockets (10 ms)."""
    config = GlacierConfig.build(clock="real")
    if request.param == "in-process":
        with Glacier(config) as double:
            yield double
    else:
        served = ServedGlacier(config, endpoint_url=glacier_http_server.endpoint_url)
        with glacier_http_server.serving(served) as double:
            yield double


async def retrieved(door: Glacier, client: Any) -> str:
    archive = await archive_in(client, DATA)
    job = await client.initiate_job(vaultName="v", jobParameters=retrieval(archive, "Expedited"))
    door.advance(minutes=5)
    return str(job["jobId"])


@pytest.mark.asyncio
async def test_a_reset_raises_endpoint_connection_error_and_changes_nothing(
    door: Glacier,
) -> None:
    """aiohttp meets a reset connection as an OS error, which aiobotocore reports as
    ``EndpointConnectionError`` (botocore: ``ConnectionClosedError``)."""
    async with new_client(config=one_attempt()) as client:
        await client.create_vault(vaultName="v")
        door.inject_network("reset", operation="UploadArchive")  # a POST
        with pytest.raises(EndpointConnectionError):
            await client.upload_archive(vaultName="v", body=b"x")
    assert dict(door.archives("v")) == {}
    assert attempts(door, "UploadArchive") == [(0, "reset")]


@pytest.mark.asyncio
async def test_aiohttp_sends_an_idempotent_request_again_after_a_reset(door: Glacier) -> None:
    """Below aiobotocore's retries: a PUT (CreateVault, UploadMultipartPart) or a GET whose
    connection drops is sent once more by aiohttp itself; a second reset reaches the caller."""
    async with new_client(config=one_attempt()) as client:
        door.inject_network("reset", operation="CreateVault")
        created = await client.create_vault(vaultName="v")
        assert created["ResponseMetadata"]["RetryAttempts"] == 0
        door.inject_network("reset", operation="DescribeVault", times=2)
        with pytest.raises(EndpointConnectionError):
            await client.describe_vault(vaultName="v")
    assert attempts(door, "CreateVault") == [(0, "reset"), (201, None)]
    assert attempts(door, "DescribeVault") == [(0, "reset"), (0, "reset")]


@pytest.mark.asyncio
async def test_a_timeout_raises_read_timeout_after_the_request_was_handled(door: Glacier) -> None:
    short_wait = AioConfig(read_timeout=0.5, retries={"total_max_attempts": 1})
    async with new_client(config=short_wait) as client:  # the server holds the connection
        door.inject_network("timeout", operation="CreateVault")
        with pytest.raises(ReadTimeoutError):
            await client.create_vault(vaultName="v")
        assert (await client.describe_vault(vaultName="v"))["VaultName"] == "v"
    assert attempts(door, "CreateVault") == [(201, "timeout")]


@pytest.mark.asyncio
async def test_a_truncated_json_answer_drops_the_connection_and_is_retried(door: Glacier) -> None:
    """aiobotocore reads a whole non-streaming body before parsing: a cut one is a
    ``ConnectionClosedError`` (botocore parses it as an empty answer instead)."""
    async with new_client(config=one_attempt()) as once, new_client() as retrying:
        await once.create_vault(vaultName="v")
        door.inject_network("truncate", operation="DescribeVault", after_bytes=10)
        with pytest.raises(ConnectionClosedError):
            await once.describe_vault(vaultName="v")
        door.inject_network("truncate", operation="DescribeVault", after_bytes=10)
        assert (await retrying.describe_vault(vaultName="v"))["VaultName"] == "v"
    assert attempts(door, "DescribeVault") == [(200, "truncate")] * 2 + [(200, None)]


@pytest.mark.asyncio
async def test_a_truncated_download_read_whole_raises_aiohttps_payload_error(
    door: Glacier,
) -> None:
    async with new_client(config=one_attempt()) as client:
        job = await retrieved(door, client)
        door.inject_network("truncate", operation="GetJobOutput", after_bytes=1_000_000)
        body = (await client.get_job_output(vaultName="v", jobId=job))["body"]
        with pytest.raises(aiohttp.ClientPayloadError, match="received 1000000 of 2097152"):
            await body.read()
    assert attempts(door, "GetJobOutput") == [(200, "truncate")]


@pytest.mark.asyncio
async def test_a_truncated_download_read_in_chunks_delivers_the_bytes_before_the_cut(
    door: Glacier,
) -> None:
    async with new_client(config=one_attempt()) as client:
        job = await retrieved(door, client)
        door.inject_network("truncate", operation="GetJobOutput", after_bytes=1_000_000)
        body = (await client.get_job_output(vaultName="v", jobId=job))["body"]
        received = bytearray()
        with pytest.raises(aiohttp.ClientPayloadError):
            async for chunk in body.iter_chunks(65536):
                received += chunk
    assert bytes(received) == DATA[:1_000_000]
