"""A small backup tool of the kind pytest_glacier exists to test.

It backs files up to a Glacier vault, keeps a local catalogue of archive ids, and restores a
file with a retrieval job, verifying the downloaded bytes against the tree hash Glacier
returns. Nothing in here knows about the double: it is plain boto3/botocore code.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from botocore.utils import calculate_tree_hash


def backup(client: Any, vault: str, files: list[Path], catalogue: Path) -> dict[str, str]:
    """Upload each file as one archive; record name -> archive id in ``catalogue``."""
    client.create_vault(vaultName=vault)
    entries = json.loads(catalogue.read_text()) if catalogue.exists() else {}
    for path in files:
        with path.open("rb") as body:
            out = client.upload_archive(vaultName=vault, body=body, archiveDescription=path.name)
        entries[path.name] = out["archiveId"]
    catalogue.write_text(json.dumps(entries, indent=2))
    return dict(entries)


def wait_for_job(
    client: Any,
    vault: str,
    job_id: str,
    *,
    poll_seconds: float = 900,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Poll DescribeJob until the job is done, as real restore tools do (Glacier has no push)."""
    while True:
        job: dict[str, Any] = client.describe_job(vaultName=vault, jobId=job_id)
        if job["Completed"]:
            if job["StatusCode"] != "Succeeded":
                raise RuntimeError(f"job {job_id} failed: {job.get('StatusMessage')}")
            return job
        sleep(poll_seconds)


def restore(
    client: Any,
    vault: str,
    name: str,
    catalogue: Path,
    destination: Path,
    *,
    tier: str = "Expedited",
    sleep: Callable[[float], None] = time.sleep,
) -> Path:
    """Retrieve one catalogued file and write it to ``destination``, checksum-verified."""
    archive_id = json.loads(catalogue.read_text())[name]
    job_id = client.initiate_job(
        vaultName=vault,
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier},
    )["jobId"]
    poll = 60 if tier == "Expedited" else 900
    wait_for_job(client, vault, job_id, poll_seconds=poll, sleep=sleep)
    output = client.get_job_output(vaultName=vault, jobId=job_id)
    data = output["body"].read()
    if calculate_tree_hash(io.BytesIO(data)) != output["checksum"]:
        raise RuntimeError(f"checksum mismatch restoring {name}")
    destination.write_bytes(data)
    return destination


def inventory(
    client: Any, vault: str, *, sleep: Callable[[float], None] = time.sleep
) -> list[dict[str, Any]]:
    """The vault's archive list from an inventory-retrieval job."""
    job_id = client.initiate_job(
        vaultName=vault, jobParameters={"Type": "inventory-retrieval", "Format": "JSON"}
    )["jobId"]
    wait_for_job(client, vault, job_id, sleep=sleep)
    body = client.get_job_output(vaultName=vault, jobId=job_id)["body"].read()
    archives: list[dict[str, Any]] = json.loads(body)["ArchiveList"]
    return archives
