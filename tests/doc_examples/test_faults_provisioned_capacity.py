def test_seventh_expedited_retrieval_waits_for_capacity(glacier):
    from botocore.config import Config

    client = glacier.client(config=Config(retries={"total_max_attempts": 1}))
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"...")["archiveId"]
    client.purchase_provisioned_capacity()
    client.purchase_provisioned_capacity()
    params = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"}
    for _ in range(6):
        client.initiate_job(vaultName="photos", jobParameters=params)
    try:
        client.initiate_job(vaultName="photos", jobParameters=params)
        raise AssertionError("the 7th Expedited retrieval should be refused")
    except client.exceptions.InsufficientCapacityException:
        pass
    glacier.advance(minutes=5)
    client.initiate_job(vaultName="photos", jobParameters=params)
