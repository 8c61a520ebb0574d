import json


def test_worm_retention(glacier):
    client = glacier.client()
    client.create_vault(vaultName="records")
    archive_id = client.upload_archive(vaultName="records", body=b"ledger")["archiveId"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "glacier:DeleteArchive",
                "Resource": "arn:aws:glacier:us-east-1:123456789012:vaults/records",
                "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}},
            }
        ],
    }
    lock_id = client.initiate_vault_lock(
        vaultName="records", policy={"Policy": json.dumps(policy)}
    )["lockId"]
    client.complete_vault_lock(vaultName="records", lockId=lock_id)

    glacier.advance(days=364)  # 403 AccessDeniedException now
    glacier.advance(days=1)  # allowed from day 365
    client.delete_archive(vaultName="records", archiveId=archive_id)
