"""Audit of issue 2: spec rules of the six foundation operations that had no test yet.

Each refusal goes through a real botocore client and is checked for code, status, message and
for leaving the vaults and archives exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pytest_glacier import Glacier
from pytest_glacier.service.vaults import MAX_VAULTS

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/"
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"
POLICY = (
    '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "glacier:DeleteArchive", '
    '"Resource": "*"}]}'
)


def state(glacier: Glacier) -> dict[str, list[str]]:
    """Every vault with its archive ids: what a refused request must leave untouched."""
    return {name: sorted(vault.archives) for name, vault in glacier.vaults().items()}


@pytest.fixture
def populated(client: Any) -> dict[str, str]:
    """Vault ``v`` holding one archive, and the empty vault ``empty``."""
    client.create_vault(vaultName="v")
    client.create_vault(vaultName="empty")
    return {"archive": client.upload_archive(vaultName="v", body=b"kept")["archiveId"]}


#: the six foundation operations, each as a call that would change state if it succeeded
FOUNDATION: dict[str, Callable[[Any, dict[str, str], dict[str, str]], Any]] = {
    "CreateVault": lambda c, s, kw: c.create_vault(vaultName="new", **kw),
    "DescribeVault": lambda c, s, kw: c.describe_vault(vaultName="v", **kw),
    "ListVaults": lambda c, s, kw: c.list_vaults(**kw),
    "DeleteVault": lambda c, s, kw: c.delete_vault(vaultName="empty", **kw),
    "UploadArchive": lambda c, s, kw: c.upload_archive(vaultName="v", body=b"new", **kw),
    "DeleteArchive": lambda c, s, kw: c.delete_archive(vaultName="v", archiveId=s["archive"], **kw),
}


@pytest.mark.parametrize("operation", sorted(FOUNDATION))
def test_missing_api_version_is_refused_by_every_foundation_operation(
    client: Any, glacier: Glacier, populated: dict[str, str], raises_glacier: Any, operation: str
) -> None:
    before = state(glacier)

    def drop(request: Any, **_: Any) -> None:
        del request.headers["x-amz-glacier-version"]

    client.meta.events.register("before-sign.glacier", drop)
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: API version"
    ):
        FOUNDATION[operation](client, populated, {})
    assert state(glacier) == before
    assert glacier.calls[-1].error_code == "MissingParameterValueException"


@pytest.mark.parametrize("operation", sorted(FOUNDATION))
def test_wrong_api_version_is_refused_by_every_foundation_operation(
    client: Any, glacier: Glacier, populated: dict[str, str], raises_glacier: Any, operation: str
) -> None:
    before = state(glacier)

    def replace(request: Any, **_: Any) -> None:
        request.headers.replace_header("x-amz-glacier-version", "2011-06-01")

    client.meta.events.register("before-sign.glacier", replace)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid API version: 2011-06-01"):
        FOUNDATION[operation](client, populated, {})
    assert state(glacier) == before


@pytest.mark.parametrize("operation", sorted(FOUNDATION))
def test_another_account_is_denied_by_every_foundation_operation(
    client: Any, glacier: Glacier, populated: dict[str, str], raises_glacier: Any, operation: str
) -> None:
    before = state(glacier)
    with raises_glacier("AccessDeniedException", 403, "Access denied for account ID: 210987654321"):
        FOUNDATION[operation](client, populated, {"accountId": "210987654321"})
    assert state(glacier) == before


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
    for i in range(MAX_VAULTS):
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
