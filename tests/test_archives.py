"""UploadArchive and DeleteArchive: hashes, descriptions, sizes, ownership."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from botocore.utils import calculate_tree_hash
from support import rewrite_headers

from pytest_glacier import Glacier
from pytest_glacier.core.treehash import CONCURRENT_FROM, MIB, tree_hash
from pytest_glacier.service.archives import digests

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/"


def test_upload_returns_location_id_and_tree_hash(client: Any, vault: str) -> None:
    body = b"a" * (5 * 1024 * 1024 + 5)
    out = client.upload_archive(vaultName=vault, body=body, archiveDescription="five MiB")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert out["checksum"] == "8cc54728280eb152c3f8e88ab3983ca52bb629937ba0385b746ea66058a18290"
    assert out["location"] == f"/123456789012/vaults/{vault}/archives/{out['archiveId']}"
    assert len(out["archiveId"]) == 138


def test_upload_stores_bytes_description_and_hash(
    client: Any, vault: str, glacier: Glacier
) -> None:
    body = bytes(range(256)) * 5000
    archive_id = client.upload_archive(vaultName=vault, body=body, archiveDescription="d")[
        "archiveId"
    ]
    stored = glacier.archives(vault)[archive_id]
    assert bytes(stored.data) == body
    assert stored.tree_hash == calculate_tree_hash(io.BytesIO(body))
    assert (stored.description, stored.size) == ("d", len(body))


def test_upload_from_file_object(client: Any, vault: str, glacier: Glacier, tmp_path: Any) -> None:
    path = tmp_path / "backup.tar"
    path.write_bytes(b"tarball" * 1000)
    with path.open("rb") as handle:
        archive_id = client.upload_archive(vaultName=vault, body=handle)["archiveId"]
    assert bytes(glacier.archives(vault)[archive_id].data) == b"tarball" * 1000


def test_upload_to_missing_vault(client: Any, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}none"):
        client.upload_archive(vaultName="none", body=b"x")


def test_upload_accepts_upper_case_tree_hash(client: Any, vault: str) -> None:
    body = b"hello"
    rewrite_headers(
        client, "UploadArchive", x_amz_sha256_tree_hash=hashlib.sha256(body).hexdigest().upper()
    )
    assert client.upload_archive(vaultName=vault, body=body)["checksum"] == (
        hashlib.sha256(body).hexdigest()
    )


def test_upload_tree_hash_mismatch(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    computed = hashlib.sha256(b"hello").hexdigest()
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Checksum mismatch: expected {'0' * 64}, computed {computed}",
    ):
        client.upload_archive(vaultName=vault, body=b"hello", checksum="0" * 32)
    assert dict(glacier.archives(vault)) == {}


def test_upload_missing_tree_hash(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    rewrite_headers(client, "UploadArchive", x_amz_sha256_tree_hash=None)
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: x-amz-sha256-tree-hash"
    ):
        client.upload_archive(vaultName=vault, body=b"hello")
    assert dict(glacier.archives(vault)) == {}


def test_upload_missing_content_sha256(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    rewrite_headers(client, "UploadArchive", x_amz_content_sha256=None)
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: x-amz-content-sha256"
    ):
        client.upload_archive(vaultName=vault, body=b"hello")
    assert dict(glacier.archives(vault)) == {}


def test_upload_content_sha256_mismatch(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    wrong = hashlib.sha256(b"other").hexdigest()
    rewrite_headers(client, "UploadArchive", x_amz_content_sha256=wrong)
    with raises_glacier(
        "InvalidSignatureException",
        403,
        "The value passed in as x-amz-content-sha256 does not match the computed payload hash. "
        f"Computed digest: {hashlib.sha256(b'hello').hexdigest()} expected hash: {wrong}",
    ):
        client.upload_archive(vaultName=vault, body=b"hello")
    assert dict(glacier.archives(vault)) == {}


DESCRIPTION_ERROR = (
    "Invalid archive description: it must be at most 1024 characters, each a printable ASCII "
    "character (0x20-0x7E)"
)


# a line break never leaves a real client (HTTPClientError before sending):
# tests/test_lifecycle.py::test_a_line_break_in_a_header_fails_in_the_client_in_every_door
@pytest.mark.parametrize("description", ["x" * 1025, "tab\there", "del\x7f"])
def test_upload_rejects_bad_description(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier, description: str
) -> None:
    rewrite_headers(client, "UploadArchive", x_amz_archive_description=description)
    with raises_glacier("InvalidParameterValueException", 400, DESCRIPTION_ERROR):
        client.upload_archive(vaultName=vault, body=b"hello")
    assert dict(glacier.archives(vault)) == {}


@pytest.mark.parametrize("description", ["", " ", "x" * 1024, "~!@#$%^&*()_+ {}|:<>?"])
def test_upload_accepts_printable_description(
    client: Any, vault: str, glacier: Glacier, description: str
) -> None:
    archive_id = client.upload_archive(
        vaultName=vault, body=b"hello", archiveDescription=description
    )["archiveId"]
    assert glacier.archives(vault)[archive_id].description == description


def test_upload_rejects_empty_archive(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid archive size: 0. An archive must be between 1 byte and 4294967296 bytes.",
    ):
        client.upload_archive(vaultName=vault, body=b"")
    assert dict(glacier.archives(vault)) == {}


def test_upload_content_length_must_match_body(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    rewrite_headers(client, "UploadArchive", content_length="99")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Content-Length: 99 does not match the body length 5",
    ):
        client.upload_archive(vaultName=vault, body=b"hello")
    assert dict(glacier.archives(vault)) == {}


def test_delete_archive(client: Any, vault: str, glacier: Glacier) -> None:
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    out = client.delete_archive(vaultName=vault, archiveId=archive_id)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert dict(glacier.archives(vault)) == {}


def test_delete_archive_is_idempotent(client: Any, vault: str) -> None:
    archive_id = client.upload_archive(vaultName=vault, body=b"x")["archiveId"]
    client.delete_archive(vaultName=vault, archiveId=archive_id)
    again = client.delete_archive(vaultName=vault, archiveId=archive_id)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    unknown = client.delete_archive(vaultName=vault, archiveId="never-existed")
    assert unknown["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_archive_of_another_vault(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    client.create_vault(vaultName="other")
    archive_id = client.upload_archive(vaultName="other", body=b"x")["archiveId"]
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid vault name: {ARN}vault"):
        client.delete_archive(vaultName=vault, archiveId=archive_id)
    assert list(glacier.archives("other")) == [archive_id]


def test_delete_archive_in_missing_vault(client: Any, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}gone"):
        client.delete_archive(vaultName="gone", archiveId="x")


def test_archive_ids_may_contain_url_special_characters(client: Any, vault: str) -> None:
    out = client.delete_archive(vaultName=vault, archiveId="-ab/c+d=e")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_concurrent_uploads_from_threads(client: Any, vault: str, glacier: Glacier) -> None:
    from concurrent.futures import ThreadPoolExecutor

    bodies = [bytes([i]) * (100_000 + i) for i in range(32)]
    upload: Callable[[bytes], str] = lambda body: client.upload_archive(  # noqa: E731
        vaultName=vault, body=body
    )["archiveId"]
    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(upload, bodies))
    stored = glacier.archives(vault)
    assert len(set(ids)) == 32
    assert [bytes(stored[i].data) for i in ids] == bodies


def test_upload_over_4_gib_is_refused_before_the_body_is_read(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    """botocore door: a declared Content-Length over 4 GiB is the service's ``Invalid
    Content-Length: <n>``, answered from the header (the body here is 5 bytes)."""
    size = 4 * 1024**3 + 1
    rewrite_headers(client, "UploadArchive", Content_Length=str(size))
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid Content-Length: {size}"):
        client.upload_archive(vaultName=vault, body=b"hello")
    assert glacier.archives(vault) == {}


@pytest.mark.parametrize(
    "size", [0, 1, MIB, MIB + 1, CONCURRENT_FROM - 1, CONCURRENT_FROM, CONCURRENT_FROM + MIB + 3]
)
def test_digests_are_the_linear_and_tree_hash_on_either_side_of_the_thresholds(
    size: int,
) -> None:
    body = bytes(i % 251 for i in range(size))
    assert digests(body) == (hashlib.sha256(body).hexdigest(), tree_hash(body))
    assert digests(memoryview(body)) == digests(body)


def test_big_upload_with_wrong_content_sha256_names_the_computed_digest(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    """Over ``CONCURRENT_FROM`` the linear hash is taken on a helper thread: still checked."""
    body = b"big" * (2 * CONCURRENT_FROM // 3)
    wrong = hashlib.sha256(b"other").hexdigest()
    rewrite_headers(client, "UploadArchive", x_amz_content_sha256=wrong)
    message = (
        "The value passed in as x-amz-content-sha256 does not match the computed payload hash. "
        f"Computed digest: {hashlib.sha256(body).hexdigest()} expected hash: {wrong}"
    )
    with raises_glacier("InvalidSignatureException", 403, message):
        client.upload_archive(vaultName=vault, body=body)
    assert dict(glacier.archives(vault)) == {}


def test_big_upload_tree_hash_is_botocores(client: Any, vault: str, glacier: Glacier) -> None:
    body = bytes(range(256)) * (CONCURRENT_FROM // 256 + 4099)
    out = client.upload_archive(vaultName=vault, body=body)
    assert out["checksum"] == calculate_tree_hash(io.BytesIO(body))
    assert glacier.archives(vault)[out["archiveId"]].data is body
