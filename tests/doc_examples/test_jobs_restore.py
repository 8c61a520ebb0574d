def test_restore(glacier):
    client = glacier.client()
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"cat.jpg bytes")
    job = client.initiate_job(
        vaultName="photos",
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive["archiveId"],
            "Tier": "Expedited",
        },
    )
    assert client.describe_job(vaultName="photos", jobId=job["jobId"])["StatusCode"] == "InProgress"

    done = glacier.advance(minutes=5)  # returns the jobs that completed meanwhile
    assert [j["JobId"] for j in done] == [job["jobId"]]
    out = client.get_job_output(vaultName="photos", jobId=job["jobId"])
    assert out["body"].read() == b"cat.jpg bytes"
