"""Vault lock and access policies enforced on requests: explicit Deny -> 403, nothing changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from pytest_glacier import Glacier

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"


def denial(operation: str) -> str:
    return (
        f"User: arn:aws:iam::123456789012:root is not authorized to perform: "
        f"glacier:{operation} on resource: {ARN} with an explicit deny in a resource-based policy"
    )


def policy(*statements: dict[str, Any]) -> str:
    full = [{"Effect": "Deny", "Principal": "*", "Resource": ARN, **s} for s in statements]
    return json.dumps({"Version": "2012-10-17", "Statement": full})


def set_access_policy(client: Any, text: str) -> None:
    client.set_vault_access_policy(vaultName="vault", policy={"Policy": text})


def lock(client: Any, text: str, *, complete: bool = True) -> str:
    lock_id = str(client.initiate_vault_lock(vaultName="vault", policy={"Policy": text})["lockId"])
    if complete:
        client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    return lock_id


def upload(client: Any, body: bytes = b"record") -> str:
    return str(client.upload_archive(vaultName="vault", body=body)["archiveId"])


RETENTION = policy(
    {
        "Sid": "deny-based-on-archive-age",
        "Action": "glacier:DeleteArchive",
        "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}},
    }
)


def test_worm_retention_lock_refuses_deletion_until_day_365(
    client: Any, vault: str, glacier: Glacier, raises_glacier: Any
) -> None:
    archive_id = upload(client)
    lock_id = lock(client, RETENTION)

    glacier.advance(days=364)
    with raises_glacier("AccessDeniedException", 403, denial("DeleteArchive")):
        client.delete_archive(vaultName="vault", archiveId=archive_id)
    assert archive_id in glacier.archives("vault")

    with raises_glacier("AccessDeniedException", 403):
        client.abort_vault_lock(vaultName="vault")
    with raises_glacier("AccessDeniedException", 403):
        client.initiate_vault_lock(vaultName="vault", policy={"Policy": policy({"Action": "*"})})
    with raises_glacier("AccessDeniedException", 403):
        client.complete_vault_lock(vaultName="vault", lockId="A" * 24)
    locked = client.get_vault_lock(vaultName="vault")
    assert (locked["State"], locked["Policy"]) == ("Locked", RETENTION)
    client.complete_vault_lock(vaultName="vault", lockId=lock_id)

    glacier.advance(days=1)
    out = client.delete_archive(vaultName="vault", archiveId=archive_id)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert archive_id not in glacier.archives("vault")
    assert [c.error_code for c in glacier.calls if c.operation == "DeleteArchive"] == [
        "AccessDeniedException",
        None,
    ]


def test_archive_age_counts_whole_days_of_simulated_time(
    client: Any, vault: str, glacier: Glacier, raises_glacier: Any
) -> None:
    archive_id = upload(client)
    lock(client, RETENTION)
    glacier.advance(days=364, hours=23, minutes=59)
    with raises_glacier("AccessDeniedException", 403):
        client.delete_archive(vaultName="vault", archiveId=archive_id)
    glacier.advance(minutes=1)
    client.delete_archive(vaultName="vault", archiveId=archive_id)


def test_an_in_progress_lock_is_enforced_until_it_expires_or_is_aborted(
    client: Any, vault: str, glacier: Glacier, raises_glacier: Any
) -> None:
    first, second = upload(client, b"1"), upload(client, b"2")
    lock(client, RETENTION, complete=False)
    with raises_glacier("AccessDeniedException", 403):
        client.delete_archive(vaultName="vault", archiveId=first)
    glacier.advance(hours=24)
    client.delete_archive(vaultName="vault", archiveId=first)
    lock(client, RETENTION, complete=False)
    with raises_glacier("AccessDeniedException", 403):
        client.delete_archive(vaultName="vault", archiveId=second)
    client.abort_vault_lock(vaultName="vault")
    client.delete_archive(vaultName="vault", archiveId=second)


def test_access_policy_deny_applies_until_the_policy_is_deleted(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    archive_id = upload(client)
    set_access_policy(client, policy({"Action": "glacier:DeleteArchive"}))
    with raises_glacier("AccessDeniedException", 403, denial("DeleteArchive")):
        client.delete_archive(vaultName="vault", archiveId=archive_id)
    client.delete_vault_access_policy(vaultName="vault")
    client.delete_archive(vaultName="vault", archiveId=archive_id)
    assert dict(glacier.archives("vault")) == {}


def test_lock_and_access_policy_both_apply(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    archive_id = upload(client)
    lock(client, policy({"Action": "glacier:InitiateJob"}))
    set_access_policy(client, policy({"Action": "glacier:DeleteArchive"}))
    with raises_glacier("AccessDeniedException", 403, denial("DeleteArchive")):
        client.delete_archive(vaultName="vault", archiveId=archive_id)
    with raises_glacier("AccessDeniedException", 403, denial("InitiateJob")):
        client.initiate_job(vaultName="vault", jobParameters={"Type": "inventory-retrieval"})


def test_initiate_job_is_judged_by_the_requested_archive_age(
    client: Any, vault: str, glacier: Glacier, raises_glacier: Any
) -> None:
    old = upload(client, b"old")
    glacier.advance(days=30)
    new = upload(client, b"new")
    set_access_policy(
        client,
        policy(
            {
                "Action": "glacier:InitiateJob",
                "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "7"}},
            }
        ),
    )
    with raises_glacier("AccessDeniedException", 403, denial("InitiateJob")):
        client.initiate_job(
            vaultName="vault", jobParameters={"Type": "archive-retrieval", "ArchiveId": new}
        )
    assert client.list_jobs(vaultName="vault")["JobList"] == []
    client.initiate_job(
        vaultName="vault", jobParameters={"Type": "archive-retrieval", "ArchiveId": old}
    )
    # an inventory job has no archive: the age key is absent, so the condition does not hold
    client.initiate_job(vaultName="vault", jobParameters={"Type": "inventory-retrieval"})
    assert len(client.list_jobs(vaultName="vault")["JobList"]) == 2


def test_deleting_an_unknown_archive_is_not_judged_by_age(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    lock(client, RETENTION)
    out = client.delete_archive(vaultName="vault", archiveId="never-uploaded")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_legal_hold_tag_blocks_deletion_while_set(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    archive_id = upload(client)
    set_access_policy(
        client,
        policy(
            {
                "Action": "glacier:DeleteArchive",
                "Condition": {"StringLike": {"glacier:ResourceTag/LegalHold": "t*"}},
            }
        ),
    )
    client.add_tags_to_vault(vaultName="vault", Tags={"legalhold": "true"})
    with raises_glacier("AccessDeniedException", 403):
        client.delete_archive(vaultName="vault", archiveId=archive_id)
    client.remove_tags_from_vault(vaultName="vault", TagKeys=["legalhold"])
    client.delete_archive(vaultName="vault", archiveId=archive_id)


@pytest.mark.parametrize(
    ("condition", "age", "denied"),
    [
        ({"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}, 364, True),
        ({"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}}, 365, False),
        ({"NumericLessThanEquals": {"glacier:archiveageindays": "365"}}, 365, True),
        ({"NumericLessThanEquals": {"glacier:ArchiveAgeInDays": 365}}, 366, False),
        ({"NumericGreaterThan": {"glacier:ArchiveAgeInDays": "10"}}, 11, True),
        ({"NumericGreaterThan": {"glacier:ArchiveAgeInDays": "10"}}, 10, False),
        ({"NumericGreaterThanEquals": {"glacier:ArchiveAgeInDays": "10"}}, 10, True),
        ({"NumericEquals": {"glacier:ArchiveAgeInDays": ["1", "5"]}}, 5, True),
        ({"NumericEquals": {"glacier:ArchiveAgeInDays": ["1", "5"]}}, 6, False),
        ({"NumericNotEquals": {"glacier:ArchiveAgeInDays": ["1", "5"]}}, 5, False),
        ({"NumericNotEquals": {"glacier:ArchiveAgeInDays": ["1", "5"]}}, 6, True),
        ({"NumericLessThan": {"glacier:ArchiveAgeInDays": "2.5"}}, 2, True),
        ({"Null": {"glacier:ArchiveAgeInDays": "false"}}, 0, True),
        ({"Null": {"glacier:ArchiveAgeInDays": "true"}}, 0, False),
    ],
)
def test_numeric_conditions_on_archive_age(
    client: Any,
    vault: str,
    glacier: Glacier,
    raises_glacier: Any,
    condition: dict[str, Any],
    age: int,
    denied: bool,
) -> None:
    archive_id = upload(client)
    set_access_policy(client, policy({"Action": "glacier:DeleteArchive", "Condition": condition}))
    glacier.advance(days=age)
    if denied:
        with raises_glacier("AccessDeniedException", 403):
            client.delete_archive(vaultName="vault", archiveId=archive_id)
        assert archive_id in glacier.archives("vault")
    else:
        client.delete_archive(vaultName="vault", archiveId=archive_id)


@pytest.mark.parametrize(
    ("condition", "tags", "denied"),
    [
        ({"StringEquals": {"glacier:ResourceTag/Stage": "prod"}}, {"Stage": "prod"}, True),
        ({"StringEquals": {"glacier:ResourceTag/Stage": "prod"}}, {"Stage": "Prod"}, False),
        ({"StringEquals": {"glacier:ResourceTag/stage": "prod"}}, {"Stage": "prod"}, True),
        ({"StringEquals": {"glacier:ResourceTag/Stage": "prod"}}, {}, False),
        (
            {"StringEqualsIgnoreCase": {"glacier:ResourceTag/Stage": "PROD"}},
            {"Stage": "prod"},
            True,
        ),
        ({"StringNotEquals": {"glacier:ResourceTag/Stage": "dev"}}, {"Stage": "prod"}, True),
        ({"StringNotEquals": {"glacier:ResourceTag/Stage": "dev"}}, {"Stage": "dev"}, False),
        # a negated operator holds when the key is absent (IAM's rule)
        ({"StringNotEquals": {"glacier:ResourceTag/Stage": "dev"}}, {}, True),
        (
            {"StringNotEqualsIgnoreCase": {"glacier:ResourceTag/Stage": ["DEV", "test"]}},
            {"Stage": "dev"},
            False,
        ),
        ({"StringLike": {"glacier:ResourceTag/Stage": "pr?d*"}}, {"Stage": "prod-eu"}, True),
        ({"StringLike": {"glacier:ResourceTag/Stage": "pr?d"}}, {"Stage": "prd"}, False),
        ({"StringNotLike": {"glacier:ResourceTag/Stage": "dev*"}}, {"Stage": "prod"}, True),
        ({"StringEqualsIfExists": {"glacier:ResourceTag/Stage": "prod"}}, {}, True),
        ({"StringEqualsIfExists": {"glacier:ResourceTag/Stage": "prod"}}, {"Stage": "dev"}, False),
        ({"Null": {"glacier:ResourceTag/Stage": "true"}}, {}, True),
        ({"Null": {"glacier:ResourceTag/Stage": "true"}}, {"Stage": ""}, False),
        (
            {
                "StringEquals": {"glacier:ResourceTag/Stage": "prod"},
                "NumericLessThan": {"glacier:ArchiveAgeInDays": "1"},
            },
            {"Stage": "prod"},
            True,
        ),
        (
            {
                "StringEquals": {
                    "glacier:ResourceTag/Stage": "prod",
                    "glacier:ResourceTag/Owner": "me",
                }
            },
            {"Stage": "prod"},
            False,
        ),
    ],
)
def test_string_conditions_on_vault_tags(
    client: Any,
    vault: str,
    raises_glacier: Any,
    condition: dict[str, Any],
    tags: dict[str, str],
    denied: bool,
) -> None:
    archive_id = upload(client)
    if tags:
        client.add_tags_to_vault(vaultName="vault", Tags=tags)
    set_access_policy(client, policy({"Action": "glacier:DeleteArchive", "Condition": condition}))
    if denied:
        with raises_glacier("AccessDeniedException", 403):
            client.delete_archive(vaultName="vault", archiveId=archive_id)
    else:
        client.delete_archive(vaultName="vault", archiveId=archive_id)


@pytest.mark.parametrize(
    ("statement", "denied"),
    [
        ({"Principal": {"AWS": "123456789012"}}, True),
        ({"Principal": {"AWS": "arn:aws:iam::123456789012:root"}}, True),
        ({"Principal": {"AWS": ["arn:aws:iam::123456789012:role/backup"]}}, True),
        ({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}}, False),
        ({"Principal": {"AWS": "*"}}, True),
        ({"Resource": "arn:aws:glacier:us-east-1:123456789012:vaults/other"}, False),
        ({"Resource": "arn:aws:glacier:*:123456789012:vaults/va*"}, True),
        ({"Resource": None, "NotResource": "arn:aws:glacier:*:*:vaults/other"}, True),
        ({"Action": "glacier:delete*"}, True),
        ({"Action": ["glacier:UploadArchive", "glacier:InitiateJob"]}, False),
        ({"Action": None, "NotAction": "glacier:UploadArchive"}, True),
        ({"Action": None, "NotAction": "glacier:Delete*"}, False),
        ({"Effect": "Allow", "Principal": {"AWS": "111122223333"}}, False),
        ({"Effect": "Allow"}, False),
    ],
)
def test_principal_resource_action_and_effect_matching(
    client: Any, vault: str, raises_glacier: Any, statement: dict[str, Any], denied: bool
) -> None:
    archive_id = upload(client)
    full = {"Effect": "Deny", "Principal": "*", "Resource": ARN, "Action": "glacier:DeleteArchive"}
    full = {k: v for k, v in {**full, **statement}.items() if v is not None}
    set_access_policy(client, json.dumps({"Statement": [full]}))
    if denied:
        with raises_glacier("AccessDeniedException", 403):
            client.delete_archive(vaultName="vault", archiveId=archive_id)
    else:
        client.delete_archive(vaultName="vault", archiveId=archive_id)


def _snapshot(glacier: Glacier) -> Any:
    vaults = glacier.vaults()
    if "vault" not in vaults:
        return None
    vault = vaults["vault"]
    uploads = {
        k: (u.is_open, sorted((i, bytes(p.data)) for i, p in u.parts.items()))
        for k, u in vault.uploads.items()
    }
    return (
        sorted(vault.archives),
        uploads,
        dict(vault.tags),
        vault.notification_config,
        sorted(vault.jobs),
    )


Setup = dict[str, str]
WRITES: dict[str, Callable[[Any, Setup], Any]] = {
    "DeleteArchive": lambda c, s: c.delete_archive(vaultName="vault", archiveId=s["archive"]),
    "InitiateJob": lambda c, s: c.initiate_job(
        vaultName="vault", jobParameters={"Type": "archive-retrieval", "ArchiveId": s["archive"]}
    ),
    "DeleteVault": lambda c, s: c.delete_vault(vaultName="vault"),
    "UploadArchive": lambda c, s: c.upload_archive(vaultName="vault", body=b"new"),
    "InitiateMultipartUpload": lambda c, s: c.initiate_multipart_upload(
        vaultName="vault", partSize=str(1 << 20)
    ),
    "UploadMultipartPart": lambda c, s: c.upload_multipart_part(
        vaultName="vault", uploadId=s["upload"], range="bytes 0-2/*", body=b"new"
    ),
    "CompleteMultipartUpload": lambda c, s: c.complete_multipart_upload(
        vaultName="vault",
        uploadId=s["upload"],
        archiveSize="3",
        checksum="ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ),
    "AbortMultipartUpload": lambda c, s: c.abort_multipart_upload(
        vaultName="vault", uploadId=s["upload"]
    ),
    "SetVaultNotifications": lambda c, s: c.set_vault_notifications(
        vaultName="vault",
        vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]},
    ),
    "DeleteVaultNotifications": lambda c, s: c.delete_vault_notifications(vaultName="vault"),
    "AddTagsToVault": lambda c, s: c.add_tags_to_vault(vaultName="vault", Tags={"new": "1"}),
    "RemoveTagsFromVault": lambda c, s: c.remove_tags_from_vault(
        vaultName="vault", TagKeys=["keep"]
    ),
}


@pytest.fixture
def populated(client: Any, vault: str) -> Setup:
    """A vault with an archive, an open upload holding one part, a tag and notifications."""
    archive = upload(client)
    upload_id = client.initiate_multipart_upload(vaultName="vault", partSize=str(1 << 20))[
        "uploadId"
    ]
    client.upload_multipart_part(
        vaultName="vault", uploadId=upload_id, range="bytes 0-2/*", body=b"abc"
    )
    client.add_tags_to_vault(vaultName="vault", Tags={"keep": "1"})
    client.set_vault_notifications(
        vaultName="vault",
        vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["InventoryRetrievalCompleted"]},
    )
    return {"archive": archive, "upload": upload_id}


@pytest.mark.parametrize("operation", sorted(WRITES))
def test_a_denied_write_changes_nothing(
    client: Any, populated: Setup, glacier: Glacier, raises_glacier: Any, operation: str
) -> None:
    set_access_policy(client, policy({"Action": f"glacier:{operation}"}))
    before = _snapshot(glacier)
    with raises_glacier("AccessDeniedException", 403, denial(operation)):
        WRITES[operation](client, populated)
    assert _snapshot(glacier) == before
    client.delete_vault_access_policy(vaultName="vault")
    if operation == "DeleteVault":  # past the policy now, it meets the non-empty vault rule
        with raises_glacier("InvalidParameterValueException", 400):
            WRITES[operation](client, populated)
    else:
        WRITES[operation](client, populated)
        assert _snapshot(glacier) != before


def test_reads_and_policy_management_are_not_governed(
    client: Any, populated: Setup, raises_glacier: Any
) -> None:
    set_access_policy(client, policy({"Action": "glacier:*"}))
    client.describe_vault(vaultName="vault")
    client.list_parts(vaultName="vault", uploadId=populated["upload"])
    client.list_multipart_uploads(vaultName="vault")
    client.list_tags_for_vault(vaultName="vault")
    client.get_vault_notifications(vaultName="vault")
    client.get_vault_access_policy(vaultName="vault")
    lock_id = lock(client, RETENTION, complete=False)
    client.get_vault_lock(vaultName="vault")
    client.abort_vault_lock(vaultName="vault")
    with raises_glacier("ResourceNotFoundException", 404):
        client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    set_access_policy(client, RETENTION)
    client.delete_vault_access_policy(vaultName="vault")
    client.upload_archive(vaultName="vault", body=b"allowed again")


def test_a_denied_part_upload_keeps_the_earlier_parts(
    client: Any, populated: Setup, raises_glacier: Any, glacier: Glacier
) -> None:
    lock(client, policy({"Action": "glacier:UploadMultipartPart"}))
    with raises_glacier("AccessDeniedException", 403):
        client.upload_multipart_part(
            vaultName="vault", uploadId=populated["upload"], range="bytes 0-2/*", body=b"xyz"
        )
    part = glacier.vaults()["vault"].uploads[populated["upload"]].parts[0]
    assert bytes(part.data) == b"abc"
