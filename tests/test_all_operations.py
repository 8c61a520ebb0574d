"""Every operation of botocore's glacier model is answered: one success and one error each.

The tables below are the suite's guarantee that each of the 33 operations has at least one
success test and one error test through a real client; the first test fails if botocore's
model gains an operation the tables (and so the double) do not cover.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import botocore.session
import pytest
from botocore.exceptions import ClientError

from pytest_glacier import Glacier
from pytest_glacier.core.routes import SUCCESS_STATUS
from pytest_glacier.service.engine.registry import simulated_operations

V = {"vaultName": "vault"}
OTHER_ACCOUNT = {"accountId": "999999999999"}
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"
POLICY = json.dumps(
    {
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "glacier:DeleteArchive",
                "Resource": "*",
                "Condition": {"NumericLessThan": {"glacier:ArchiveAgeInDays": "1"}},
            }
        ]
    }
)
MODEL_OPERATIONS = frozenset(
    botocore.session.get_session().get_service_model("glacier").operation_names
)


def vault(c: Any) -> str:
    """Creates the vault; its name (so a step can sit in a tuple before the call under test)."""
    c.create_vault(**V)
    return V["vaultName"]


def archive(c: Any) -> str:
    vault(c)
    return str(c.upload_archive(**V, body=b"archive bytes")["archiveId"])


def upload(c: Any) -> str:
    vault(c)
    return str(c.initiate_multipart_upload(**V, partSize=str(1 << 20))["uploadId"])


def job(c: Any, g: Glacier, *, done: bool) -> str:
    jobs = c.initiate_job(
        **V, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive(c), "Tier": "Bulk"}
    )
    if done:
        g.complete_jobs()
    return str(jobs["jobId"])


def lock(c: Any) -> str:
    vault(c)
    return str(c.initiate_vault_lock(**V, policy={"Policy": POLICY})["lockId"])


def notifications(c: Any) -> str:
    name = vault(c)
    c.set_vault_notifications(
        **V, vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]}
    )
    return name


def part(c: Any) -> str:
    upload_id = upload(c)
    c.upload_multipart_part(**V, uploadId=upload_id, range="bytes 0-2/*", body=b"abc")
    return upload_id


ABC_TREE_HASH = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
Call = Callable[[Any, Glacier], Any]

SUCCESS: dict[str, Call] = {
    "ListVaults": lambda c, g: c.list_vaults(),
    "CreateVault": lambda c, g: c.create_vault(**V),
    "DescribeVault": lambda c, g: (vault(c), c.describe_vault(**V))[1],
    "DeleteVault": lambda c, g: (vault(c), c.delete_vault(**V))[1],
    "UploadArchive": lambda c, g: (vault(c), c.upload_archive(**V, body=b"x"))[1],
    "DeleteArchive": lambda c, g: c.delete_archive(**V, archiveId=archive(c)),
    "InitiateMultipartUpload": lambda c, g: (
        vault(c),
        c.initiate_multipart_upload(**V, partSize=str(1 << 20)),
    )[1],
    "ListMultipartUploads": lambda c, g: (upload(c), c.list_multipart_uploads(**V))[1],
    "UploadMultipartPart": lambda c, g: c.upload_multipart_part(
        **V, uploadId=upload(c), range="bytes 0-2/*", body=b"abc"
    ),
    "CompleteMultipartUpload": lambda c, g: c.complete_multipart_upload(
        **V, uploadId=part(c), archiveSize="3", checksum=ABC_TREE_HASH
    ),
    "AbortMultipartUpload": lambda c, g: c.abort_multipart_upload(**V, uploadId=upload(c)),
    "ListParts": lambda c, g: c.list_parts(**V, uploadId=part(c)),
    "InitiateJob": lambda c, g: c.initiate_job(
        **V, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive(c)}
    ),
    "ListJobs": lambda c, g: (job(c, g, done=False), c.list_jobs(**V))[1],
    "DescribeJob": lambda c, g: c.describe_job(**V, jobId=job(c, g, done=False)),
    "GetJobOutput": lambda c, g: c.get_job_output(**V, jobId=job(c, g, done=True)),
    "SetVaultNotifications": lambda c, g: (
        vault(c),
        c.set_vault_notifications(
            **V,
            vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["InventoryRetrievalCompleted"]},
        ),
    )[1],
    "GetVaultNotifications": lambda c, g: (notifications(c), c.get_vault_notifications(**V))[1],
    "DeleteVaultNotifications": lambda c, g: (
        notifications(c),
        c.delete_vault_notifications(**V),
    )[1],
    "SetVaultAccessPolicy": lambda c, g: (
        vault(c),
        c.set_vault_access_policy(**V, policy={"Policy": POLICY}),
    )[1],
    "GetVaultAccessPolicy": lambda c, g: (
        c.create_vault(**V),
        c.set_vault_access_policy(**V, policy={"Policy": POLICY}),
        c.get_vault_access_policy(**V),
    )[2],
    "DeleteVaultAccessPolicy": lambda c, g: (vault(c), c.delete_vault_access_policy(**V))[1],
    "InitiateVaultLock": lambda c, g: (
        vault(c),
        c.initiate_vault_lock(**V, policy={"Policy": POLICY}),
    )[1],
    "GetVaultLock": lambda c, g: (lock(c), c.get_vault_lock(**V))[1],
    "AbortVaultLock": lambda c, g: (lock(c), c.abort_vault_lock(**V))[1],
    "CompleteVaultLock": lambda c, g: c.complete_vault_lock(**V, lockId=lock(c)),
    "AddTagsToVault": lambda c, g: (vault(c), c.add_tags_to_vault(**V, Tags={"k": "v"}))[1],
    "RemoveTagsFromVault": lambda c, g: (
        vault(c),
        c.remove_tags_from_vault(**V, TagKeys=["k"]),
    )[1],
    "ListTagsForVault": lambda c, g: (vault(c), c.list_tags_for_vault(**V))[1],
    "GetDataRetrievalPolicy": lambda c, g: c.get_data_retrieval_policy(),
    "SetDataRetrievalPolicy": lambda c, g: c.set_data_retrieval_policy(
        Policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1 << 30}]}
    ),
    "PurchaseProvisionedCapacity": lambda c, g: c.purchase_provisioned_capacity(),
    "ListProvisionedCapacity": lambda c, g: c.list_provisioned_capacity(),
}


def _third_capacity_unit(c: Any, g: Glacier) -> Any:
    c.purchase_provisioned_capacity()
    c.purchase_provisioned_capacity()
    return c.purchase_provisioned_capacity()


ERRORS: dict[str, tuple[str, Call]] = {
    "ListVaults": ("InvalidParameterValueException", lambda c, g: c.list_vaults(limit="0")),
    "CreateVault": ("InvalidParameterValueException", lambda c, g: c.create_vault(vaultName="a b")),
    "DescribeVault": ("ResourceNotFoundException", lambda c, g: c.describe_vault(**V)),
    "DeleteVault": (
        "InvalidParameterValueException",
        lambda c, g: (archive(c), c.delete_vault(**V))[1],
    ),
    "UploadArchive": (
        "InvalidParameterValueException",
        lambda c, g: (vault(c), c.upload_archive(**V, body=b"x", checksum="0" * 64))[1],
    ),
    "DeleteArchive": (
        "AccessDeniedException",
        lambda c, g: (
            aid := archive(c),
            c.initiate_vault_lock(**V, policy={"Policy": POLICY}),
            c.delete_archive(**V, archiveId=aid),
        )[2],
    ),
    "InitiateMultipartUpload": (
        "InvalidParameterValueException",
        lambda c, g: (vault(c), c.initiate_multipart_upload(**V, partSize="1000"))[1],
    ),
    "ListMultipartUploads": (
        "InvalidParameterValueException",
        lambda c, g: (vault(c), c.list_multipart_uploads(**V, marker="nope"))[1],
    ),
    "UploadMultipartPart": (
        "InvalidParameterValueException",
        lambda c, g: c.upload_multipart_part(
            **V, uploadId=upload(c), range="bytes 9-0/*", body=b"abc"
        ),
    ),
    "CompleteMultipartUpload": (
        "MissingParameterValueException",
        lambda c, g: c.complete_multipart_upload(**V, uploadId=part(c), archiveSize="3"),
    ),
    "AbortMultipartUpload": (
        "ResourceNotFoundException",
        lambda c, g: (vault(c), c.abort_multipart_upload(**V, uploadId="nope"))[1],
    ),
    "ListParts": (
        "ResourceNotFoundException",
        lambda c, g: (vault(c), c.list_parts(**V, uploadId="nope"))[1],
    ),
    "InitiateJob": (
        "MissingParameterValueException",
        lambda c, g: (vault(c), c.initiate_job(**V))[1],
    ),
    "ListJobs": (
        "InvalidParameterValueException",
        lambda c, g: (vault(c), c.list_jobs(**V, statuscode="Done"))[1],
    ),
    "DescribeJob": (
        "ResourceNotFoundException",
        lambda c, g: (vault(c), c.describe_job(**V, jobId="nope"))[1],
    ),
    "GetJobOutput": (
        "InvalidParameterValueException",
        lambda c, g: c.get_job_output(**V, jobId=job(c, g, done=False)),
    ),
    "SetVaultNotifications": (
        "InvalidParameterValueException",
        lambda c, g: (
            vault(c),
            c.set_vault_notifications(
                **V, vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["Nope"]}
            ),
        )[1],
    ),
    "GetVaultNotifications": (
        "ResourceNotFoundException",
        lambda c, g: (vault(c), c.get_vault_notifications(**V))[1],
    ),
    "DeleteVaultNotifications": (
        "ResourceNotFoundException",
        lambda c, g: c.delete_vault_notifications(**V),
    ),
    "SetVaultAccessPolicy": (
        "InvalidParameterValueException",
        lambda c, g: (vault(c), c.set_vault_access_policy(**V, policy={"Policy": "{"}))[1],
    ),
    "GetVaultAccessPolicy": (
        "ResourceNotFoundException",
        lambda c, g: (vault(c), c.get_vault_access_policy(**V))[1],
    ),
    "DeleteVaultAccessPolicy": (
        "ResourceNotFoundException",
        lambda c, g: c.delete_vault_access_policy(**V),
    ),
    "InitiateVaultLock": (
        "AccessDeniedException",
        lambda c, g: (lock(c), c.initiate_vault_lock(**V, policy={"Policy": POLICY}))[1],
    ),
    "GetVaultLock": (
        "ResourceNotFoundException",
        lambda c, g: (vault(c), c.get_vault_lock(**V))[1],
    ),
    "AbortVaultLock": (
        "AccessDeniedException",
        lambda c, g: (
            c.complete_vault_lock(**V, lockId=lock(c)),
            c.abort_vault_lock(**V),
        )[1],
    ),
    "CompleteVaultLock": (
        "InvalidParameterValueException",
        lambda c, g: (lock(c), c.complete_vault_lock(**V, lockId="wrong"))[1],
    ),
    "AddTagsToVault": (
        "InvalidParameterValueException",
        lambda c, g: (vault(c), c.add_tags_to_vault(**V, Tags={"aws:k": "v"}))[1],
    ),
    "RemoveTagsFromVault": (
        "MissingParameterValueException",
        lambda c, g: (vault(c), c.remove_tags_from_vault(**V))[1],
    ),
    "ListTagsForVault": ("ResourceNotFoundException", lambda c, g: c.list_tags_for_vault(**V)),
    "GetDataRetrievalPolicy": (
        "AccessDeniedException",
        lambda c, g: c.get_data_retrieval_policy(**OTHER_ACCOUNT),
    ),
    "SetDataRetrievalPolicy": (
        "InvalidParameterValueException",
        lambda c, g: c.set_data_retrieval_policy(Policy={"Rules": [{"Strategy": "Sometimes"}]}),
    ),
    "PurchaseProvisionedCapacity": ("LimitExceededException", _third_capacity_unit),
    "ListProvisionedCapacity": (
        "AccessDeniedException",
        lambda c, g: c.list_provisioned_capacity(**OTHER_ACCOUNT),
    ),
}


def test_botocore_model_has_33_operations_and_the_tables_cover_them_all() -> None:
    assert len(MODEL_OPERATIONS) == 33
    assert set(SUCCESS) == MODEL_OPERATIONS
    assert set(ERRORS) == MODEL_OPERATIONS


def test_every_model_operation_has_a_handler() -> None:
    assert sorted(MODEL_OPERATIONS - simulated_operations()) == []


@pytest.mark.parametrize("operation", sorted(MODEL_OPERATIONS))
def test_operation_succeeds(client: Any, glacier: Glacier, operation: str) -> None:
    out = SUCCESS[operation](client, glacier)
    expected = (200, 206) if operation == "GetJobOutput" else (SUCCESS_STATUS[operation],)
    assert out["ResponseMetadata"]["HTTPStatusCode"] in expected
    last = glacier.calls[-1]
    assert (last.operation, last.error_code) == (operation, None)
    glacier.check()


@pytest.mark.parametrize("operation", sorted(MODEL_OPERATIONS))
def test_operation_fails_with_an_aws_error(client: Any, glacier: Glacier, operation: str) -> None:
    code, call = ERRORS[operation]
    with pytest.raises(ClientError) as caught:
        call(client, glacier)
    assert caught.value.response["Error"]["Code"] == code
    assert 400 <= caught.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    last = glacier.calls[-1]
    assert (last.operation, last.error_code) == (operation, code)
    glacier.check()
