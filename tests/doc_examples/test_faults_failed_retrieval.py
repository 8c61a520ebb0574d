def test_restore_reports_a_failed_retrieval(glacier):
    client = glacier.client()
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"...")["archiveId"]
    rule = glacier.fail_jobs(match={"Tier": "Expedited"}, message="Archive is unreadable.")
    job = client.initiate_job(
        vaultName="photos",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
    )["jobId"]
    assert client.describe_job(vaultName="photos", jobId=job)["StatusCode"] == "InProgress"
    glacier.advance(minutes=5)
    described = client.describe_job(vaultName="photos", jobId=job)
    assert (described["StatusCode"], described["StatusMessage"]) == (
        "Failed",
        "Archive is unreadable.",
    )
    assert rule.hits == 1
