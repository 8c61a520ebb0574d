"""Set/Get/DeleteVaultNotifications, and the SNS messages published when jobs complete."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from support import raw

from pytest_glacier import Glacier, Notification

VAULT_ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
TOPIC = "arn:aws:sns:us-east-1:123456789012:vault-events"
JOB_TOPIC = "arn:aws:sns:us-east-1:123456789012:job-events"
BOTH = ["ArchiveRetrievalCompleted", "InventoryRetrievalCompleted"]


def configure(client: Any, events: list[str], topic: str = TOPIC) -> None:
    client.set_vault_notifications(
        vaultName="vault", vaultNotificationConfig={"SNSTopic": topic, "Events": events}
    )


def test_set_get_delete(client: Any, vault: str, raises_glacier: Any) -> None:
    out = client.set_vault_notifications(
        vaultName=vault, vaultNotificationConfig={"SNSTopic": TOPIC, "Events": BOTH}
    )
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    got = client.get_vault_notifications(vaultName=vault)
    assert got["vaultNotificationConfig"] == {"SNSTopic": TOPIC, "Events": BOTH}
    configure(client, ["InventoryRetrievalCompleted"], JOB_TOPIC)
    assert client.get_vault_notifications(vaultName=vault)["vaultNotificationConfig"] == {
        "SNSTopic": JOB_TOPIC,
        "Events": ["InventoryRetrievalCompleted"],
    }
    deleted = client.delete_vault_notifications(vaultName=vault)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_glacier(
        "ResourceNotFoundException",
        404,
        f"No notification configuration is set for vault: {VAULT_ARN}",
    ):
        client.get_vault_notifications(vaultName=vault)


def test_delete_without_configuration_is_fine(client: Any, vault: str) -> None:
    out = client.delete_vault_notifications(vaultName=vault)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_unknown_vault(client: Any, raises_glacier: Any) -> None:
    message = "Vault not found for ARN: arn:aws:glacier:us-east-1:123456789012:vaults/nope"
    with raises_glacier("ResourceNotFoundException", 404, message):
        client.set_vault_notifications(
            vaultName="nope", vaultNotificationConfig={"SNSTopic": TOPIC, "Events": BOTH}
        )
    with raises_glacier("ResourceNotFoundException", 404, message):
        client.get_vault_notifications(vaultName="nope")


@pytest.mark.parametrize(
    ("config", "code", "message"),
    [
        ({}, "MissingParameterValueException", "Required parameter missing: SNSTopic"),
        (
            {"SNSTopic": TOPIC},
            "MissingParameterValueException",
            "Required parameter missing: Events",
        ),
        (
            {"SNSTopic": "topic", "Events": BOTH},
            "InvalidParameterValueException",
            "Invalid SNS topic: topic",
        ),
        (
            {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted", "JobDone"]},
            "InvalidParameterValueException",
            "Invalid event: JobDone. Valid events are: ArchiveRetrievalCompleted, "
            "InventoryRetrievalCompleted",
        ),
    ],
)
def test_bad_configuration_is_refused_and_changes_nothing(
    client: Any, vault: str, raises_glacier: Any, config: dict[str, Any], code: str, message: str
) -> None:
    configure(client, BOTH)
    with raises_glacier(code, 400, message):
        client.set_vault_notifications(vaultName=vault, vaultNotificationConfig=config)
    got = client.get_vault_notifications(vaultName=vault)["vaultNotificationConfig"]
    assert got == {"SNSTopic": TOPIC, "Events": BOTH}


def test_boto3_notification_resource(glacier: Glacier, vault: str) -> None:
    notification = (
        boto3.resource("glacier", region_name="us-east-1").Vault("-", vault).Notification()
    )
    notification.set(vaultNotificationConfig={"SNSTopic": TOPIC, "Events": BOTH})
    notification.load()
    assert (notification.sns_topic, notification.events) == (TOPIC, BOTH)
    notification.delete()


def _jobs(client: Any, job_topic: str | None = None) -> tuple[str, str]:
    archive_id = client.upload_archive(vaultName="vault", body=b"x")["archiveId"]
    extra = {} if job_topic is None else {"SNSTopic": job_topic}
    archive_job = client.initiate_job(
        vaultName="vault",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, **extra},
    )["jobId"]
    inventory_job = client.initiate_job(
        vaultName="vault", jobParameters={"Type": "inventory-retrieval", "Tier": "Bulk"}
    )["jobId"]
    return archive_job, inventory_job


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        (BOTH, ["archive", "inventory"]),
        (["ArchiveRetrievalCompleted"], ["archive"]),
        (["InventoryRetrievalCompleted"], ["inventory"]),
        ([], []),
    ],
)
def test_vault_topic_gets_the_matching_events(
    client: Any, glacier: Glacier, vault: str, events: list[str], expected: list[str]
) -> None:
    configure(client, events)
    archive_job, inventory_job = _jobs(client)
    glacier.complete_jobs()
    by_name = {archive_job: "archive", inventory_job: "inventory"}
    assert [(n.topic, by_name[n.message["JobId"]]) for n in glacier.notifications] == [
        (TOPIC, name) for name in expected
    ]


def test_job_topic_and_vault_topic_both_get_the_message(
    client: Any, glacier: Glacier, vault: str
) -> None:
    configure(client, ["ArchiveRetrievalCompleted"])
    archive_job, _ = _jobs(client, JOB_TOPIC)
    done = glacier.advance(hours=5)
    message = client.describe_job(vaultName=vault, jobId=archive_job)
    del message["ResponseMetadata"]
    assert done == [message]
    assert glacier.notifications == (
        Notification(JOB_TOPIC, message),
        Notification(TOPIC, message),
    )


def test_configuration_at_completion_time_decides(
    client: Any, glacier: Glacier, vault: str
) -> None:
    _jobs(client)
    configure(client, BOTH)
    glacier.advance(hours=5)
    client.delete_vault_notifications(vaultName=vault)
    glacier.advance(hours=7)
    assert [n.message["Action"] for n in glacier.notifications] == ["ArchiveRetrieval"]


def test_failed_jobs_notify_too(client: Any, glacier: Glacier, vault: str) -> None:
    configure(client, BOTH)
    glacier.fail_jobs(times=None, message="Simulated failure")
    _jobs(client)
    glacier.complete_jobs()
    assert [n.message["StatusCode"] for n in glacier.notifications] == ["Failed", "Failed"]
    assert [n.message["StatusMessage"] for n in glacier.notifications] == ["Simulated failure"] * 2


def test_each_notification_is_recorded_once(client: Any, glacier: Glacier, vault: str) -> None:
    _jobs(client, JOB_TOPIC)
    glacier.advance(hours=6)
    first = glacier.notifications
    client.list_jobs(vaultName=vault)
    glacier.advance(hours=1)
    assert glacier.notifications == first
    assert len(first) == 1


def test_messages_are_copies(client: Any, glacier: Glacier, vault: str) -> None:
    _jobs(client, JOB_TOPIC)
    done = glacier.advance(hours=5)
    done[0]["StatusCode"] = "Tampered"
    assert glacier.notifications[0].message["StatusCode"] == "Succeeded"


def test_deleted_vault_publishes_nothing(client: Any, glacier: Glacier, vault: str) -> None:
    job_id = client.initiate_job(
        vaultName=vault, jobParameters={"Type": "inventory-retrieval", "SNSTopic": JOB_TOPIC}
    )["jobId"]
    client.delete_vault(vaultName=vault)
    assert glacier.complete_jobs() == []
    assert glacier.notifications == ()
    assert job_id


NOTIFY_PATH = "/-/vaults/vault/notification-configuration"
GOOD_TOPIC = "arn:aws:sns:us-east-1:123456789012:t"


@pytest.mark.glacier(requests=True)
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
    assert raw("PUT", NOTIFY_PATH, body, **{"content-type": "application/json"}) == (
        400,
        {"code": code, "message": message, "type": "Client"},
    )
    assert client.get_vault_notifications(vaultName="vault")["vaultNotificationConfig"] == config


@pytest.mark.glacier(requests=True)
def test_a_null_topic_is_missing(glacier: Glacier, client: Any, vault: str) -> None:
    """A ``null`` member is absent (responses door): a required one is missing, an optional
    one takes its default."""
    body = b'{"SNSTopic": null, "Events": ["ArchiveRetrievalCompleted"]}'
    assert raw("PUT", NOTIFY_PATH, body) == (
        400,
        {
            "code": "MissingParameterValueException",
            "message": "Required parameter missing: SNSTopic",
            "type": "Client",
        },
    )
    body = b'{"SNSTopic": "%s", "Events": ["ArchiveRetrievalCompleted"], "X": null}' % (
        GOOD_TOPIC.encode()
    )
    assert raw("PUT", NOTIFY_PATH, body) == (204, None)


@pytest.mark.parametrize(
    "topic",
    [
        "arn:aws:sns:us-west-2:0123456789012:my-topic",  # the CLI reference's own example
        "arn:aws:sns:us-west-2:1:t",
        "arn:aws-cn:sns:cn-north-1:123456789012:t.fifo",
        "arn:aws-us-gov:sns:us-gov-west-1:123456789012:" + "a" * 256,
    ],
)
def test_any_arn_shaped_topic_is_accepted(client: Any, vault: str, topic: str) -> None:
    configure(client, BOTH, topic)
    assert client.get_vault_notifications(vaultName="vault")["vaultNotificationConfig"] == {
        "SNSTopic": topic,
        "Events": BOTH,
    }
    job = client.initiate_job(
        vaultName="vault", jobParameters={"Type": "inventory-retrieval", "SNSTopic": topic}
    )
    assert client.describe_job(vaultName="vault", jobId=job["jobId"])["SNSTopic"] == topic


@pytest.mark.parametrize(
    "topic",
    [
        "arn:aws:sqs:us-east-1:123456789012:t",
        "arn:aws:sns:us-east-1::t",
        "arn:aws:sns::123456789012:t",
        "arn:aws:sns:us-east-1:12345678901x:t",
        "arn:aws:sns:us-east-1:123456789012:",
        "arn:aws:sns:us-east-1:123456789012:a:b",
        "arn:aws:sns:us-east-1:123456789012:" + "a" * 257,
        "arn:aws:sns:us-east-1:١٢٣:t",
    ],
)
def test_topics_that_are_not_arn_shaped_are_refused(
    client: Any, vault: str, raises_glacier: Any, topic: str
) -> None:
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid SNS topic: {topic}"):
        configure(client, BOTH, topic)
