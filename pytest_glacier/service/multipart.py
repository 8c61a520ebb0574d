"""Multipart uploads: initiate, upload parts, complete, abort, and list parts and uploads.

Parts are kept exactly as received (no copy) and handed to the store as pieces at completion,
so their bytes are copied at most once (the memory store joins them, the disk store writes each
in turn); the archive's tree hash is reduced from the part hashes, never recomputed over its
bytes. Parts are hashed outside the state lock, so many threads can upload parts of one archive
at once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from typing import Any

from ..core.clock import iso_ms
from ..core.errors import invalid, missing, not_found
from ..core.http import Response
from ..core.treehash import MIB, combine
from .archives import check_tree_hash, store_archive, verify_payload
from .engine.context import Context, Handler
from .engine.rules import check_description, parse_limit
from .engine.state import OrderedIndex, Part, Upload, Vault

MIN_PART_SIZE = MIB
MAX_PART_SIZE = 4 * 1024**3
MAX_PARTS = 10_000
LIST_LIMIT = 50
#: uploads idle this long are dropped (as are completed/aborted records, ending idempotency)
IDLE_EXPIRY = dt.timedelta(hours=24)
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(?:\*|\d+)", re.ASCII)


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def parse_part_size(value: str | None) -> int:
    """``x-amz-part-size``: a power of two from 1 MiB to 4 GiB (absent reads as ``null``)."""
    size = int(value) if value is not None and _digits(value) else 0
    if not MIN_PART_SIZE <= size <= MAX_PART_SIZE or size & (size - 1):
        raise invalid(
            f"Invalid part size: {'null' if value is None else value}. Part size must not be "
            "null, must be a power of two and be between 1048576 and 4294967296 bytes."
        )
    return size


def parse_content_range(value: str | None, part_size: int, length: int) -> int:
    """Check a part's ``Content-Range`` against the part size and body; return its start."""
    if value is None:
        raise missing("Content-Range")
    match = _CONTENT_RANGE.fullmatch(value)
    if match is None:
        raise invalid(f"Invalid Content-Range: {value}")
    start, end = int(match[1]), int(match[2])
    if end < start:
        raise invalid(f"Invalid Content-Range: {value}")
    # the range is checked against the body before the part size, as the service does: a
    # 1 MiB part sent as ``bytes 0-1048576/*`` is "incompatible with Content-Length: 1048576"
    if end - start + 1 != length:
        raise invalid(f"Content-Range: {value} is incompatible with Content-Length: {length}")
    if start % part_size or end - start + 1 > part_size:
        raise invalid(f"Invalid Content-Range: {value}")
    number = start // part_size + 1
    if number > MAX_PARTS:
        raise invalid(
            f"This is part number {number} for the current multipart upload. "
            f"It exceeds the limit of {MAX_PARTS} parts."
        )
    return start


def upload_records(vault: Vault, now: dt.datetime) -> OrderedIndex[str, Upload]:
    """The vault's upload records after dropping those idle for 24 h (their parts go too).

    They are looked through only once one of them can have been idle that long: every
    activity is stamped with the now of a request that called this first, so none is older
    than the earlier of the oldest seen at the last look and that look's instant (a clock
    that went back makes the next call look again).
    """
    checked, idle_from = vault.uploads_checked, vault.uploads_idle_from
    if checked is not None and idle_from is not None and checked <= now < idle_from:
        return vault.uploads
    uploads = vault.uploads
    expired = [k for k, u in uploads.items() if now - u.last_activity >= IDLE_EXPIRY]
    for upload_id in expired:
        del uploads[upload_id]
    oldest = min((u.last_activity for u in uploads.values()), default=now)
    vault.uploads_checked, vault.uploads_idle_from = now, min(oldest, now) + IDLE_EXPIRY
    return uploads


def _upload(ctx: Context, vault: Vault, *, completed_ok: bool = False) -> Upload:
    """The upload named in the path: open (or completed, when asked), else the 404."""
    upload_id = ctx.params["uploadId"]
    upload = upload_records(vault, ctx.now()).get(upload_id)
    if upload is None or upload.aborted or (upload.completed and not completed_ok):
        raise not_found(f"The upload ID was not found: {upload_id}")
    return upload


def _location(ctx: Context, vault: Vault, kind: str, item_id: str) -> str:
    return f"/{ctx.account_id}/vaults/{vault.name}/{kind}/{item_id}"


def initiate_multipart_upload(ctx: Context) -> Response:
    vault = ctx.vault()
    part_size = parse_part_size(ctx.header("x-amz-part-size"))
    description = ctx.header("x-amz-archive-description")
    if description is not None:
        description = check_description(description.lstrip(" "), "archive") or ""
    now = ctx.now()
    upload = Upload(ctx.backend.ids.upload_id(), vault.name, description, part_size, now, now)
    upload_records(vault, now)[upload.upload_id] = upload
    return ctx.reply(
        headers={
            "location": _location(ctx, vault, "multipart-uploads", upload.upload_id),
            "x-amz-multipart-upload-id": upload.upload_id,
        }
    )


