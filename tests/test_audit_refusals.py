"""Audit of issues 3 and 4: refusals leave no trace, and the scaled real clock drives jobs.

A PolicyEnforced or InsufficientCapacity refusal, and any InitiateJob refused before the
capacity and policy checks, must change no state: not the day's FreeTier allowance, not the
Expedited window, not a ``fail_jobs`` rule. Notification bodies botocore would never send
are refused and keep the vault's configuration.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest

from pytest_glacier import Glacier
from pytest_glacier.core.http import Request
from pytest_glacier.service.policies.capacity import INSUFFICIENT

MIB = 1024 * 1024
ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
DENIED = "InitiateJob request denied by current data retrieval policy."


def retrieve(client: Any, archive_id: str, tier: str, **extra: str) -> str:
    parameters = {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": tier, **extra}
    return str(client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"])


def upload(client: Any, size: int) -> str:
    return str(client.upload_archive(vaultName="vault", body=b"a" * size)["archiveId"])


@pytest.mark.glacier(free_tier_bytes_per_day=6 * MIB)
def test_a_refused_free_tier_retrieval_does_not_use_the_days_allowance(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    four, two = upload(client, 4 * MIB), upload(client, 2 * MIB)
    client.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "FreeTier"}]})
    retrieve(client, four, "Standard")  # 4 of 6 MiB
    jobs = dict(glacier.jobs("vault"))
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        retrieve(client, four, "Standard")  # would make 8
    assert dict(glacier.jobs("vault")) == jobs
    retrieve(client, two, "Standard")  # exactly 6: the refused 4 MiB were not counted
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        retrieve(client, two, "Standard")


def test_a_refused_bytes_per_hour_retrieval_does_not_count_as_in_progress(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    # 2 MiB/h with each retrieval spread over 4 h: 8 MiB may be in progress at once
    archive = upload(client, 8 * MIB)
    half = f"0-{4 * MIB - 1}"
    client.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 2 * MIB}]}
    )
    retrieve(client, archive, "Standard", RetrievalByteRange=half)  # 4 of 8 MiB
    for _ in range(3):
        with raises_glacier("PolicyEnforcedException", 400, DENIED):
            retrieve(client, archive, "Standard")  # 4 + 8 > 8
    retrieve(client, archive, "Standard", RetrievalByteRange=half)  # 8: refusals not counted
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        retrieve(client, archive, "Standard", RetrievalByteRange="0-1048575")
    assert len(glacier.jobs("vault")) == 2


@pytest.mark.glacier(expedited_capacity=1)
def test_expedited_requests_refused_before_admission_use_no_capacity(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    archive = upload(client, 10)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid job description: it must be at most 1024 characters, each a printable ASCII "
        "character (0x20-0x7E)",
    ):
        retrieve(client, archive, "Expedited", Description="d" * 1025)
    with raises_glacier("ResourceNotFoundException", 404, "The archive ID was not found: nope"):
        retrieve(client, "nope", "Expedited")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "The RetrievalByteRange 0-3 is not megabyte aligned",
    ):
        retrieve(client, archive, "Expedited", RetrievalByteRange="0-3")
    deny = {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "glacier:InitiateJob",
                "Resource": ARN,
            }
        ]
    }
    client.set_vault_access_policy(vaultName="vault", policy={"Policy": json.dumps(deny)})
    with raises_glacier("AccessDeniedException", 403):
        retrieve(client, archive, "Expedited")
    client.delete_vault_access_policy(vaultName="vault")
    assert dict(glacier.jobs("vault")) == {}
    retrieve(client, archive, "Expedited")  # the one Expedited of this window
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        retrieve(client, archive, "Expedited")


@pytest.mark.glacier(expedited_capacity=1)
def test_modelled_refusals_do_not_use_a_fail_jobs_rule_or_notify(
    glacier: Glacier, client: Any, vault: str, raises_glacier: Any
) -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:restores"
    archive = upload(client, 4 * MIB)
    client.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1}]}
    )
    rule = glacier.fail_jobs()
    retrieve(client, archive, "Expedited")  # admitted, takes the rule
    assert rule.hits == 1
    second = glacier.fail_jobs()
    with raises_glacier("InsufficientCapacityException", 503, INSUFFICIENT):
        retrieve(client, archive, "Expedited", SNSTopic=topic)
    with raises_glacier("PolicyEnforcedException", 400, DENIED):
        retrieve(client, archive, "Standard", SNSTopic=topic)
    assert second.hits == 0
    glacier.complete_jobs()
    assert glacier.notifications == ()
    retrieve(client, archive, "Bulk")
    assert second.hits == 1
    glacier.complete_jobs()


@pytest.mark.glacier(clock="real", time_scale=3600)
def test_real_clock_with_time_scale_completes_jobs_on_scaled_wall_time(
    glacier: Glacier, client: Any, vault: str
) -> None:
    """An hour of job time per second of wall time: 0.1 s is at least the 5 Expedited minutes."""
    job_id = retrieve(client, upload(client, 10), "Expedited")
    before = glacier.now()
    time.sleep(0.1)
    assert glacier.now() - before >= dt.timedelta(minutes=5)
    described = client.describe_job(vaultName="vault", jobId=job_id)
    assert described["StatusCode"] == "Succeeded"
    assert client.get_job_output(vaultName="vault", jobId=job_id)["body"].read() == b"a" * 10


NOTIFY_PATH = "/-/vaults/vault/notification-configuration"
GOOD_TOPIC = "arn:aws:sns:us-east-1:123456789012:t"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            b"",
            "MissingParameterValueException",
            "Required parameter missing: vaultNotificationConfig",
        ),
        (
            b"[]",
            "InvalidParameterValueException",
            "Invalid vault notification configuration: the request body must be a JSON object",
        ),
        (
            b"{",
            "SerializationException",
            "Malformed JSON body: Expecting property name enclosed in double quotes: line 1 "
            "column 2 (char 1)",
        ),
        (
            b'{"SNSTopic": 5, "Events": ["ArchiveRetrievalCompleted"]}',
            "InvalidParameterValueException",
            "Invalid SNS topic: 5",
        ),
        (
            b'{"SNSTopic": "%s", "Events": "ArchiveRetrievalCompleted"}' % GOOD_TOPIC.encode(),
            "InvalidParameterValueException",
            "Invalid Events: ArchiveRetrievalCompleted. Events must be a list",
        ),
    ],
)
def test_notification_bodies_botocore_would_not_send_are_refused_and_change_nothing(
    glacier: Glacier, client: Any, vault: str, body: bytes, code: str, message: str
) -> None:
    config = {"SNSTopic": GOOD_TOPIC, "Events": ["InventoryRetrievalCompleted"]}
    client.set_vault_notifications(vaultName="vault", vaultNotificationConfig=config)
    headers = {"x-amz-glacier-version": "2012-06-01", "content-type": "application/json"}
    response = glacier.service.handle(Request.from_url("PUT", NOTIFY_PATH, headers, body))
    assert response.status == 400
    assert json.loads(bytes(response.body)) == {  # type: ignore[arg-type]
        "code": code,
        "message": message,
        "type": "Client",
    }
    assert client.get_vault_notifications(vaultName="vault")["vaultNotificationConfig"] == config
