"""Archive stores: memory (the default, no copy of uploaded bytes) and disk (storage="disk")."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from support import rewrite_headers

from pytest_glacier import ConfigError, Glacier, mock_glacier
from pytest_glacier.core.treehash import CONCURRENT_FROM, MIB, tree_hash
from pytest_glacier.storage import Chunk, DiskStore, MemoryStore, open_store

BODY = bytes(range(256)) * 4096 * 3 + b"tail"  # 3 MiB and a bit: several tree-hash leaves
STREAMED = b"streamed archive " * 200_000


def _disk_directory(glacier: Glacier) -> str | None:
    store = glacier.backend.store
    assert isinstance(store, DiskStore)
    return store.directory


def test_memory_store_keeps_the_uploaded_bytes_object(
    client: Any, vault: str, glacier: Glacier
) -> None:
    body = b"x" * 4096
    out = client.upload_archive(vaultName=vault, body=body)
    data = glacier.archives(vault)[out["archiveId"]].data
    assert data is body  # botocore hands the bytes over as they are; nothing is copied


def test_memory_store_copies_mutable_pieces() -> None:
    buffer = bytearray(b"abc")
    stored = MemoryStore().put([memoryview(buffer)])
    buffer[0] = ord("z")
    assert stored == b"abc"
    pieces: list[Chunk] = [b"ab", bytearray(b"cd")]
    assert MemoryStore().put(iter(pieces)) == b"abcd"


def test_disk_store_writes_pieces_in_order_and_maps_them(tmp_path: Path) -> None:
    store = DiskStore(str(tmp_path))
    stored = store.put([b"ab", memoryview(b"cd"), bytearray(b"ef")])
    assert stored == b"abcdef"
    assert isinstance(stored, memoryview) and stored.readonly
    assert bytes(memoryview(stored)[2:4]) == b"cd"
    directory = store.directory
    assert directory is not None and len(os.listdir(directory)) == 1
    store.close()
    assert not os.path.exists(directory)
    assert bytes(stored) == b"abcdef"  # still mapped after the file is gone (POSIX)


def test_open_store_names_the_kinds() -> None:
    assert isinstance(open_store("memory"), MemoryStore)
    with pytest.raises(ValueError, match="'memory', 'disk'"):
        open_store("tape")


def test_config_rejects_unknown_storage() -> None:
    with pytest.raises(ConfigError, match="storage must be 'memory' or 'disk', got 'tape'"):
        mock_glacier(storage="tape")


@pytest.mark.glacier(storage="disk")
def test_disk_storage_round_trip(client: Any, vault: str, glacier: Glacier) -> None:
    out = client.upload_archive(vaultName=vault, body=BODY)
    assert out["checksum"] == tree_hash(BODY)
    archive = glacier.archives(vault)[out["archiveId"]]
    assert isinstance(archive.data, memoryview)
    assert archive.data == BODY and archive.size == len(BODY)
    directory = _disk_directory(glacier)
    assert directory is not None and len(os.listdir(directory)) == 1


def test_disk_directory_is_removed_at_stop() -> None:
    with mock_glacier(storage="disk") as glacier:
        client = glacier.client()
        client.create_vault(vaultName="v")
        archive_id = client.upload_archive(vaultName="v", body=b"kept")["archiveId"]
        directory = _disk_directory(glacier)
        assert directory is not None and os.path.isdir(directory)
    assert not os.path.exists(directory)
    assert glacier.archives("v")[archive_id].data == b"kept"


@pytest.mark.glacier(storage="disk")
def test_disk_storage_streams_a_file_body(
    client: Any, vault: str, glacier: Glacier, tmp_path: Path
) -> None:
    path = tmp_path / "archive.bin"
    path.write_bytes(BODY)
    with path.open("rb") as file:
        out = client.upload_archive(vaultName=vault, body=file, archiveDescription="from a file")
    archive = glacier.archives(vault)[out["archiveId"]]
    assert (archive.data == BODY, archive.tree_hash, archive.description) == (
        True,
        tree_hash(BODY),
        "from a file",
    )


@pytest.mark.glacier(storage="disk")
def test_disk_storage_stream_with_wrong_payload_hash_stores_nothing(
    client: Any, vault: str, glacier: Glacier, tmp_path: Path, raises_glacier: Any
) -> None:
    def corrupt(request: Any, **_: Any) -> None:
        request.headers["x-amz-content-sha256"] = "0" * 64

    client.meta.events.register("before-sign.glacier.UploadArchive", corrupt)
    path = tmp_path / "archive.bin"
    path.write_bytes(b"payload")
    with raises_glacier("InvalidSignatureException", 403), path.open("rb") as file:
        client.upload_archive(vaultName=vault, body=file)
    assert dict(glacier.archives(vault)) == {}


@pytest.mark.glacier(storage="disk")
def test_disk_storage_stream_with_bad_description_is_refused(
    client: Any, vault: str, glacier: Glacier, tmp_path: Path, raises_glacier: Any
) -> None:
    path = tmp_path / "archive.bin"
    path.write_bytes(b"payload")
    with raises_glacier("InvalidParameterValueException", 400), path.open("rb") as file:
        client.upload_archive(vaultName=vault, body=file, archiveDescription="tab\there")
    assert dict(glacier.archives(vault)) == {}


@pytest.mark.parametrize("storage", ["memory", "disk"])
def test_job_output_is_the_same_from_either_store(storage: str) -> None:
    with mock_glacier(storage=storage) as glacier:
        client = glacier.client()
        client.create_vault(vaultName="v")
        archive_id = client.upload_archive(vaultName="v", body=BODY)["archiveId"]
        jobs = [
            client.initiate_job(
                vaultName="v",
                jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id, **extra},
            )["jobId"]
            for extra in ({}, {"RetrievalByteRange": f"{MIB}-{2 * MIB - 1}"})
        ]
        glacier.complete_jobs()
        whole = client.get_job_output(vaultName="v", jobId=jobs[0])
        ranged = client.get_job_output(vaultName="v", jobId=jobs[1])
        assert whole["body"].read() == BODY
        assert whole["checksum"] == tree_hash(BODY)
        assert ranged["body"].read() == BODY[MIB : 2 * MIB]
        assert ranged["checksum"] == tree_hash(BODY[MIB : 2 * MIB])


def test_whole_output_of_a_memory_archive_is_not_copied(
    client: Any, vault: str, glacier: Glacier
) -> None:
    archive_id = client.upload_archive(vaultName=vault, body=BODY)["archiveId"]
    job = client.initiate_job(
        vaultName=vault, jobParameters={"Type": "archive-retrieval", "ArchiveId": archive_id}
    )["jobId"]
    glacier.complete_jobs()
    assert client.get_job_output(vaultName=vault, jobId=job)["body"].read() is BODY
    pieces = client.get_job_output(vaultName=vault, jobId=job)["body"]
    assert pieces.read(10) + pieces.read(MIB) + pieces.read() == BODY


def stored_files(glacier: Glacier) -> list[str]:
    directory = _disk_directory(glacier)
    return sorted(os.listdir(directory)) if directory else []


@pytest.mark.glacier(storage="disk")
@pytest.mark.parametrize(
    ("header", "value", "code", "status"),
    [
        ("x-amz-archive-description", "tab\there", "InvalidParameterValueException", 400),
        ("x-amz-sha256-tree-hash", "0" * 64, "InvalidParameterValueException", 400),
        (
            "x-amz-content-sha256",
            hashlib.sha256(b"other").hexdigest(),
            "InvalidSignatureException",
            403,
        ),
    ],
)
def test_a_refused_streamed_upload_leaves_no_bytes_in_the_disk_store(
    client: Any,
    glacier: Glacier,
    raises_glacier: Any,
    tmp_path: Path,
    header: str,
    value: str,
    code: str,
    status: int,
) -> None:
    """A streamed body goes to the disk store while it is hashed; when the request is then
    refused, the bytes it wrote must go too, as a refused request changes no state."""
    client.create_vault(vaultName="v")
    source = tmp_path / "archive.bin"
    source.write_bytes(STREAMED)
    rewrite_headers(client, "UploadArchive", **{header.replace("-", "_"): value})
    with raises_glacier(code, status), source.open("rb") as handle:
        client.upload_archive(vaultName="v", body=handle)
    assert dict(glacier.archives("v")) == {}
    assert stored_files(glacier) == []


@pytest.mark.parametrize("storage", ["memory", "disk"])
def test_a_streamed_body_is_hashed_as_it_is_stored_in_either_store(
    storage: str, tmp_path: Path
) -> None:
    """A file body (as the local server's) is hashed piece by piece while it is stored, the
    linear hash on a helper thread once it is big: the memory store joins the pieces once."""
    body = bytes(range(256)) * (CONCURRENT_FROM // 256) + STREAMED
    path = tmp_path / "archive.bin"
    path.write_bytes(body)
    with mock_glacier(storage=storage) as glacier:
        client = glacier.client()
        client.create_vault(vaultName="v")
        with path.open("rb") as file:
            out = client.upload_archive(vaultName="v", body=file)
        archive = glacier.archives("v")[out["archiveId"]]
        assert (archive.data == body, archive.tree_hash) == (True, tree_hash(body))
        assert out["checksum"] == tree_hash(body)


def test_memory_storage_stream_with_wrong_payload_hash_stores_nothing(
    client: Any, vault: str, glacier: Glacier, tmp_path: Path, raises_glacier: Any
) -> None:
    rewrite_headers(client, "UploadArchive", x_amz_content_sha256="0" * 64)
    path = tmp_path / "archive.bin"
    path.write_bytes(STREAMED)
    with raises_glacier("InvalidSignatureException", 403), path.open("rb") as file:
        client.upload_archive(vaultName=vault, body=file)
    assert dict(glacier.archives(vault)) == {}
