"""The vault lock state machine (spec section 11) through a real client."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_glacier import Glacier

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "deny-based-on-archive-age",
                "Principal": "*",
                "Effect": "Deny",
                "Action": "glacier:DeleteArchive",
                "Resource": [ARN],
                "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "365"}},
            }
        ],
    }
)
OTHER_POLICY = POLICY.replace("DeleteArchive", "InitiateJob")


def initiate(client: Any, policy: str = POLICY) -> str:
    return str(client.initiate_vault_lock(vaultName="vault", policy={"Policy": policy})["lockId"])


def lock_state(client: Any) -> dict[str, Any]:
    out = client.get_vault_lock(vaultName="vault")
    return {k: v for k, v in out.items() if k != "ResponseMetadata"}


def test_initiate_starts_a_24_hour_in_progress_lock(client: Any, vault: str) -> None:
    out = client.initiate_vault_lock(vaultName="vault", policy={"Policy": POLICY})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(out["lockId"]) == 24
    assert lock_state(client) == {
        "Policy": POLICY,
        "State": "InProgress",
        "CreationDate": "2024-01-01T00:00:00.000Z",
        "ExpirationDate": "2024-01-02T00:00:00.000Z",
    }


def test_complete_locks_and_repeating_it_is_fine(client: Any, vault: str, glacier: Glacier) -> None:
    lock_id = initiate(client)
    glacier.advance(hours=23, minutes=59)
    out = client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    glacier.advance(days=400)
    assert lock_state(client) == {
        "Policy": POLICY,
        "State": "Locked",
        "CreationDate": "2024-01-01T00:00:00.000Z",
    }


def test_complete_with_a_wrong_id_while_in_progress(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    initiate(client)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid lock ID: wrong"):
        client.complete_vault_lock(vaultName="vault", lockId="wrong")
    assert lock_state(client)["State"] == "InProgress"


def test_complete_with_a_wrong_id_once_locked(client: Any, vault: str, raises_glacier: Any) -> None:
    client.complete_vault_lock(vaultName="vault", lockId=initiate(client))
    with raises_glacier(
        "AccessDeniedException",
        403,
        f"The vault lock policy is locked and cannot be changed: {ARN}",
    ):
        client.complete_vault_lock(vaultName="vault", lockId="wrong")


def test_complete_without_a_lock(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "ResourceNotFoundException", 404, f"No vault lock is in progress for: {ARN}"
    ):
        client.complete_vault_lock(vaultName="vault", lockId="AE863rKkWZU53SLW5be4DUcW")


def test_initiate_while_in_progress_is_refused(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    lock_id = initiate(client)
    with raises_glacier(
        "AccessDeniedException",
        403,
        f"A vault lock is already in progress for: {ARN}. Abort it before initiating a new one.",
    ):
        initiate(client, OTHER_POLICY)
    assert lock_state(client)["Policy"] == POLICY
    client.complete_vault_lock(vaultName="vault", lockId=lock_id)


def test_a_locked_policy_can_be_neither_replaced_nor_aborted(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    client.complete_vault_lock(vaultName="vault", lockId=initiate(client))
    with raises_glacier(
        "AccessDeniedException",
        403,
        f"The vault lock policy is locked and cannot be changed: {ARN}",
    ):
        initiate(client, OTHER_POLICY)
    with raises_glacier(
        "AccessDeniedException",
        403,
        f"The vault lock policy is locked and cannot be aborted: {ARN}",
    ):
        client.abort_vault_lock(vaultName="vault")
    assert lock_state(client)["Policy"] == POLICY


def test_abort_removes_an_in_progress_lock(client: Any, vault: str, raises_glacier: Any) -> None:
    lock_id = initiate(client)
    out = client.abort_vault_lock(vaultName="vault")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_glacier("ResourceNotFoundException", 404):
        client.get_vault_lock(vaultName="vault")
    with raises_glacier("ResourceNotFoundException", 404):
        client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    initiate(client, OTHER_POLICY)


def test_abort_without_a_lock_succeeds(client: Any, vault: str) -> None:
    out = client.abort_vault_lock(vaultName="vault")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_get_without_a_lock(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "ResourceNotFoundException", 404, f"No vault lock policy is set for: {ARN}"
    ):
        client.get_vault_lock(vaultName="vault")


def test_an_in_progress_lock_expires_after_24_hours(
    client: Any, vault: str, glacier: Glacier, raises_glacier: Any
) -> None:
    lock_id = initiate(client)
    glacier.advance(hours=24)
    with raises_glacier("ResourceNotFoundException", 404):
        client.get_vault_lock(vaultName="vault")
    with raises_glacier("ResourceNotFoundException", 404):
        client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    new_id = initiate(client, OTHER_POLICY)
    assert new_id != lock_id
    assert lock_state(client)["Policy"] == OTHER_POLICY


def test_initiate_refuses_a_malformed_policy(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    bad = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]})
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid policy: each Statement needs exactly one of Resource and NotResource",
    ):
        initiate(client, bad)
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: Policy"
    ):
        client.initiate_vault_lock(vaultName="vault")
    assert glacier.vaults()["vault"].lock is None


def test_a_lock_goes_with_its_vault(client: Any, vault: str, raises_glacier: Any) -> None:
    client.complete_vault_lock(vaultName="vault", lockId=initiate(client))
    client.delete_vault(vaultName="vault")
    client.create_vault(vaultName="vault")
    with raises_glacier("ResourceNotFoundException", 404):
        client.get_vault_lock(vaultName="vault")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: initiate(c),
        lambda c: c.complete_vault_lock(vaultName="vault", lockId="x"),
        lambda c: c.abort_vault_lock(vaultName="vault"),
        lambda c: c.get_vault_lock(vaultName="vault"),
    ],
)
def test_lock_operations_on_a_missing_vault(client: Any, raises_glacier: Any, call: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}"):
        call(client)


def test_a_lock_policy_over_20_kib_is_refused_and_no_lock_starts(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    statement = {
        "Sid": "",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "glacier:DeleteArchive",
        "Resource": ARN,
    }
    document = {"Statement": [statement]}
    statement["Sid"] = "s" * (20 * 1024 + 1 - len(json.dumps(document)))
    text = json.dumps(document)
    assert len(text) == 20481
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid policy: the policy is 20481 bytes; the limit is 20480 bytes",
    ):
        client.initiate_vault_lock(vaultName="vault", policy={"Policy": text})
    assert glacier.vaults()["vault"].lock is None
    statement["Sid"] = statement["Sid"][:-1]
    lock_id = client.initiate_vault_lock(vaultName="vault", policy={"Policy": json.dumps(document)})
    assert len(lock_id["lockId"]) == 24


def test_a_refused_initiate_while_locked_keeps_the_policy_in_force(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    deny = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "glacier:DeleteArchive",
                    "Resource": ARN,
                }
            ]
        }
    )
    allow_all = deny.replace('"Deny"', '"Allow"')
    lock_id = client.initiate_vault_lock(vaultName="vault", policy={"Policy": deny})["lockId"]
    client.complete_vault_lock(vaultName="vault", lockId=lock_id)
    archive_id = client.upload_archive(vaultName="vault", body=b"x")["archiveId"]
    with raises_glacier("AccessDeniedException", 403):
        client.initiate_vault_lock(vaultName="vault", policy={"Policy": allow_all})
    with raises_glacier("AccessDeniedException", 403):
        client.delete_archive(vaultName="vault", archiveId=archive_id)
    assert client.get_vault_lock(vaultName="vault")["Policy"] == deny
