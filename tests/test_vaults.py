"""CreateVault, DescribeVault, ListVaults, DeleteVault through a real botocore client."""

from __future__ import annotations

import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import state

from pytest_glacier import Glacier

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/"
#: the spec's vault name rule (§3): 1 to 255 of letters, digits, ``_``, ``-`` and ``.``
VAULT_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,255}")
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"
POLICY = (
    '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "glacier:DeleteArchive", '
    '"Resource": "*"}]}'
)


def test_create_vault_returns_location_with_numeric_account(client: Any) -> None:
    out = client.create_vault(vaultName="photos")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert out["location"] == "/123456789012/vaults/photos"


def test_create_vault_is_idempotent(client: Any, glacier: Glacier) -> None:
    client.create_vault(vaultName="photos")
    created = glacier.vaults()["photos"].creation_date
    glacier.advance(hours=1)
    again = client.create_vault(vaultName="photos")
    assert again["location"] == "/123456789012/vaults/photos"
    assert glacier.vaults()["photos"].creation_date == created


@pytest.mark.parametrize("name", ["a", "A-z_0.9", "x" * 255])
def test_create_vault_accepts_valid_names(client: Any, name: str) -> None:
    client.create_vault(vaultName=name)
    assert client.describe_vault(vaultName=name)["VaultName"] == name


@pytest.mark.parametrize("name", ["x" * 256, "has space", "slash/inside", "ümlaut", "a+b", "a:b"])
def test_create_vault_rejects_invalid_names(
    client: Any, raises_glacier: Any, glacier: Glacier, name: str
) -> None:
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid vault name: {name}"):
        client.create_vault(vaultName=name)
    assert dict(glacier.vaults()) == {}


def test_describe_new_vault(client: Any) -> None:
    client.create_vault(vaultName="v")
    out = client.describe_vault(vaultName="v")
    assert out["VaultARN"] == ARN + "v"
    assert out["CreationDate"] == "2024-01-01T00:00:00.000Z"
    assert (out["NumberOfArchives"], out["SizeInBytes"]) == (0, 0)
    assert "LastInventoryDate" not in out


def test_describe_counts_archives_with_overhead(client: Any) -> None:
    client.create_vault(vaultName="v")
    client.upload_archive(vaultName="v", body=b"x" * 100)
    client.upload_archive(vaultName="v", body=b"y" * 10)
    out = client.describe_vault(vaultName="v")
    assert out["NumberOfArchives"] == 2
    assert out["SizeInBytes"] == 110 + 2 * 32768
    assert out["LastInventoryDate"] == "2024-01-01T00:00:00.000Z"


def test_describe_missing_vault(client: Any, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}nope"):
        client.describe_vault(vaultName="nope")


def test_vault_names_are_url_decoded(client: Any, glacier: Glacier) -> None:
    client.create_vault(vaultName="a.b-c_d")
    assert list(glacier.vaults()) == ["a.b-c_d"]


def test_list_vaults_sorted_by_name(client: Any) -> None:
    for name in ["b", "A", "a", "_", "0"]:
        client.create_vault(vaultName=name)
    out = client.list_vaults()
    assert [v["VaultName"] for v in out["VaultList"]] == ["0", "A", "_", "a", "b"]
    assert "Marker" not in out


def test_list_vaults_pages_with_marker(client: Any) -> None:
    names = [f"v{i:02d}" for i in range(25)]
    for name in names:
        client.create_vault(vaultName=name)
    first = client.list_vaults(limit="10")
    assert [v["VaultName"] for v in first["VaultList"]] == names[:10]
    assert first["Marker"] == ARN + "v10"
    second = client.list_vaults(limit="10", marker=first["Marker"])
    assert [v["VaultName"] for v in second["VaultList"]] == names[10:20]


def test_list_vaults_caps_limit_at_ten(client: Any) -> None:
    for i in range(12):
        client.create_vault(vaultName=f"v{i:02d}")
    assert len(client.list_vaults(limit="50")["VaultList"]) == 10


def test_list_vaults_paginator(client: Any) -> None:
    names = sorted(f"v{i}" for i in range(23))
    for name in names:
        client.create_vault(vaultName=name)
    pages = list(client.get_paginator("list_vaults").paginate(PaginationConfig={"PageSize": 4}))
    assert [v["VaultName"] for p in pages for v in p["VaultList"]] == names
    assert len(pages) == 6


@pytest.mark.parametrize("limit", ["0", "-1", "ten", ""])
def test_list_vaults_rejects_bad_limit(client: Any, raises_glacier: Any, limit: str) -> None:
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Invalid limit: '{limit}'. The limit must be a positive integer.",
    ):
        client.list_vaults(limit=limit)


@pytest.mark.parametrize(
    "marker", ["", "garbage", "arn:aws:glacier:eu-west-1:123456789012:vaults/v"]
)
def test_list_vaults_rejects_bad_marker(client: Any, raises_glacier: Any, marker: str) -> None:
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid marker: {marker}"):
        client.list_vaults(marker=marker)


