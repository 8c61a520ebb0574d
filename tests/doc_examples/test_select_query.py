def test_select(glacier):
    client = glacier.client()
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"id,name,age\n1,alice,30\n2,bob,41\n")[
        "archiveId"
    ]
    job = client.initiate_job(
        vaultName="v",
        jobParameters={
            "Type": "select",
            "ArchiveId": archive_id,
            "Tier": "Expedited",
            "SelectParameters": {
                "Expression": "SELECT name FROM archive WHERE CAST(age AS INT) > 35",
                "ExpressionType": "SQL",
                "InputSerialization": {"csv": {"FileHeaderInfo": "USE"}},
            },
            "OutputLocation": {"S3": {"BucketName": "my-results", "Prefix": "queries"}},
        },
    )
    assert job["jobOutputPath"] == f"queries/{job['jobId']}/"
    glacier.advance(minutes=5)

    base = f"s3://my-results/queries/{job['jobId']}/"
    manifest = glacier.s3_objects[base + "result_manifest.txt"].decode().splitlines()
    assert b"".join(glacier.s3_objects[url] for url in manifest) == b"bob\n"
