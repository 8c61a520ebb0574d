"""Helpers several test modules share: hand-edited headers and multipart steps."""

from __future__ import annotations

import io
from typing import Any

from botocore.utils import calculate_tree_hash

MIB = 1 << 20


def tree(data: bytes) -> str:
    """The tree hash botocore computes for ``data``."""
    return str(calculate_tree_hash(io.BytesIO(data)))


def rewrite_headers(client: Any, operation: str, /, **headers: str | None) -> None:
    """Change an operation's headers after botocore computed them, as a hand-written client
    might send them (``None`` removes a header; ``_`` in a name stands for ``-``)."""

    def edit(request: Any, **_: Any) -> None:
        for name, value in headers.items():
            key = name.replace("_", "-")
            if key in request.headers:
                del request.headers[key]
            if value is not None:
                request.headers[key] = value

    client.meta.events.register(f"before-sign.glacier.{operation}", edit)


def initiate(client: Any, part_size: int = MIB, **kwargs: Any) -> str:
    """Start a multipart upload into the vault named ``vault``."""
    out = client.initiate_multipart_upload(vaultName="vault", partSize=str(part_size), **kwargs)
    return str(out["uploadId"])


def put_part(client: Any, upload_id: str, start: int, body: bytes) -> Any:
    """Upload ``body`` as the part at byte ``start``."""
    return client.upload_multipart_part(
        vaultName="vault",
        uploadId=upload_id,
        range=f"bytes {start}-{start + len(body) - 1}/*",
        body=body,
    )