def test_state_is_per_region(glacier: Glacier) -> None:
    east, west = glacier.client(), glacier.client(region_name="us-west-2")
    east.create_vault(vaultName="v")
    assert west.list_vaults()["VaultList"] == []
    west.create_vault(vaultName="v")
    assert west.describe_vault(vaultName="v")["VaultARN"] == (
        "arn:aws:glacier:us-west-2:123456789012:vaults/v"
    )


def test_delete_empty_vault(client: Any, raises_glacier: Any) -> None:
    client.create_vault(vaultName="v")
    out = client.delete_vault(vaultName="v")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    with raises_glacier("ResourceNotFoundException", 404):
        client.describe_vault(vaultName="v")


def test_delete_missing_vault(client: Any, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}v"):
        client.delete_vault(vaultName="v")


def test_delete_vault_refused_while_archives_exist(
    client: Any, raises_glacier: Any, glacier: Glacier
) -> None:
    client.create_vault(vaultName="v")
    archive_id = client.upload_archive(vaultName="v", body=b"data")["archiveId"]
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Vault not empty or recently written to: {ARN}v"
    ):
        client.delete_vault(vaultName="v")
    assert list(glacier.archives("v")) == [archive_id]
    client.delete_archive(vaultName="v", archiveId=archive_id)
    client.delete_vault(vaultName="v")
    assert dict(glacier.vaults()) == {}


def test_vault_waiters(client: Any) -> None:
    client.create_vault(vaultName="v")
    client.get_waiter("vault_exists").wait(vaultName="v")
    client.delete_vault(vaultName="v")
    client.get_waiter("vault_not_exists").wait(vaultName="v")


def test_boto3_resource_api(glacier: Glacier) -> None:
    resource = boto3.resource("glacier", region_name="us-east-1")
    vault = resource.Vault("-", "res")
    vault.create()
    archive = vault.upload_archive(body=b"resource body", archiveDescription="via resource")
    vault.load()
    assert (vault.vault_name, vault.number_of_archives) == ("res", 1)
    assert [v.name for v in resource.vaults.all()] == ["res"]
    archive.delete()
    vault.delete()
    assert list(resource.vaults.all()) == []


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.text(max_size=300))
def test_any_vault_name_gets_201_or_an_aws_error(client: Any, glacier: Glacier, name: str) -> None:
    valid = VAULT_NAME.fullmatch(name) is not None
    try:
        client.create_vault(vaultName=name)
    except ClientError as error:
        assert not valid
        expected = "InvalidParameterValueException" if name else "MissingParameterValueException"
        assert error.response["Error"]["Code"] == expected
        assert name not in glacier.vaults()
    else:
        assert valid
        assert name in glacier.vaults()
    glacier.check()


@pytest.mark.parametrize(
    "call",
    [
        lambda c, name: c.describe_vault(vaultName=name),
        lambda c, name: c.delete_vault(vaultName=name),
        lambda c, name: c.upload_archive(vaultName=name, body=b"x"),
        lambda c, name: c.delete_archive(vaultName=name, archiveId="a"),
    ],
    ids=["DescribeVault", "DeleteVault", "UploadArchive", "DeleteArchive"],
)
def test_an_illegal_vault_name_on_other_operations_is_not_found(
    client: Any, glacier: Glacier, raises_glacier: Any, call: Any
) -> None:
    """Spec §3: only CreateVault validates the name; elsewhere the vault simply is not found."""
    with raises_glacier(
        "ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}has space"
    ):
        call(client, "has space")
    assert state(glacier) == {}


def test_the_thousandth_vault_is_the_last(
    client: Any, glacier: Glacier, raises_glacier: Any
) -> None:
    for i in range(1000):
        client.create_vault(vaultName=f"v{i:04d}")
    before = state(glacier)
    assert len(before) == 1000
    with raises_glacier(
        "LimitExceededException",
        400,
        "The maximum number of vaults (1000) for this account and region has been reached.",
    ):
        client.create_vault(vaultName="one-too-many")
    assert state(glacier) == before
    # re-creating an existing vault stays idempotent at the limit
    assert client.create_vault(vaultName="v0000")["location"] == "/123456789012/vaults/v0000"
    # the limit is per region
    glacier.client(region_name="eu-west-1").create_vault(vaultName="one-too-many")


def test_a_deleted_vault_takes_its_access_policy_tags_and_notifications_with_it(
    client: Any, raises_glacier: Any
) -> None:
    client.create_vault(vaultName="v")
    client.set_vault_access_policy(vaultName="v", policy={"Policy": POLICY})
    client.add_tags_to_vault(vaultName="v", Tags={"owner": "me"})
    client.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]},
    )
    client.delete_vault(vaultName="v")
    client.create_vault(vaultName="v")
    with raises_glacier(
        "ResourceNotFoundException", 404, f"No vault access policy is set for: {ARN}v"
    ):
        client.get_vault_access_policy(vaultName="v")
    with raises_glacier(
        "ResourceNotFoundException", 404, f"No notification configuration is set for vault: {ARN}v"
    ):
        client.get_vault_notifications(vaultName="v")
    assert client.list_tags_for_vault(vaultName="v")["Tags"] == {}
    archive_id = client.upload_archive(vaultName="v", body=b"x")["archiveId"]
    client.delete_archive(vaultName="v", archiveId=archive_id)  # the old Deny went too
