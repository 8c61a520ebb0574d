"""Multipart uploads through a real botocore/boto3 client: every rule, every refusal."""

from __future__ import annotations

import hashlib
import io
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.utils import calculate_tree_hash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import initiate, put_part, rewrite_headers

from pytest_glacier import Glacier

MIB = 1 << 20
ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
PART_SIZE_RULE = (
    "Part size must not be null, must be a power of two and be between 1048576 and "
    "4294967296 bytes."
)


def tree(data: bytes) -> str:
    return str(calculate_tree_hash(io.BytesIO(data)))


def upload_all(client: Any, upload_id: str, data: bytes, part_size: int = MIB) -> None:
    for start in range(0, len(data), part_size):
        put_part(client, upload_id, start, data[start : start + part_size])


def complete(client: Any, upload_id: str, data: bytes) -> Any:
    return client.complete_multipart_upload(
        vaultName="vault", uploadId=upload_id, archiveSize=str(len(data)), checksum=tree(data)
    )


def parts_of(client: Any, upload_id: str) -> list[tuple[str, str]]:
    out = client.list_parts(vaultName="vault", uploadId=upload_id)
    return [(p["RangeInBytes"], p["SHA256TreeHash"]) for p in out["Parts"]]


# -- the headline scenario -------------------------------------------------------------------


def test_40_mib_from_eight_threads_out_of_order_round_trips_through_a_job(
    client: Any, vault: str, glacier: Glacier
) -> None:
    part_size = 4 * MIB
    data = random.Random(7).randbytes(40 * MIB)
    upload_id = initiate(client, part_size, archiveDescription="forty")
    starts = list(range(0, len(data), part_size))
    random.Random(3).shuffle(starts)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda s: put_part(client, upload_id, s, data[s : s + part_size]), starts)
        )
    assert [a["checksum"] for a in answers] == [tree(data[s : s + part_size]) for s in starts]
    expected = tree(data)
    out = complete(client, upload_id, data)
    assert out["checksum"] == expected
    archive = glacier.archives("vault")[out["archiveId"]]
    assert (archive.size, archive.tree_hash, archive.description) == (len(data), expected, "forty")

    job = client.initiate_job(
        vaultName="vault",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": out["archiveId"]},
    )
    glacier.complete_jobs()
    output = client.get_job_output(vaultName="vault", jobId=job["jobId"])
    assert output["body"].read() == data
    assert output["checksum"] == expected


# -- InitiateMultipartUpload ----------------------------------------------------------------


def test_initiate_returns_location_and_92_character_id(client: Any, vault: str) -> None:
    out = client.initiate_multipart_upload(vaultName="vault", partSize=str(MIB))
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(out["uploadId"]) == 92
    assert out["location"] == f"/123456789012/vaults/vault/multipart-uploads/{out['uploadId']}"


@pytest.mark.parametrize("size", [MIB, 2 * MIB, 64 * MIB, 4096 * MIB])
def test_initiate_accepts_power_of_two_part_sizes(client: Any, vault: str, size: int) -> None:
    upload_id = initiate(client, size)
    assert client.list_parts(vaultName="vault", uploadId=upload_id)["PartSizeInBytes"] == size


@pytest.mark.parametrize(
    "size", ["0", "1048575", "3145728", "10485760", "8589934592", "-1048576", "1e6", "abc"]
)
def test_initiate_rejects_bad_part_sizes(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier, size: str
) -> None:
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Invalid part size: {size}. {PART_SIZE_RULE}"
    ):
        client.initiate_multipart_upload(vaultName="vault", partSize=size)
    assert glacier.vaults()["vault"].uploads == {}


def test_initiate_without_part_size_reports_null(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Invalid part size: null. {PART_SIZE_RULE}"
    ):
        client.initiate_multipart_upload(vaultName="vault")


def test_initiate_strips_leading_spaces_of_the_description(client: Any, vault: str) -> None:
    upload_id = initiate(client, archiveDescription="   my backup ")
    out = client.list_parts(vaultName="vault", uploadId=upload_id)
    assert out["ArchiveDescription"] == "my backup "


