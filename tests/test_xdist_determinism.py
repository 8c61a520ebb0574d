"""Ids, fault decisions and simulated time depend only on ``seed`` and the test's node id.

The same test file runs serially, in reverse order and on two xdist workers; every test prints
what it generated, and the three runs must print the same thing for every test.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

TESTS = """
import json

import pytest
from botocore.config import Config


def report(request, glacier, **seen):
    seen["now"] = glacier.now().isoformat()
    seen["request_ids"] = [c.request_id for c in glacier.calls]
    seen["calls"] = [[c.operation, c.status, c.error_code] for c in glacier.calls]
    print("IDS", request.node.nodeid, json.dumps(seen, sort_keys=True))


@pytest.mark.parametrize("n", range(4))
def test_archives(request, glacier, n):
    client = glacier.client()
    client.create_vault(vaultName="v")
    ids = [client.upload_archive(vaultName="v", body=b"x" * (n + 1))["archiveId"] for _ in range(3)]
    report(request, glacier, archives=ids)


def test_jobs_and_uploads(request, glacier):
    client = glacier.client()
    client.create_vault(vaultName="v")
    archive = client.upload_archive(vaultName="v", body=b"data")["archiveId"]
    job = client.initiate_job(
        vaultName="v", jobParameters={"Type": "archive-retrieval", "ArchiveId": archive}
    )["jobId"]
    upload = client.initiate_multipart_upload(vaultName="v", partSize=str(1024 * 1024))
    capacity = client.purchase_provisioned_capacity()["capacityId"]
    report(request, glacier, job=job, upload=upload["uploadId"], capacity=capacity)


THROTTLE = {"code": "ThrottlingException", "operation": "ListVaults", "times": 2}


@pytest.mark.glacier(faults=[THROTTLE])
def test_faults_and_retries(request, glacier):
    client = glacier.client(config=Config(retries={"mode": "adaptive"}))
    glacier.inject("ServiceUnavailableException", operation="CreateVault", times=1)
    client.create_vault(vaultName="v")
    client.list_vaults()
    glacier.fail_jobs()
    archive = client.upload_archive(vaultName="v", body=b"data")["archiveId"]
    job = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
    )["jobId"]
    glacier.advance(minutes=5)
    status = client.describe_job(vaultName="v", jobId=job)["StatusCode"]
    report(request, glacier, job=job, status=status)


@pytest.mark.glacier(seed=42)
def test_own_seed(request, glacier):
    client = glacier.client()
    client.create_vault(vaultName="v")
    report(request, glacier, archive=client.upload_archive(vaultName="v", body=b"y")["archiveId"])
"""

LINE = re.compile(r"^IDS (\S+) (\{.*\})$", re.M)


def _printed(pytester: pytest.Pytester, *args: str) -> dict[str, Any]:
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rP", *args)
    result.assert_outcomes(passed=7)
    found = {node: json.loads(data) for node, data in LINE.findall(result.stdout.str())}
    assert len(found) == 7, result.stdout.str()
    return found


def test_serial_reversed_and_two_workers_print_the_same_ids(pytester: pytest.Pytester) -> None:
    """Also: ``--glacier-seed`` changes the ids but not what happens; a marker seed wins."""
    pytester.makepyfile(test_ids=TESTS)
    serial = _printed(pytester, "-n", "0")
    assert serial == _printed(pytester, "-n", "2")
    assert serial == _printed(pytester, "-n", "0", "-p", "reverse", "--reverse")
    archives = [serial[f"test_ids.py::test_archives[{n}]"]["archives"] for n in range(4)]
    assert len({a for ids in archives for a in ids}) == 12  # each test has its own stream
    faulted = serial["test_ids.py::test_faults_and_retries"]
    assert faulted["status"] == "Failed"
    assert [c[2] for c in faulted["calls"][:4]] == [
        "ServiceUnavailableException",
        None,
        "ThrottlingException",
        "ThrottlingException",
    ]
    reseeded = _printed(pytester, "-n", "0", "--glacier-seed", "7")
    node = "test_ids.py::test_jobs_and_uploads"
    assert serial[node]["job"] != reseeded[node]["job"]
    assert serial[node]["calls"] == reseeded[node]["calls"]
    own = "test_ids.py::test_own_seed"
    assert serial[own] == reseeded[own]
