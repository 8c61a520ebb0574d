import io

from botocore.config import Config
from botocore.exceptions import IncompleteReadError
from botocore.utils import calculate_tree_hash


def download(client, vault, job_id, size):
    """Read a job's output, resuming with a Range after every short read."""
    data = bytearray()
    while len(data) < size:
        body = client.get_job_output(
            vaultName=vault, jobId=job_id, range=f"bytes={len(data)}-{size - 1}"
        )["body"]
        try:
            for chunk in body.iter_chunks(1 << 16):
                data += chunk
        except IncompleteReadError:
            continue  # resume where the stream stopped
    return bytes(data)


def test_download_resumes_after_two_truncations(glacier):
    client = glacier.client(config=Config(retries={"total_max_attempts": 1}))
    client.create_vault(vaultName="v")
    original = bytes(range(256)) * 8192  # 2 MiB
    archive = client.upload_archive(vaultName="v", body=original)
    job = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]},
    )["jobId"]
    glacier.complete_jobs()
    glacier.inject_network("truncate", operation="GetJobOutput", times=2, after_bytes=700_000)
    data = download(client, "v", job, len(original))
    assert calculate_tree_hash(io.BytesIO(data)) == archive["checksum"]
    assert [c.fault for c in glacier.calls if c.operation == "GetJobOutput"] == [
        "truncate",
        "truncate",
        None,
    ]
