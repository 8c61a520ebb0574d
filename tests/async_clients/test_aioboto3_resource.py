"""aioboto3's resource API for glacier (boto3's resource model, awaited) against the double."""

from __future__ import annotations

import io

import pytest
from async_clients.aio_support import session
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier

pytest.importorskip("aioboto3")

pytestmark = [pytest.mark.timeout(60), pytest.mark.asyncio]


async def test_vaults_archives_and_a_retrieval_job_through_resources(glacier: Glacier) -> None:
    data = b"resource bytes" * 1000
    async with session("aioboto3").resource("glacier") as glacier_resource:
        vault = await glacier_resource.create_vault(vaultName="photos")
        assert await vault.vault_arn == (
            f"arn:aws:glacier:us-east-1:{glacier.account_id}:vaults/photos"
        )
        archive = await vault.upload_archive(body=data, archiveDescription="resource")
        assert glacier.archives("photos")[archive.id].tree_hash == calculate_tree_hash(
            io.BytesIO(data)
        )
        names = [v.name async for v in glacier_resource.vaults.all()]
        assert names == ["photos"]
        job = await archive.initiate_archive_retrieval()
        assert await job.status_code == "InProgress"
        glacier.complete_jobs()
        await job.load()
        assert await job.status_code == "Succeeded"
        output = await job.get_output()
        assert await output["body"].read() == data
