"""Transport faults (``inject_network``) in every door: botocore in-process, the local server
(botocore and the aws CLI over a real socket) and ``requests``; attempts exact in ``calls``."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import requests
from botocore.config import Config
from botocore.exceptions import (
    ConnectionClosedError,
    IncompleteReadError,
    ReadTimeoutError,
    ResponseStreamingError,
)
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier, mock_glacier
from pytest_glacier.faults import UnusedFaultRules

pytestmark = pytest.mark.timeout(120)

ONE_ATTEMPT = Config(retries={"total_max_attempts": 1, "mode": "standard"})
#: over a real socket a held answer ends when the client's read timeout runs out (real time)
SHORT_READ_TIMEOUT = Config(read_timeout=0.5, retries={"total_max_attempts": 1})
DATA = bytes(range(256)) * 8192  # 2 MiB


def attempts(glacier: Glacier, operation: str) -> list[tuple[int, str | None]]:
    return [(c.status, c.fault) for c in glacier.calls if c.operation == operation]


def retrieved(glacier: Glacier, client: Any, data: bytes = DATA) -> str:
    client.create_vault(vaultName="v")
    archive = client.upload_archive(vaultName="v", body=data)["archiveId"]
    job = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
    )["jobId"]
    glacier.advance(minutes=5)
    return str(job)


@pytest.fixture(params=["in-process", "server"])
def door(request: pytest.FixtureRequest) -> Glacier:
    """The double behind botocore's in-process door, or behind the local server."""
    name = "glacier" if request.param == "in-process" else "glacier_server"
    double: Glacier = request.getfixturevalue(name)
    return double


# -- botocore, in-process and over the socket ----------------------------------------------


def test_reset_changes_nothing_and_raises_connection_closed(door: Glacier) -> None:
    client = door.client(config=ONE_ATTEMPT)
    client.create_vault(vaultName="v")
    rule = door.inject_network("reset", operation="UploadArchive")
    with pytest.raises(ConnectionClosedError):
        client.upload_archive(vaultName="v", body=b"x")
    assert len(door.archives("v")) == 0
    assert attempts(door, "UploadArchive") == [(0, "reset")]
    assert rule.hits == 1


def test_reset_is_retried_by_botocore(door: Glacier) -> None:
    client = door.client()  # standard mode: 3 attempts
    client.create_vault(vaultName="v")
    door.inject_network("reset", operation="UploadArchive", times=2)
    client.upload_archive(vaultName="v", body=b"x")
    assert len(door.archives("v")) == 1
    assert attempts(door, "UploadArchive") == [(0, "reset"), (0, "reset"), (201, None)]


def test_timeout_after_the_write_stores_twice_on_retry(door: Glacier) -> None:
    retrying = Config(read_timeout=0.5, retries={"total_max_attempts": 2, "mode": "standard"})
    client = door.client(config=retrying)
    client.create_vault(vaultName="v")
    door.inject_network("timeout", operation="UploadArchive")
    archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    assert len(door.archives("v")) == 2  # the first attempt's archive, unseen by the client
    assert archive in door.archives("v")
    assert attempts(door, "UploadArchive") == [(201, "timeout"), (201, None)]


def test_timeout_raises_read_timeout_after_the_job_exists(door: Glacier) -> None:
    client = door.client(config=SHORT_READ_TIMEOUT)
    client.create_vault(vaultName="v")
    archive = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    door.inject_network("timeout", operation="InitiateJob")
    with pytest.raises(ReadTimeoutError):
        client.initiate_job(
            vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
        )
    assert len(client.list_jobs(vaultName="v")["JobList"]) == 1


def test_truncated_download_read_whole_raises_a_streaming_error(door: Glacier) -> None:
    client = door.client(config=ONE_ATTEMPT)
    job = retrieved(door, client)
    door.inject_network("truncate", operation="GetJobOutput", after_bytes=1_000_000)
    body = client.get_job_output(vaultName="v", jobId=job)["body"]
    with pytest.raises(ResponseStreamingError, match="IncompleteRead"):
        body.read()
    assert attempts(door, "GetJobOutput") == [(200, "truncate")]


def test_truncated_download_read_in_chunks_is_found_short(door: Glacier) -> None:
    client = door.client(config=ONE_ATTEMPT)
    job = retrieved(door, client)
    door.inject_network("truncate", operation="GetJobOutput", after_bytes=1_000_000)
    body = client.get_job_output(vaultName="v", jobId=job)["body"]
    received = b""
    with pytest.raises(IncompleteReadError, match="1000000 read"):
        for chunk in body.iter_chunks(65536):
            received += chunk
    assert received == DATA[:1_000_000]


def test_a_truncated_json_answer_is_parsed_as_empty_by_botocore(door: Glacier) -> None:
    """botocore reads a non-streaming body without checking its length and parses invalid
    JSON as an empty answer: code that trusts a field's presence meets a KeyError."""
    client = door.client(config=ONE_ATTEMPT)
    client.create_vault(vaultName="v")
    door.inject_network("truncate", operation="DescribeVault", after_bytes=10)
    answer = client.describe_vault(vaultName="v")
    assert "VaultName" not in answer
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.describe_vault(vaultName="v")["VaultName"] == "v"