def test_initiate_rejects_a_bad_description(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier("InvalidParameterValueException", 400):
        initiate(client, archiveDescription="x" * 1025)


def test_initiate_on_missing_vault(client: Any, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}"):
        client.initiate_multipart_upload(vaultName="vault", partSize=str(MIB))


# -- UploadMultipartPart --------------------------------------------------------------------


def test_part_returns_its_tree_hash(client: Any, vault: str) -> None:
    upload_id = initiate(client)
    body = b"p" * MIB
    out = put_part(client, upload_id, 0, body)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert out["checksum"] == tree(body)


def test_part_accepts_a_numeric_total_in_content_range(client: Any, vault: str) -> None:
    upload_id = initiate(client)
    client.upload_multipart_part(
        vaultName="vault", uploadId=upload_id, range="bytes 0-1048575/5242897", body=b"n" * MIB
    )
    assert parts_of(client, upload_id) == [("0-1048575", tree(b"n" * MIB))]


@pytest.mark.parametrize(
    ("content_range", "body_size"),
    [
        ("bytes 5-4/*", 0),
        ("bytes=0-4/*", 5),
        ("0-4/*", 5),
        ("bytes 0-4", 5),
        ("bytes a-4/*", 5),
        ("bytes 1048576-2097151/*", MIB),  # starts inside the first 2 MiB part
        ("bytes 0-2097152/*", 2 * MIB + 1),  # longer than the part size
        ("bytes 2097152-6291455/*", 4 * MIB),  # the spec's misaligned example
    ],
)
def test_part_rejects_malformed_or_misaligned_ranges(
    client: Any, vault: str, raises_glacier: Any, content_range: str, body_size: int
) -> None:
    upload_id = initiate(client, 2 * MIB)
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Invalid Content-Range: {content_range}"
    ):
        client.upload_multipart_part(
            vaultName="vault", uploadId=upload_id, range=content_range, body=b"x" * body_size
        )
    assert parts_of(client, upload_id) == []


