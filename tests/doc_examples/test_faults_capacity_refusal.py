def test_capacity_refusal_reaches_the_caller(glacier):
    client = glacier.client()  # default retries
    client.create_vault(vaultName="v")
    archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    rule = glacier.inject("InsufficientCapacityException", operation="InitiateJob")
    params = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
    try:
        client.initiate_job(vaultName="v", jobParameters=params)
        raise AssertionError("expected InsufficientCapacityException")
    except client.exceptions.InsufficientCapacityException as error:
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert rule.hits == 1
    assert len([c for c in glacier.calls if c.operation == "InitiateJob"]) == 3
    client.initiate_job(vaultName="v", jobParameters=params)  # the next call is served
