import asyncio

import aioboto3
import pytest

from pytest_glacier import mock_glacier


async def backup(paths):
    """A script's main coroutine, run against the double from the outside."""
    async with mock_glacier() as glacier:
        async with aioboto3.Session().resource("glacier") as resource:
            vault = await resource.create_vault(vaultName="backups")
            for path in paths:
                await vault.upload_archive(body=path.encode(), archiveDescription=path)
            await asyncio.sleep(3600)  # simulated: an hour later, at once
        return glacier.now() - glacier.config.start, len(glacier.archives("backups"))


@pytest.mark.asyncio
async def test_backup_script():
    elapsed, archives = await backup(["a.txt", "b.txt"])
    assert (elapsed.total_seconds(), archives) == (3600, 2)
