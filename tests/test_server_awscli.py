"""The real aws CLI (awscli v1) as a subprocess against ``glacier_server``, end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from pytest_glacier.server.server import ServedGlacier

AWS = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")
pytestmark = pytest.mark.skipif(AWS is None, reason="the aws CLI is not installed")


def aws(server: ServedGlacier, *args: str) -> Any:
    """Run ``aws glacier <args>`` with the fixture's environment; its JSON output, parsed."""
    assert AWS is not None
    result = subprocess.run(
        [AWS, "glacier", *args, "--account-id", "-", "--output", "json"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def admin_advance(server: ServedGlacier, seconds: float) -> Any:
    request = urllib.request.Request(
        f"{server.endpoint_url}/_pytest_glacier/advance",
        data=json.dumps({"seconds": seconds}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def test_awscli_archive_round_trip(glacier_server: ServedGlacier, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 123)
    source = tmp_path / "archive.bin"
    source.write_bytes(data)
    aws(glacier_server, "create-vault", "--vault-name", "backups")
    uploaded = aws(
        glacier_server,
        "upload-archive",
        "--vault-name",
        "backups",
        "--body",
        str(source),
        "--archive-description",
        "nightly",
    )
    archive = glacier_server.archives("backups")[uploaded["archiveId"]]
    assert (archive.tree_hash, archive.description) == (uploaded["checksum"], "nightly")

    job = aws(
        glacier_server,
        "initiate-job",
        "--vault-name",
        "backups",
        "--job-parameters",
        json.dumps(
            {"Type": "archive-retrieval", "ArchiveId": uploaded["archiveId"], "Tier": "Expedited"}
        ),
    )
    described = aws(
        glacier_server, "describe-job", "--vault-name", "backups", "--job-id", job["jobId"]
    )
    assert (described["StatusCode"], described["Completed"]) == ("InProgress", False)

    completed = admin_advance(glacier_server, 5 * 60)["completed"]
    assert [j["JobId"] for j in completed] == [job["jobId"]]
    described = aws(
        glacier_server, "describe-job", "--vault-name", "backups", "--job-id", job["jobId"]
    )
    assert (described["StatusCode"], described["Completed"]) == ("Succeeded", True)

    target = tmp_path / "restored.bin"
    output = aws(
        glacier_server,
        "get-job-output",
        "--vault-name",
        "backups",
        "--job-id",
        job["jobId"],
        str(target),
    )
    assert target.read_bytes() == data
    assert (output["status"], output["checksum"]) == (200, uploaded["checksum"])
    assert [c.operation for c in glacier_server.calls] == [
        "CreateVault",
        "UploadArchive",
        "InitiateJob",
        "DescribeJob",
        "DescribeJob",
        "GetJobOutput",
    ]


def test_awscli_sees_fixture_advance(glacier_server: ServedGlacier) -> None:
    aws(glacier_server, "create-vault", "--vault-name", "v")
    glacier_server.advance(days=1)
    aws(glacier_server, "create-vault", "--vault-name", "w")
    listed = aws(glacier_server, "list-vaults")["VaultList"]
    assert [v["CreationDate"] for v in listed] == [
        "2024-01-01T00:00:00.000Z",
        "2024-01-02T00:00:00.000Z",
    ]


def test_awscli_error_is_the_service_error(glacier_server: ServedGlacier) -> None:
    assert AWS is not None
    result = subprocess.run(
        [AWS, "glacier", "describe-vault", "--account-id", "-", "--vault-name", "none"],
        env=glacier_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 255  # awscli v1: the request failed
    assert "(ResourceNotFoundException) when calling the DescribeVault operation: " in result.stderr
    assert "Vault not found for ARN: arn:aws:glacier:us-east-1:123456789012:vaults/none" in (
        result.stderr
    )