def test_a_resumable_download_survives_two_truncations(door: Glacier) -> None:
    client = door.client(config=ONE_ATTEMPT)
    job = retrieved(door, client)
    door.inject_network("truncate", operation="GetJobOutput", times=2, after_bytes=700_000)
    received = bytearray()
    while len(received) < len(DATA):
        first = len(received)
        body = client.get_job_output(
            vaultName="v", jobId=job, range=f"bytes={first}-{len(DATA) - 1}"
        )["body"]
        try:
            for chunk in body.iter_chunks(65536):
                received += chunk
        except IncompleteReadError:
            continue
    assert bytes(received) == DATA
    assert calculate_tree_hash(io.BytesIO(received)) == calculate_tree_hash(io.BytesIO(DATA))
    assert attempts(door, "GetJobOutput") == [(206, "truncate")] * 2 + [(206, None)]


# -- rules: matching, counting, teardown -------------------------------------------------


def test_network_rules_match_like_inject(glacier: Glacier) -> None:
    client = glacier.client(config=ONE_ATTEMPT)
    client.create_vault(vaultName="a")
    client.create_vault(vaultName="b")
    rule = glacier.inject_network("reset", match={"vaultName": "b"}, times=None)
    assert client.describe_vault(vaultName="a")["VaultName"] == "a"
    for _ in range(2):
        with pytest.raises(ConnectionClosedError):
            client.describe_vault(vaultName="b")
    assert rule.hits == 2
    assert rule in glacier.fault_rules


def test_bad_network_rules_are_refused(glacier: Glacier) -> None:
    with pytest.raises(ValueError, match="Did you mean 'reset'"):
        glacier.inject_network("rest")
    with pytest.raises(ValueError, match="after_bytes"):
        glacier.inject_network("reset", after_bytes=5)
    with pytest.raises(ValueError, match="after_bytes"):
        glacier.inject_network("truncate", after_bytes=-1)
    with pytest.raises(ValueError, match="Unknown Glacier operation"):
        glacier.inject_network("reset", operation="UploadArchives")


def test_an_unused_network_rule_fails_the_test() -> None:
    with pytest.raises(UnusedFaultRules, match="inject_network"), mock_glacier() as glacier:
        glacier.inject_network("timeout", operation="InitiateJob")


# -- requests ------------------------------------------------------------------------------

URL = "https://glacier.us-east-1.amazonaws.com/-/vaults/v"
HEADERS = {"x-amz-glacier-version": "2012-06-01"}


@pytest.mark.glacier(requests=True)
def test_requests_raises_its_own_exceptions(glacier: Glacier) -> None:
    assert requests.put(URL, headers=HEADERS).status_code == 201
    glacier.inject_network("reset", operation="DescribeVault")
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(URL, headers=HEADERS)
    glacier.inject_network("timeout", operation="DeleteVault")
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.delete(URL, headers=HEADERS)
    assert requests.get(URL, headers=HEADERS).status_code == 404  # the delete happened
    requests.put(URL, headers=HEADERS)
    glacier.inject_network("truncate", operation="DescribeVault", after_bytes=5)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(URL, headers=HEADERS)
    assert [(c.operation, c.fault) for c in glacier.calls if c.fault] == [
        ("DescribeVault", "reset"),
        ("DeleteVault", "timeout"),
        ("DescribeVault", "truncate"),
    ]


# -- the aws CLI over the local server -----------------------------------------------------

AWS = shutil.which("aws", path=os.path.dirname(sys.executable)) or shutil.which("aws")


def aws(server: Any, *args: str) -> subprocess.CompletedProcess[str]:
    assert AWS is not None
    return subprocess.run(
        [AWS, "glacier", *args, "--account-id", "-", "--cli-read-timeout", "2"],
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(AWS is None, reason="the aws CLI is not installed")
def test_awscli_retries_a_reset_connection(glacier_server: Any) -> None:
    glacier_server.inject_network("reset", operation="CreateVault", times=2)
    result = aws(glacier_server, "create-vault", "--vault-name", "v")
    assert result.returncode == 0, result.stderr
    assert attempts(glacier_server, "CreateVault") == [(0, "reset"), (0, "reset"), (201, None)]


@pytest.mark.skipif(AWS is None, reason="the aws CLI is not installed")
def test_awscli_meets_a_truncated_download(glacier_server: Any, tmp_path: Path) -> None:
    job = retrieved(glacier_server, glacier_server.client())
    glacier_server.inject_network("truncate", operation="GetJobOutput", after_bytes=1000)
    out = tmp_path / "out.bin"
    result = aws(glacier_server, "get-job-output", "--vault-name", "v", "--job-id", job, str(out))
    assert result.returncode != 0
    assert "IncompleteRead" in result.stderr or "Connection broken" in result.stderr
    assert attempts(glacier_server, "GetJobOutput") == [(200, "truncate")]


def test_admin_endpoint_injects_network_faults(glacier_server: Any) -> None:
    request = urllib.request.Request(
        f"{glacier_server.endpoint_url}/_pytest_glacier/network_faults",
        data=json.dumps({"kind": "reset", "operation": "CreateVault"}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        rule = json.loads(answer.read())
    assert (rule["kind"], rule["fault"], rule["hits"]) == ("inject_network", "reset", 0)
    glacier_server.client().create_vault(vaultName="v")  # retried after the reset
    assert attempts(glacier_server, "CreateVault") == [(0, "reset"), (201, None)]
