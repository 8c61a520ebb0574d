import json
import time

from botocore.config import Config
from botocore.exceptions import ReadTimeoutError


def upload_once(client, vault, body, description):
    """Upload; after a timeout, look for the archive in an inventory before trying again."""
    try:
        return client.upload_archive(vaultName=vault, body=body, archiveDescription=description)[
            "archiveId"
        ]
    except ReadTimeoutError:
        pass
    job = client.initiate_job(vaultName=vault, jobParameters={"Type": "inventory-retrieval"})
    while not client.describe_job(vaultName=vault, jobId=job["jobId"])["Completed"]:
        time.sleep(3600)
    output = client.get_job_output(vaultName=vault, jobId=job["jobId"])["body"].read()
    for archive in json.loads(output)["ArchiveList"]:
        if archive["ArchiveDescription"] == description:
            return archive["ArchiveId"]  # the timed-out attempt did store it
    return client.upload_archive(vaultName=vault, body=body, archiveDescription=description)[
        "archiveId"
    ]


def test_a_timed_out_upload_is_found_not_repeated(glacier):
    client = glacier.client(config=Config(retries={"total_max_attempts": 1}))
    client.create_vault(vaultName="v")
    glacier.inject_network("timeout", operation="UploadArchive")
    archive_id = upload_once(client, "v", b"nightly", "backup-2024-01-01")
    assert list(glacier.archives("v")) == [archive_id]  # one archive, no duplicate
    assert [(c.status, c.fault) for c in glacier.calls if c.operation == "UploadArchive"] == [
        (201, "timeout")
    ]
    assert [s.seconds for s in glacier.sleeps] == [3600] * 5  # the inventory took 5 hours
