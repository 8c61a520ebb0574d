def test_policy_refuses_standard_but_not_bulk(glacier):
    client = glacier.client()
    client.create_vault(vaultName="photos")
    archive = client.upload_archive(vaultName="photos", body=b"x" * 4096)["archiveId"]
    client.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1024}]}
    )  # 4096 bytes / 4 = the limit
    params = {"Type": "archive-retrieval", "ArchiveId": archive}
    client.initiate_job(vaultName="photos", jobParameters={**params, "Tier": "Standard"})
    try:
        client.initiate_job(vaultName="photos", jobParameters={**params, "Tier": "Standard"})
        raise AssertionError("the second Standard retrieval crosses the rate")
    except client.exceptions.PolicyEnforcedException:
        pass
    client.initiate_job(vaultName="photos", jobParameters={**params, "Tier": "Bulk"})
