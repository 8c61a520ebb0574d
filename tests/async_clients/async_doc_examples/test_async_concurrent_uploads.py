import asyncio

import pytest
from aiobotocore.session import get_session


@pytest.mark.asyncio
async def test_fifty_concurrent_uploads(glacier):
    async with get_session().create_client("glacier") as client:
        await client.create_vault(vaultName="v")
        uploads = [client.upload_archive(vaultName="v", body=b"%d" % n) for n in range(50)]
        results = await asyncio.gather(*uploads)
    assert len({r["archiveId"] for r in results}) == len(glacier.archives("v")) == 50
