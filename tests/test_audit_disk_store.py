"""Audit: with ``storage="disk"`` a refused upload must leave nothing behind, on disk included.

A streamed UploadArchive body goes to the disk store while it is hashed; when the request is
then refused, the bytes it wrote must go too, as a refused request changes no state.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from support import rewrite_headers

from pytest_glacier import Glacier

BODY = b"streamed archive " * 200_000


def stored_files(glacier: Glacier) -> list[str]:
    directory = getattr(glacier.backend.store, "directory", None)
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
    client.create_vault(vaultName="v")
    source = tmp_path / "archive.bin"
    source.write_bytes(BODY)
    rewrite_headers(client, "UploadArchive", **{header.replace("-", "_"): value})
    with raises_glacier(code, status), source.open("rb") as handle:
        client.upload_archive(vaultName="v", body=handle)
    assert dict(glacier.archives("v")) == {}
    assert stored_files(glacier) == []