def upload_multipart_part(ctx: Context) -> Response:
    """Validate and hash the part without the lock; take it only to look up and to store."""
    with ctx.backend.lock:
        part_size = _upload(ctx, ctx.vault()).part_size
    body = ctx.request.content()
    start = parse_content_range(ctx.header("content-range"), part_size, len(body))
    body, tree = verify_payload(ctx)
    check_tree_hash(ctx.header("x-amz-sha256-tree-hash") or "", tree)
    with ctx.backend.lock:
        upload = _upload(ctx, ctx.vault())
        upload.parts[start // part_size] = Part(start, body, tree)
        upload.last_activity = ctx.now()
    return ctx.reply(headers={"x-amz-sha256-tree-hash": tree})


def complete_multipart_upload(ctx: Context) -> Response:
    vault = ctx.vault()
    upload = _upload(ctx, vault, completed_ok=True)
    sent_hash = ctx.header("x-amz-sha256-tree-hash")
    if sent_hash is None:
        raise missing("x-amz-sha256-tree-hash")
    size_text = ctx.header("x-amz-archive-size")
    if size_text is None:
        raise missing("x-amz-archive-size")
    if not _digits(size_text):
        raise invalid(f"Invalid archive size: {size_text}")
    size = int(size_text)
    if upload.completed is not None:
        archive_id, total, tree = upload.completed
        _check_totals(size, sent_hash, total, tree)
    else:
        parts = [upload.parts[i] for i in sorted(upload.parts)]
        total, tree = _check_parts(parts, upload.part_size), combine([p.tree_hash for p in parts])
        _check_totals(size, sent_hash, total, tree)
        pieces = [p.data for p in parts]
        archive_id = store_archive(
            ctx, vault.name, upload.description or "", pieces, tree
        ).archive_id
        upload.completed, upload.parts = (archive_id, total, tree), {}
        upload.last_activity = ctx.now()
    return ctx.reply(
        headers={
            "location": _location(ctx, vault, "archives", archive_id),
            "x-amz-archive-id": archive_id,
            "x-amz-sha256-tree-hash": tree,
        }
    )


def _check_totals(size: int, sent_hash: str, total: int, tree: str) -> None:
    if size != total:
        raise invalid(f"Invalid archive size: {size}. The uploaded parts total {total} bytes.")
    if sent_hash.lower() != tree:
        raise invalid(f"Invalid x-amz-sha256-tree-hash: {sent_hash}")


def _check_parts(parts: list[Part], part_size: int) -> int:
    """The parts must tile the archive from byte 0, all but the last exactly ``part_size``."""
    if not parts:
        raise invalid("Invalid multipart upload: no parts have been uploaded.")
    for index, part in enumerate(parts):
        expected = index * part_size
        if part.start != expected:
            raise invalid(
                f"Invalid multipart upload: no part was uploaded for the range "
                f"{expected}-{expected + part_size - 1}."
            )
        if index < len(parts) - 1 and len(part.data) != part_size:
            raise invalid(
                f"Invalid multipart upload: part {part.start}-{part.end} is shorter than the "
                f"part size {part_size} but is not the last part."
            )
    return parts[-1].end + 1


def abort_multipart_upload(ctx: Context) -> Response:
    """Frees the parts; repeating it succeeds, aborting a completed upload is a 404."""
    vault = ctx.vault()
    upload_id = ctx.params["uploadId"]
    upload = upload_records(vault, ctx.now()).get(upload_id)
    if upload is None or upload.completed is not None:
        raise not_found(f"The upload ID was not found: {upload_id}")
    if not upload.aborted:
        upload.aborted, upload.parts = True, {}
        upload.last_activity = ctx.now()
    return ctx.reply()


def _upload_fields(upload: Upload, vault: Vault) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "MultipartUploadId": upload.upload_id,
        "VaultARN": vault.arn,
        "CreationDate": iso_ms(upload.creation_date),
        "PartSizeInBytes": upload.part_size,
    }
    if upload.description is not None:
        fields["ArchiveDescription"] = upload.description
    return fields


def list_parts(ctx: Context) -> Response:
    """Parts in range order; the marker is the byte offset of the next page's first part."""
    vault = ctx.vault()
    upload = _upload(ctx, vault)
    limit = parse_limit(ctx.request.query.get("limit"), LIST_LIMIT)
    marker = ctx.request.query.get("marker")
    # a marker we issued is the byte offset where one of the upload's parts starts
    first = 0
    if marker is not None:
        first = int(marker) // upload.part_size if _digits(marker) else -1
        found = upload.parts.get(first)
        if found is None or found.start != int(marker):
            raise invalid(f"Invalid marker: {marker}")
    indexes = upload.part_indexes()
    at = bisect.bisect_left(indexes, first)
    parts = [upload.parts[i] for i in indexes[at : at + limit + 1]]
    page, rest = parts[:limit], parts[limit:]
    body = _upload_fields(upload, vault)
    body["Parts"] = [
        {"RangeInBytes": f"{p.start}-{p.end}", "SHA256TreeHash": p.tree_hash} for p in page
    ]
    body["Marker"] = str(rest[0].start) if rest else None
    return ctx.reply(json_body=body)


def list_multipart_uploads(ctx: Context) -> Response:
    """Open uploads in initiation order; the marker is the next page's first upload id."""
    vault = ctx.vault()
    limit = parse_limit(ctx.request.query.get("limit"), LIST_LIMIT)
    records = upload_records(vault, ctx.now())
    marker = ctx.request.query.get("marker")
    start = 0 if marker is None else records.rank(marker)
    if start is None:
        raise invalid(f"Invalid marker: {marker}")
    listed = list(itertools.islice((u for u in records.starting_at(start) if u.is_open), limit + 1))
    page, rest = listed[:limit], listed[limit:]
    return ctx.reply(
        json_body={
            "UploadsList": [_upload_fields(u, vault) for u in page],
            "Marker": rest[0].upload_id if rest else None,
        }
    )


HANDLERS: dict[str, Handler] = {
    "InitiateMultipartUpload": initiate_multipart_upload,
    "UploadMultipartPart": upload_multipart_part,
    "CompleteMultipartUpload": complete_multipart_upload,
    "AbortMultipartUpload": abort_multipart_upload,
    "ListParts": list_parts,
    "ListMultipartUploads": list_multipart_uploads,
}
