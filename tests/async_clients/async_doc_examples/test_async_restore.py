import asyncio

import pytest
from aiobotocore.session import get_session


async def restore(client, vault, archive_id):
    """Your service's code, unchanged: start a retrieval, poll once a minute, download."""
    job = await client.initiate_job(
        vaultName=vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Expedited"},
    )
    while not (await client.describe_job(vaultName=vault, jobId=job["jobId"]))["Completed"]:
        await asyncio.sleep(60)  # simulated: returns at once, the clock a minute later
    output = await client.get_job_output(vaultName=vault, jobId=job["jobId"])
    return await output["body"].read()


@pytest.mark.asyncio
async def test_restore(glacier):
    async with get_session().create_client("glacier") as client:
        await client.create_vault(vaultName="photos")
        archive = await client.upload_archive(vaultName="photos", body=b"holiday")
        start = glacier.now()
        assert await restore(client, "photos", archive["archiveId"]) == b"holiday"
    assert (glacier.now() - start).total_seconds() == 5 * 60  # Expedited: 5 simulated minutes
    assert [c.operation for c in glacier.calls].count("DescribeJob") == 6
