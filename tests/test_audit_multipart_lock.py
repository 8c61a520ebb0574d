"""Audit of issue 5: multipart, listing and vault lock rules that had no test yet.

Every refusal goes through a real botocore client and must leave the upload, its parts or the
lock exactly as they were.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from support import initiate, put_part, rewrite_headers, tree

from pytest_glacier import Glacier

MIB = 1 << 20
ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"


def parts_of(client: Any, upload_id: str) -> list[tuple[str, str]]:
    out = client.list_parts(vaultName="vault", uploadId=upload_id)
    return [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in out["Parts"]]


@pytest.fixture
def upload(client: Any, vault: str) -> str:
    """An open 1 MiB-part upload already holding its first part."""
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"a" * MIB)
    return upload_id


FIRST_PART = [("0-1048575", tree(b"a" * MIB))]


def test_part_with_a_wrong_content_sha256_is_refused_and_earlier_parts_survive(
    client: Any, upload: str, raises_glacier: Any
) -> None:
    body = b"b" * 10
    wrong = hashlib.sha256(b"other").hexdigest()
    rewrite_headers(client, "UploadMultipartPart", x_amz_content_sha256=wrong)
    with raises_glacier(
        "InvalidSignatureException",
        403,
        "The value passed in as x-amz-content-sha256 does not match the computed payload hash. "
        f"Computed digest: {hashlib.sha256(body).hexdigest()} expected hash: {wrong}",
    ):
        put_part(client, upload, MIB, body)
    assert parts_of(client, upload) == FIRST_PART


@pytest.mark.parametrize("header", ["x-amz-sha256-tree-hash", "x-amz-content-sha256"])
def test_part_without_a_payload_hash_is_refused(
    client: Any, upload: str, raises_glacier: Any, header: str
) -> None:
    rewrite_headers(client, "UploadMultipartPart", **{header.replace("-", "_"): None})
    with raises_glacier(
        "MissingParameterValueException", 400, f"Required parameter missing: {header}"
    ):
        put_part(client, upload, MIB, b"b" * 10)
    assert parts_of(client, upload) == FIRST_PART


def test_part_whose_content_length_differs_from_the_body_is_refused(
    client: Any, upload: str, raises_glacier: Any
) -> None:
    rewrite_headers(client, "UploadMultipartPart", content_length="11")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Content-Length: 11 does not match the body length 10",
    ):
        put_part(client, upload, MIB, b"b" * 10)
    assert parts_of(client, upload) == FIRST_PART


def test_a_refused_part_replacing_an_existing_one_keeps_the_old_part(
    client: Any, upload: str, raises_glacier: Any
) -> None:
    with raises_glacier("InvalidParameterValueException", 400):
        client.upload_multipart_part(
            vaultName="vault",
            uploadId=upload,
            range=f"bytes 0-{MIB - 1}/*",
            body=b"c" * MIB,
            checksum="0" * 64,
        )
    assert parts_of(client, upload) == FIRST_PART


def test_initiate_with_a_bad_description_creates_no_upload(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    def describe(request: Any, **_: Any) -> None:
        request.headers["x-amz-archive-description"] = "tab\there"

    client.meta.events.register("before-sign.glacier.InitiateMultipartUpload", describe)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid archive description: it must be at most 1024 characters, each a printable "
        "ASCII character (0x20-0x7E)",
    ):
        initiate(client)
    assert glacier.vaults()["vault"].uploads == {}
    assert client.list_multipart_uploads(vaultName="vault")["UploadsList"] == []


@pytest.mark.parametrize("limit", ["0", "-1", "x", ""])
def test_list_multipart_uploads_rejects_a_bad_limit(
    client: Any, vault: str, raises_glacier: Any, limit: str
) -> None:
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Invalid limit: '{limit}'. The limit must be a positive integer.",
    ):
        client.list_multipart_uploads(vaultName="vault", limit=limit)


def test_list_multipart_uploads_caps_pages_at_50(client: Any, vault: str) -> None:
    ids = [initiate(client) for _ in range(51)]
    first = client.list_multipart_uploads(vaultName="vault", limit="1000")
    assert [u["MultipartUploadId"] for u in first["UploadsList"]] == ids[:50]
    rest = client.list_multipart_uploads(vaultName="vault", marker=first["Marker"])
    assert [u["MultipartUploadId"] for u in rest["UploadsList"]] == ids[50:]
    assert "Marker" not in rest


def test_list_parts_caps_pages_at_50(client: Any, vault: str) -> None:
    upload_id = initiate(client)
    for index in range(51):  # short parts are accepted until completion
        put_part(client, upload_id, index * MIB, b"p")
    first = client.list_parts(vaultName="vault", uploadId=upload_id, limit="51")
    assert len(first["Parts"]) == 50
    rest = client.list_parts(vaultName="vault", uploadId=upload_id, marker=first["Marker"])
    assert [p["RangeInBytes"] for p in rest["Parts"]] == [f"{50 * MIB}-{50 * MIB}"]


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
