def test_with_pytest_freezer(glacier, freezer):
    client = glacier.client()
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    job_id = client.initiate_job(
        vaultName="v",
        jobParameters={
            "Type": "archive-retrieval",
            "ArchiveId": archive_id,
            "SNSTopic": "arn:aws:sns:us-east-1:123456789012:restores",
        },
    )["jobId"]
    freezer.tick(5 * 3600)  # 5 hours: Standard is done
    (note,) = glacier.notifications  # settled on reading, no request needed
    assert note.message["JobId"] == job_id and note.message["StatusCode"] == "Succeeded"
