"""CompleteMultipartUpload hands the store the parts' own buffers, unjoined, in range order.

So the memory store copies the bytes at most once (one join) and the disk store writes the
parts one after another; the archive's tree hash comes from the part hashes alone.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable
from typing import Any

import pytest
from botocore.utils import calculate_tree_hash

from pytest_glacier import Glacier
from pytest_glacier.core import treehash
from pytest_glacier.service import archives
from pytest_glacier.storage import ArchiveBytes, ArchiveStore, Chunk, DiskStore, MemoryStore

MIB = 1 << 20
DATA = random.Random(7).randbytes(5 * MIB + 123)
STORES = [
    pytest.param(MemoryStore, id="memory"),
    pytest.param(DiskStore, id="disk", marks=pytest.mark.glacier(storage="disk")),
]


class RecordingStore:
    """Passes ``put`` on to the double's store, keeping the pieces it was handed."""

    def __init__(self, inner: ArchiveStore) -> None:
        self.inner = inner
        self.puts: list[list[Chunk]] = []

    def put(self, pieces: Iterable[Chunk]) -> ArchiveBytes:
        seen = list(pieces)
        self.puts.append(seen)
        return self.inner.put(seen)

    def close(self) -> None:
        self.inner.close()


def upload_parts_out_of_order(client: Any) -> str:
    upload_id = str(
        client.initiate_multipart_upload(vaultName="vault", partSize=str(MIB))["uploadId"]
    )
    starts = list(range(0, len(DATA), MIB))
    random.Random(3).shuffle(starts)
    for start in starts:
        body = DATA[start : start + MIB]
        client.upload_multipart_part(
            vaultName="vault",
            uploadId=upload_id,
            range=f"bytes {start}-{start + len(body) - 1}/*",
            body=body,
        )
    return upload_id


def complete(client: Any, upload_id: str) -> Any:
    checksum = calculate_tree_hash(io.BytesIO(DATA))
    return client.complete_multipart_upload(
        vaultName="vault", uploadId=upload_id, archiveSize=str(len(DATA)), checksum=checksum
    )


@pytest.mark.parametrize("kind", STORES)
def test_completion_stores_the_part_buffers_themselves_in_range_order(
    client: Any, vault: str, glacier: Glacier, monkeypatch: pytest.MonkeyPatch, kind: type
) -> None:
    assert isinstance(glacier.backend.store, kind)
    recorder = RecordingStore(glacier.backend.store)
    monkeypatch.setattr(glacier.backend, "store", recorder)
    upload_id = upload_parts_out_of_order(client)
    parts = glacier.vaults()["vault"].uploads[upload_id].parts
    held = [parts[index].data for index in sorted(parts)]
    assert [bytes(piece) for piece in held] == [
        DATA[start : start + MIB] for start in range(0, len(DATA), MIB)
    ]
    out = complete(client, upload_id)
    assert len(recorder.puts) == 1
    assert [id(piece) for piece in recorder.puts[0]] == [id(piece) for piece in held]
    assert glacier.archives("vault")[out["archiveId"]].data == DATA


@pytest.mark.parametrize("kind", STORES)
def test_completion_hashes_no_archive_bytes(
    client: Any, vault: str, glacier: Glacier, monkeypatch: pytest.MonkeyPatch, kind: type
) -> None:
    upload_id = upload_parts_out_of_order(client)

    def refuse(*args: object) -> None:
        raise AssertionError("completion hashed the archive's bytes")

    monkeypatch.setattr(archives, "digests", refuse)
    monkeypatch.setattr(treehash, "leaf_digests", refuse)
    monkeypatch.setattr(treehash.TreeHasher, "update", refuse)
    out = complete(client, upload_id)
    assert out["checksum"] == calculate_tree_hash(io.BytesIO(DATA))
    archive = glacier.archives("vault")[out["archiveId"]]
    assert (archive.size, archive.tree_hash, archive.data) == (len(DATA), out["checksum"], DATA)
