import time

import boto3


def restore(vault, archive_id):
    """Your code, unchanged: start a retrieval, poll once a minute, read the archive."""
    client = boto3.client("glacier")
    job = client.initiate_job(
        vaultName=vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Expedited"},
    )
    while not client.describe_job(vaultName=vault, jobId=job["jobId"])["Completed"]:
        time.sleep(60)  # simulated: returns at once, the clock a minute later
    return client.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read()


def test_restore(glacier):
    client = glacier.client()  # or boto3.client("glacier"): both are served
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"...")
    assert restore("photos", archive["archiveId"]) == b"..."
    assert [s.seconds for s in glacier.sleeps] == [60] * 5  # Expedited: 5 simulated minutes
    glacier.advance(hours=1)  # or move simulated time yourself
