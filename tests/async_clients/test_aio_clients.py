"""aiobotocore and aioboto3 clients against the double: vaults, archives, multipart uploads,
jobs, an async polling restore, ranged output, throttling retries, errors and ``calls``."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from typing import Any

import pytest
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier

pytest.importorskip("aiobotocore")
pytestmark = [pytest.mark.timeout(60), pytest.mark.asyncio]

MIB = 1 << 20


def tree(data: bytes) -> str:
    return str(calculate_tree_hash(io.BytesIO(data)))


async def restored(client: Any, glacier: Glacier, data: bytes, tier: str = "Expedited") -> str:
    """A vault ``v`` with ``data`` uploaded and a retrieval job of it completed; its job id."""
    await client.create_vault(vaultName="v")
    archive = (await client.upload_archive(vaultName="v", body=data))["archiveId"]
    job = await client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": tier},
    )
    glacier.complete_jobs()
    return str(job["jobId"])


async def test_create_describe_and_list_vaults(aio: Any, glacier: Glacier) -> None:
    created = await aio.create_vault(vaultName="photos")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert created["location"] == f"/{glacier.account_id}/vaults/photos"
    await aio.create_vault(vaultName="music")
    described = await aio.describe_vault(vaultName="photos")
    assert described["VaultARN"] == f"arn:aws:glacier:us-east-1:{glacier.account_id}:vaults/photos"
    assert (described["NumberOfArchives"], described["SizeInBytes"]) == (0, 0)
    listed = await aio.list_vaults()
    assert [v["VaultName"] for v in listed["VaultList"]] == ["music", "photos"]
    assert set(glacier.vaults()) == {"music", "photos"}


async def test_upload_archive_returns_botocores_tree_hash(aio: Any, glacier: Glacier) -> None:
    data = bytes(range(256)) * 12288  # 3 MiB: several tree-hash leaves
    await aio.create_vault(vaultName="v")
    out = await aio.upload_archive(vaultName="v", body=data, archiveDescription="three MiB")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert out["checksum"] == tree(data)
    assert len(out["archiveId"]) == 138
    stored = glacier.archives("v")[out["archiveId"]]
    assert (stored.tree_hash, bytes(stored.data)) == (tree(data), data)


async def test_multipart_upload(aio: Any, glacier: Glacier) -> None:
    data = bytes(range(256)) * 4096 * 2 + b"tail"  # two 1 MiB parts and a short last one
    await aio.create_vault(vaultName="v")
    upload = await aio.initiate_multipart_upload(
        vaultName="v", partSize=str(MIB), archiveDescription="parts"
    )
    upload_id = upload["uploadId"]
    for start in range(0, len(data), MIB):
        piece = data[start : start + MIB]
        part = await aio.upload_multipart_part(
            vaultName="v",
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(piece) - 1}/*",
            body=piece,
        )
        assert part["checksum"] == tree(piece)
    parts = await aio.list_parts(vaultName="v", uploadId=upload_id)
    assert [p["RangeInBytes"] for p in parts["Parts"]] == [
        f"0-{MIB - 1}",
        f"{MIB}-{2 * MIB - 1}",
        f"{2 * MIB}-{len(data) - 1}",
    ]
    uploads = await aio.list_multipart_uploads(vaultName="v")
    assert [u["MultipartUploadId"] for u in uploads["UploadsList"]] == [upload_id]
    done = await aio.complete_multipart_upload(
        vaultName="v", uploadId=upload_id, archiveSize=str(len(data)), checksum=tree(data)
    )
    assert done["checksum"] == tree(data)
    assert bytes(glacier.archives("v")[done["archiveId"]].data) == data


async def test_initiate_describe_and_list_jobs(aio: Any, glacier: Glacier) -> None:
    await aio.create_vault(vaultName="v")
    archive = (await aio.upload_archive(vaultName="v", body=b"x"))["archiveId"]
    started = await aio.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Standard"},
    )
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert len(started["jobId"]) == 92
    inventory = await aio.initiate_job(vaultName="v", jobParameters={"Type": "inventory-retrieval"})
    job = await aio.describe_job(vaultName="v", jobId=started["jobId"])
    assert (job["StatusCode"], job["Completed"], job["Tier"]) == ("InProgress", False, "Standard")
    listed = await aio.list_jobs(vaultName="v")
    assert {j["JobId"] for j in listed["JobList"]} == {started["jobId"], inventory["jobId"]}
    glacier.advance(hours=5)
    done = await aio.list_jobs(vaultName="v", completed="true")
    assert {j["StatusCode"] for j in done["JobList"]} == {"Succeeded"}


async def restore(client: Any, vault: str, archive_id: str, tier: str) -> bytes:
    """What an async restore service does: start a retrieval, poll once a minute, download."""
    job = await client.initiate_job(
        vaultName=vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier},
    )
    while not (await client.describe_job(vaultName=vault, jobId=job["jobId"]))["Completed"]:
        await asyncio.sleep(60)
    output = await client.get_job_output(vaultName=vault, jobId=job["jobId"])
    return bytes(await output["body"].read())


@pytest.mark.parametrize(("tier", "minutes"), [("Expedited", 5), ("Standard", 300)])
async def test_an_async_polling_restore_runs_on_simulated_time(
    aio: Any, glacier: Glacier, tier: str, minutes: int
) -> None:
    await aio.create_vault(vaultName="v")
    archive = (await aio.upload_archive(vaultName="v", body=b"holiday"))["archiveId"]
    start = glacier.now()
    assert await restore(aio, "v", archive, tier) == b"holiday"
    assert glacier.now() - start == dt.timedelta(minutes=minutes)
    polls = [c for c in glacier.calls if c.operation == "DescribeJob"]
    assert len(polls) == minutes + 1  # one per simulated minute, and the one that saw it done


async def test_ranged_job_output(aio: Any, glacier: Glacier) -> None:
    data = bytes(range(256)) * 4096 * 3  # 3 MiB
    job = await restored(aio, glacier, data)
    out = await aio.get_job_output(vaultName="v", jobId=job, range=f"bytes={MIB}-{2 * MIB - 1}")
    assert out["status"] == 206
    assert out["contentRange"] == f"bytes {MIB}-{2 * MIB - 1}/{len(data)}"
    assert out["checksum"] == tree(data[MIB : 2 * MIB])  # tree-hash aligned: the service sends it
    assert await out["body"].read() == data[MIB : 2 * MIB]


async def test_resource_not_found_is_a_404_with_the_aws_error_body(
    once: Any, glacier: Glacier
) -> None:
    with pytest.raises(ClientError) as caught:
        await once.describe_vault(vaultName="missing")
    assert type(caught.value) is once.exceptions.ResourceNotFoundException
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert response["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": f"Vault not found for ARN: arn:aws:glacier:us-east-1:{glacier.account_id}"
        ":vaults/missing",
    }
    assert response["type"] == "Client"  # the error body's own field, parsed by aiobotocore
    assert [(c.operation, c.status, c.error_code) for c in glacier.calls] == [
        ("DescribeVault", 404, "ResourceNotFoundException")
    ]


async def test_calls_record_every_request_with_its_parameters(aio: Any, glacier: Glacier) -> None:
    await aio.create_vault(vaultName="v")
    await aio.add_tags_to_vault(vaultName="v", Tags={"team": "backup"})
    with pytest.raises(ClientError):
        await aio.delete_vault(vaultName="nope")
    calls = glacier.calls
    assert [(c.operation, c.status, c.error_code) for c in calls] == [
        ("CreateVault", 201, None),
        ("AddTagsToVault", 204, None),
        ("DeleteVault", 404, "ResourceNotFoundException"),
    ]
    assert calls[1].params["vaultName"] == "v"
    assert calls[1].params["Tags"] == {"team": "backup"}
    assert len({c.request_id for c in calls}) == 3


async def test_an_injected_throttle_is_retried_on_simulated_time(
    aio: Any, glacier: Glacier
) -> None:
    rule = glacier.inject("ThrottlingException", times=2)
    start = glacier.now()
    out = await aio.list_vaults()
    assert out["ResponseMetadata"]["RetryAttempts"] == 2
    assert [(c.operation, c.status, c.error_code) for c in glacier.calls] == [
        ("ListVaults", 400, "ThrottlingException"),
        ("ListVaults", 400, "ThrottlingException"),
        ("ListVaults", 200, None),
    ]
    assert rule.hits == 2
    # the two backoffs, at their ceilings: not aiobotocore's random jitter on the loop's clock
    assert glacier.now() - start == dt.timedelta(seconds=1 + 2)


async def test_a_refused_call_raises_after_the_last_attempt(once: Any, glacier: Glacier) -> None:
    glacier.inject("ThrottlingException")
    with pytest.raises(ClientError, match="ThrottlingException"):
        await once.list_vaults()
    assert [c.status for c in glacier.calls] == [400]


@pytest.mark.parametrize("door", ["in-process", "server"])
@pytest.mark.parametrize("description", ["two\nlines", "carriage\rreturn", "nul\x00"])
async def test_a_control_character_in_a_header_fails_in_the_client_in_every_door(
    request: pytest.FixtureRequest, kind: str, door: str, description: str
) -> None:
    """aiohttp refuses such a header before sending (aiobotocore: HTTPClientError); so does
    the in-process door, by aiohttp's own rule, rather than answer a 400 no client could get."""
    from async_clients.aio_support import new_client
    from botocore.exceptions import HTTPClientError

    double = request.getfixturevalue("glacier" if door == "in-process" else "glacier_server")
    where = {} if door == "in-process" else {"endpoint_url": double.endpoint_url}
    async with new_client(kind, **where) as client:
        await client.create_vault(vaultName="v")
        with pytest.raises(HTTPClientError, match=r"control character|[Nn]ewline"):
            await client.upload_archive(vaultName="v", body=b"x", archiveDescription=description)
    assert [call.operation for call in double.calls] == ["CreateVault"]  # nothing was sent


async def test_an_async_client_made_inside_a_double_belongs_to_it(kind: str) -> None:
    from async_clients.aio_support import new_client

    from pytest_glacier import mock_glacier
    from pytest_glacier.core.usage import DoubleEnded

    first = mock_glacier().start()
    try:
        async with new_client(kind) as made_inside:
            await made_inside.create_vault(vaultName="first")
            first.stop()
            with pytest.raises(DoubleEnded, match="made while that double was active"):
                await made_inside.list_vaults()  # between doubles: never sent to AWS
            with mock_glacier() as second:
                with pytest.raises(DoubleEnded, match="this Glacier double has ended"):
                    await made_inside.create_vault(vaultName="leaked")
                assert list(second.vaults()) == [] and second.calls == ()
    finally:
        first.stop()
    assert list(first.vaults()) == ["first"]
