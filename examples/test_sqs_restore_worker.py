"""The SQS-driven restore worker end to end: moto serves SNS and SQS, the double Glacier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from sqs_restore_worker import restore_all, subscribe_vault

from pytest_glacier import Glacier

moto = pytest.importorskip("moto")


@pytest.fixture
def aws(glacier: Glacier) -> Iterator[dict[str, Any]]:
    """moto's SNS and SQS beside the double (started after it: either order works)."""
    with moto.mock_aws():
        yield {name: boto3.client(name, region_name="us-east-1") for name in ("sns", "sqs")}


def test_bulk_restores_arrive_through_the_queue(
    glacier: Glacier, aws: dict[str, Any], tmp_path: Path
) -> None:
    client = glacier.client()
    client.create_vault(vaultName="photos")
    archives = {
        name: client.upload_archive(vaultName="photos", body=data)["archiveId"]
        for name, data in {"2019.tar": b"a" * 5000, "2020.tar": b"b" * 7000}.items()
    }
    queue = subscribe_vault(client, aws["sns"], aws["sqs"], "photos")

    restored = restore_all(client, aws["sqs"], queue, "photos", archives, tmp_path)

    assert sorted(path.name for path in restored) == ["2019.tar", "2020.tar"]
    assert (tmp_path / "2020.tar").read_bytes() == b"b" * 7000
    # Bulk takes 12 hours: the worker's 20-second waits ran on simulated time
    assert glacier.now() - glacier.config.start >= glacier.config.tier_durations["Bulk"]
    assert [n.message["StatusCode"] for n in glacier.notifications] == ["Succeeded"] * 2
