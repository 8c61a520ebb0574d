import json

import pytest


@pytest.mark.glacier(inventory="daily")
def test_daily_inventory(glacier):
    client = glacier.client()
    client.create_vault(vaultName="v")
    client.upload_archive(vaultName="v", body=b"x", archiveDescription="old")
    glacier.advance(days=1)  # the first snapshot is taken
    client.upload_archive(vaultName="v", body=b"y", archiveDescription="new")
    job_id = client.initiate_job(vaultName="v", jobParameters={"Type": "inventory-retrieval"})[
        "jobId"
    ]
    glacier.complete_jobs()
    listing = json.loads(client.get_job_output(vaultName="v", jobId=job_id)["body"].read())
    assert [a["ArchiveDescription"] for a in listing["ArchiveList"]] == ["old"]
