import pytest
from aiobotocore.session import get_session

MIB = 1024 * 1024
DATA = bytes(range(256)) * 4096 * 3  # 3 MiB


@pytest.mark.asyncio
async def test_download_in_chunks(glacier):
    async with get_session().create_client("glacier") as client:
        await client.create_vault(vaultName="v")
        archive = await client.upload_archive(vaultName="v", body=DATA)
        job = await client.initiate_job(
            vaultName="v",
            jobParameters={"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]},
        )
        glacier.complete_jobs()
        ranged = await client.get_job_output(
            vaultName="v", jobId=job["jobId"], range=f"bytes={MIB}-{3 * MIB - 1}"
        )
        assert ranged["status"] == 206
        chunks = [chunk async for chunk in ranged["body"].iter_chunks(MIB)]
        assert b"".join(chunks) == DATA[MIB:]
        whole = await client.get_job_output(vaultName="v", jobId=job["jobId"])
        assert await whole["body"].read() is DATA  # not a copy