def test_part_rejects_a_range_incompatible_with_the_body(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client, 4 * MIB)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Content-Range: bytes 0-4194303/* is incompatible with Content-Length: 3146447",
    ):
        client.upload_multipart_part(
            vaultName="vault", uploadId=upload_id, range="bytes 0-4194303/*", body=b"x" * 3146447
        )


def test_part_without_content_range(client: Any, vault: str, raises_glacier: Any) -> None:
    upload_id = initiate(client)
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: Content-Range"
    ):
        client.upload_multipart_part(vaultName="vault", uploadId=upload_id, body=b"x")


def test_part_10000_is_accepted_and_part_10001_refused(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 9999 * MIB, b"last!")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "This is part number 10001 for the current multipart upload. "
        "It exceeds the limit of 10000 parts.",
    ):
        put_part(client, upload_id, 10000 * MIB, b"over!")
    assert parts_of(client, upload_id) == [("10484711424-10484711428", tree(b"last!"))]


def test_part_with_a_wrong_tree_hash_is_refused_and_earlier_parts_survive(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"a" * MIB)
    wrong = "0" * 64
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Checksum mismatch: expected {wrong}, computed {tree(b'b' * MIB)}",
    ):
        client.upload_multipart_part(
            vaultName="vault",
            uploadId=upload_id,
            range=f"bytes {MIB}-{2 * MIB - 1}/*",
            body=b"b" * MIB,
            checksum=wrong,
        )
    assert parts_of(client, upload_id) == [("0-1048575", tree(b"a" * MIB))]


def test_part_to_unknown_upload(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, "The upload ID was not found: nope"):
        put_part(client, "nope", 0, b"x")


def test_reuploading_a_part_replaces_it(client: Any, vault: str, glacier: Glacier) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"first" * 10)
    put_part(client, upload_id, 0, b"second")
    assert parts_of(client, upload_id) == [("0-5", tree(b"second"))]
    out = complete(client, upload_id, b"second")
    assert glacier.archives("vault")[out["archiveId"]].data == b"second"


def test_a_single_part_archive_keeps_the_part_bytes_without_copying(
    client: Any, vault: str, glacier: Glacier
) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"only part")
    stored = glacier.vaults()["vault"].uploads[upload_id].parts[0].data
    out = complete(client, upload_id, b"only part")
    assert glacier.archives("vault")[out["archiveId"]].data is stored


# -- CompleteMultipartUpload ----------------------------------------------------------------


def test_complete_returns_location_archive_id_and_checksum(
    client: Any, vault: str, glacier: Glacier
) -> None:
    data = b"z" * (2 * MIB + 17)
    upload_id = initiate(client, archiveDescription="desc")
    upload_all(client, upload_id, data)
    out = complete(client, upload_id, data)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(out["archiveId"]) == 138
    assert out["location"] == f"/123456789012/vaults/vault/archives/{out['archiveId']}"
    assert out["checksum"] == tree(data)
    archive = glacier.archives("vault")[out["archiveId"]]
    assert (archive.data, archive.description) == (data, "desc")


def test_complete_with_parts_of_several_sizes_matches_the_whole_tree_hash(
    client: Any, vault: str
) -> None:
    data = random.Random(1).randbytes(11 * MIB + 3)
    upload_id = initiate(client, 8 * MIB)
    upload_all(client, upload_id, data, 8 * MIB)
    assert complete(client, upload_id, data)["checksum"] == tree(data)


def test_repeating_a_successful_complete_returns_the_same_archive(
    client: Any, vault: str, glacier: Glacier
) -> None:
    upload_id = initiate(client)
    upload_all(client, upload_id, b"data")
    first = complete(client, upload_id, b"data")["archiveId"]
    assert complete(client, upload_id, b"data")["archiveId"] == first
    assert list(glacier.archives("vault")) == [first]


def test_complete_without_checksum(client: Any, vault: str, raises_glacier: Any) -> None:
    upload_id = initiate(client)
    upload_all(client, upload_id, b"data")
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: x-amz-sha256-tree-hash"
    ):
        client.complete_multipart_upload(vaultName="vault", uploadId=upload_id, archiveSize="4")


def test_complete_without_archive_size(client: Any, vault: str, raises_glacier: Any) -> None:
    upload_id = initiate(client)
    upload_all(client, upload_id, b"data")
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: x-amz-archive-size"
    ):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, checksum=tree(b"data")
        )


def test_refused_completions_leave_the_upload_intact(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier
) -> None:
    data = b"q" * (MIB + 9)
    upload_id = initiate(client)
    upload_all(client, upload_id, data)
    wrong = "ab" * 32
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Invalid x-amz-sha256-tree-hash: {wrong}"
    ):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, archiveSize=str(len(data)), checksum=wrong
        )
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Invalid archive size: 5. The uploaded parts total {len(data)} bytes.",
    ):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, archiveSize="5", checksum=tree(data)
        )
    with raises_glacier("InvalidParameterValueException", 400, "Invalid archive size: 1e3"):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, archiveSize="1e3", checksum=tree(data)
        )
    assert dict(glacier.archives("vault")) == {}
    assert len(parts_of(client, upload_id)) == 2
    assert complete(client, upload_id, data)["checksum"] == tree(data)


def test_complete_with_a_gap_is_refused(client: Any, vault: str, raises_glacier: Any) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"a" * MIB)
    put_part(client, upload_id, 2 * MIB, b"c")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid multipart upload: no part was uploaded for the range 1048576-2097151.",
    ):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, archiveSize=str(2 * MIB + 1), checksum="00"
        )


def test_a_short_part_is_accepted_but_completion_refused_unless_it_is_last(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"short")
    put_part(client, upload_id, MIB, b"b")
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid multipart upload: part 0-4 is shorter than the part size 1048576 but is not "
        "the last part.",
    ):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, archiveSize="6", checksum="00"
        )


def test_complete_with_no_parts(client: Any, vault: str, raises_glacier: Any) -> None:
    upload_id = initiate(client)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid multipart upload: no parts have been uploaded.",
    ):
        client.complete_multipart_upload(
            vaultName="vault", uploadId=upload_id, archiveSize="0", checksum=tree(b"")
        )


def test_a_completed_upload_is_gone_from_lists_and_refuses_parts(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client)
    upload_all(client, upload_id, b"done")
    complete(client, upload_id, b"done")
    assert client.list_multipart_uploads(vaultName="vault")["UploadsList"] == []
    message = f"The upload ID was not found: {upload_id}"
    with raises_glacier("ResourceNotFoundException", 404, message):
        client.list_parts(vaultName="vault", uploadId=upload_id)
    with raises_glacier("ResourceNotFoundException", 404, message):
        put_part(client, upload_id, 0, b"more")
    with raises_glacier("ResourceNotFoundException", 404, message):
        client.abort_multipart_upload(vaultName="vault", uploadId=upload_id)


# -- AbortMultipartUpload -------------------------------------------------------------------


def test_abort_frees_the_upload_and_is_idempotent(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"x")
    out = client.abort_multipart_upload(vaultName="vault", uploadId=upload_id)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    client.abort_multipart_upload(vaultName="vault", uploadId=upload_id)
    assert client.list_multipart_uploads(vaultName="vault")["UploadsList"] == []
    with raises_glacier(
        "ResourceNotFoundException", 404, f"The upload ID was not found: {upload_id}"
    ):
        complete(client, upload_id, b"x")


def test_abort_unknown_upload(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, "The upload ID was not found: nope"):
        client.abort_multipart_upload(vaultName="vault", uploadId="nope")


# -- idle expiry ----------------------------------------------------------------------------


def test_uploads_idle_for_24_hours_expire(
    client: Any, vault: str, glacier: Glacier, raises_glacier: Any
) -> None:
    kept, dropped = initiate(client), initiate(client)
    glacier.advance(hours=23)
    put_part(client, kept, 0, b"activity")
    glacier.advance(hours=1)
    listed = client.list_multipart_uploads(vaultName="vault")["UploadsList"]
    assert [u["MultipartUploadId"] for u in listed] == [kept]
    with raises_glacier(
        "ResourceNotFoundException", 404, f"The upload ID was not found: {dropped}"
    ):
        put_part(client, dropped, 0, b"late")
    glacier.advance(hours=24)
    with raises_glacier("ResourceNotFoundException", 404, f"The upload ID was not found: {kept}"):
        client.list_parts(vaultName="vault", uploadId=kept)


# -- ListParts / ListMultipartUploads -------------------------------------------------------


def test_list_parts_fields_and_paging(client: Any, vault: str) -> None:
    data = b"r" * (5 * MIB + 1)
    upload_id = initiate(client)
    for start in reversed(range(0, len(data), MIB)):
        put_part(client, upload_id, start, data[start : start + MIB])
    first = client.list_parts(vaultName="vault", uploadId=upload_id, limit="4")
    assert first["MultipartUploadId"] == upload_id
    assert first["VaultARN"] == ARN
    assert first["CreationDate"] == "2024-01-01T00:00:00.000Z"
    assert "ArchiveDescription" not in first
    assert [p["RangeInBytes"] for p in first["Parts"]] == [
        f"{i * MIB}-{(i + 1) * MIB - 1}" for i in range(4)
    ]
    rest = client.list_parts(vaultName="vault", uploadId=upload_id, marker=first["Marker"])
    assert [p["RangeInBytes"] for p in rest["Parts"]] == ["4194304-5242879", "5242880-5242880"]
    assert "Marker" not in rest


def test_list_parts_paginator(client: Any, vault: str) -> None:
    upload_id = initiate(client)
    upload_all(client, upload_id, b"s" * (7 * MIB))
    pages = client.get_paginator("list_parts").paginate(
        vaultName="vault", uploadId=upload_id, PaginationConfig={"PageSize": 3}
    )
    assert [len(page["Parts"]) for page in pages] == [3, 3, 1]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"limit": "0"}, "Invalid limit: '0'. The limit must be a positive integer."),
        ({"limit": "x"}, "Invalid limit: 'x'. The limit must be a positive integer."),
        ({"marker": "not-a-marker"}, "Invalid marker: not-a-marker"),
    ],
)
def test_list_parts_rejects_bad_limit_and_marker(
    client: Any, vault: str, raises_glacier: Any, query: dict[str, str], message: str
) -> None:
    upload_id = initiate(client)
    with raises_glacier("InvalidParameterValueException", 400, message):
        client.list_parts(vaultName="vault", uploadId=upload_id, **query)


def test_list_multipart_uploads_fields_paging_and_paginator(client: Any, vault: str) -> None:
    ids = [initiate(client, MIB << i, archiveDescription=f"d{i}") for i in range(5)]
    first = client.list_multipart_uploads(vaultName="vault", limit="2")
    assert first["UploadsList"][0] == {
        "MultipartUploadId": ids[0],
        "VaultARN": ARN,
        "CreationDate": "2024-01-01T00:00:00.000Z",
        "PartSizeInBytes": MIB,
        "ArchiveDescription": "d0",
    }
    second = client.list_multipart_uploads(vaultName="vault", limit="2", marker=first["Marker"])
    assert [u["MultipartUploadId"] for u in second["UploadsList"]] == ids[2:4]
    pages = client.get_paginator("list_multipart_uploads").paginate(
        vaultName="vault", PaginationConfig={"PageSize": 2}
    )
    assert [u["MultipartUploadId"] for p in pages for u in p["UploadsList"]] == ids


def test_list_multipart_uploads_rejects_unknown_marker(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: nope"):
        client.list_multipart_uploads(vaultName="vault", marker="nope")


def test_boto3_multipart_upload_resource(glacier: Glacier) -> None:
    resource = boto3.resource("glacier", region_name="us-east-1")
    vault = resource.Vault("-", "res")
    vault.create()
    upload = vault.initiate_multipart_upload(partSize=str(MIB), archiveDescription="via boto3")
    data = b"m" * (MIB + 100)
    upload.upload_part(range=f"bytes 0-{MIB - 1}/*", body=data[:MIB])
    upload.upload_part(range=f"bytes {MIB}-{len(data) - 1}/*", body=data[MIB:])
    assert [u.id for u in vault.multipart_uploads.all()] == [upload.id]
    assert len(upload.parts()["Parts"]) == 2
    out = upload.complete(archiveSize=str(len(data)), checksum=tree(data))
    assert glacier.archives("res")[out["archiveId"]].data == data
    assert list(vault.multipart_uploads.all()) == []


# -- fuzzing --------------------------------------------------------------------------------


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    content_range=st.one_of(
        st.text(alphabet="bytes 0123456789-/*=", max_size=30),
        st.builds("bytes {}-{}/*".format, st.integers(0, 3 * MIB), st.integers(0, 3 * MIB)),
    ),
    size=st.integers(0, 40),
)
def test_any_content_range_gets_204_or_an_aws_400_and_refusals_change_nothing(
    glacier: Glacier, content_range: str, size: int
) -> None:
    client = glacier.client()
    client.create_vault(vaultName="vault")
    upload_id = initiate(client)
    put_part(client, upload_id, 0, b"keep")
    try:
        client.upload_multipart_part(
            vaultName="vault", uploadId=upload_id, range=content_range, body=b"f" * size
        )
    except ClientError as exc:
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert exc.response["Error"]["Code"] in (
            "InvalidParameterValueException",
            "MissingParameterValueException",
        )
        assert parts_of(client, upload_id) == [("0-3", tree(b"keep"))]
    glacier.check()


# -- refusals keep the upload, its parts and the listing as they were -----------------------


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


def test_a_list_parts_marker_the_double_never_issued_is_refused(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    """§14.4: markers are opaque tokens the double issues; ListParts issues the byte offset of
    a part, so "7" (no part starts there) is unknown and refused (docs/multipart.md)."""
    upload_id = initiate(client)
    for index in range(3):  # short parts are accepted until completion
        put_part(client, upload_id, index * MIB, b"p")
    listing = client.list_parts(vaultName="vault", uploadId=upload_id, limit="1")
    assert listing["Marker"] == str(MIB)
    with raises_glacier("InvalidParameterValueException", 400, "Invalid marker: 7"):
        client.list_parts(vaultName="vault", uploadId=upload_id, marker="7")


def test_range_longer_than_the_body_is_incompatible_before_the_part_size(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    """Users' report: a 1 MiB part sent as ``bytes 0-1048576/*`` (one byte too long for the
    part size too) gets the service's Content-Length message, not ``Invalid Content-Range``."""
    upload_id = initiate(client)
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Content-Range: bytes 0-1048576/* is incompatible with Content-Length: 1048576",
    ):
        client.upload_multipart_part(
            vaultName="vault", uploadId=upload_id, range="bytes 0-1048576/*", body=b"p" * MIB
        )
