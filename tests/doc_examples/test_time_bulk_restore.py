import time

import boto3


def restore(vault, archive_id, tier="Bulk"):
    """What a restore tool does: start a retrieval, poll once a minute, read the output."""
    client = boto3.client("glacier")
    job = client.initiate_job(
        vaultName=vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier},
    )
    while not client.describe_job(vaultName=vault, jobId=job["jobId"])["Completed"]:
        time.sleep(60)
    return client.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read()


def test_a_bulk_restore_takes_twelve_simulated_hours(glacier):
    client = glacier.client()
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"holiday")
    start = glacier.now()
    assert restore("photos", archive["archiveId"]) == b"holiday"
    assert (glacier.now() - start).total_seconds() == 12 * 3600
    assert {s.seconds for s in glacier.sleeps} == {60}  # the polling interval, asserted
    assert len(glacier.sleeps) == 720
