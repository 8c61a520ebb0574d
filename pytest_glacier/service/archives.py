"""UploadArchive and DeleteArchive."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator, Sequence

from ..core.errors import GlacierError, invalid, missing
from ..core.http import Response
from ..core.treehash import CONCURRENT_FROM, MIB, PayloadHasher, tree_hash
from ..storage import ArchiveBytes, Chunk
from .engine.context import Context, Handler
from .engine.rules import check_description
from .engine.state import Archive

MAX_ARCHIVE_SIZE = 4 * 1024**3


def digests(data: bytes | memoryview) -> tuple[str, str]:
    """(linear SHA-256, tree hash) of a whole body, in hex, both over the same view (no copy):
    from ``CONCURRENT_FROM`` on, the linear hash runs on a helper thread meanwhile."""
    view = memoryview(data).cast("B")  # a body the helper cannot hash fails here, not there
    if len(view) <= MIB:  # one leaf (or none): the tree hash is the linear hash
        single = hashlib.sha256(view).hexdigest()
        return single, single
    linear = hashlib.sha256()
    if len(view) < CONCURRENT_FROM:
        linear.update(view)
        return linear.hexdigest(), tree_hash(view)
    helper = threading.Thread(target=linear.update, args=(view,), name="glacier-sha256")
    helper.start()
    try:
        tree = tree_hash(view)
    finally:
        helper.join()
    return linear.hexdigest(), tree


def as_hex64(value: str) -> str:
    """How the service echoes a client hash: lower-case, 64 hex digits when it is hex."""
    try:
        return f"{int(value, 16):064x}" if len(value) <= 64 else value.lower()
    except ValueError:
        return value


def verify_payload(ctx: Context) -> tuple[bytes | memoryview, str]:
    """Check the two payload hashes of an upload; return (body, server tree hash)."""
    sent_tree_hash = ctx.header("x-amz-sha256-tree-hash")
    if sent_tree_hash is None:
        raise missing("x-amz-sha256-tree-hash")
    sent_linear = ctx.header("x-amz-content-sha256")
    if sent_linear is None:
        raise missing("x-amz-content-sha256")
    body = ctx.request.content()
    length = ctx.header("content-length")
    if length is not None and length != str(len(body)):
        raise invalid(f"Content-Length: {length} does not match the body length {len(body)}")
    linear, tree = digests(body)
    if sent_linear.lower() != linear:
        raise GlacierError(
            "InvalidSignatureException",
            "The value passed in as x-amz-content-sha256 does not match the computed payload "
            f"hash. Computed digest: {linear} expected hash: {sent_linear}",
        )
    return body, tree


def check_tree_hash(sent: str, computed: str) -> None:
    if sent.lower() != computed:
        raise invalid(f"Checksum mismatch: expected {as_hex64(sent)}, computed {computed}")


def check_declared_size(ctx: Context) -> None:
    """An UploadArchive declaring more than 4 GiB is refused before its body is read, with
    the service's ``Invalid Content-Length: <n>`` (the local server refuses it the same way
    before reading, see ``server/limits.py``)."""
    declared = ctx.header("content-length")
    if (
        declared is not None
        and declared.isascii()
        and declared.isdigit()
        and int(declared) > MAX_ARCHIVE_SIZE
    ):
        raise too_large_archive(int(declared))


def too_large_archive(size: int) -> GlacierError:
    return invalid(f"Invalid Content-Length: {size}")


def upload_archive(ctx: Context) -> Response:
    check_declared_size(ctx)
    with ctx.backend.lock:
        ctx.vault()
    if ctx.request.is_stream():
        stored, tree, description = _receive_to_store(ctx)
    else:
        body, tree = verify_payload(ctx)
        description = _check_archive(ctx, len(body), tree)
        stored = ctx.backend.store.put([body])
    with ctx.backend.lock, _discarded_if_refused(ctx, stored):
        vault = ctx.vault()  # it may have been deleted while the body was received
        archive = add_archive(ctx, vault.name, description, stored, tree)
    return ctx.reply(
        headers={
            "location": f"/{ctx.account_id}/vaults/{vault.name}/archives/{archive.archive_id}",
            "x-amz-archive-id": archive.archive_id,
            "x-amz-sha256-tree-hash": tree,
        }
    )


def _check_archive(ctx: Context, size: int, tree: str) -> str:
    """The checks after the payload hashes, in the service's order; returns the description."""
    description = check_description(ctx.header("x-amz-archive-description"), "archive") or ""
    if size > MAX_ARCHIVE_SIZE:
        raise too_large_archive(size)
    if size < 1:
        raise invalid(
            f"Invalid archive size: {size}. An archive must be between 1 byte and "
            f"{MAX_ARCHIVE_SIZE} bytes."
        )
    check_tree_hash(ctx.header("x-amz-sha256-tree-hash") or "", tree)
    return description


def _receive_to_store(ctx: Context) -> tuple[ArchiveBytes, str, str]:
    """A streamed body (the local server's, a file) goes to the store piece by piece while
    both hashes are taken, so hashing overlaps reading (and a file upload never sits in the
    disk store's memory); the checks then run as ``verify_payload``'s do."""
    sent_tree_hash = ctx.header("x-amz-sha256-tree-hash")
    if sent_tree_hash is None:
        raise missing("x-amz-sha256-tree-hash")
    sent_linear = ctx.header("x-amz-content-sha256")
    if sent_linear is None:
        raise missing("x-amz-content-sha256")

    with PayloadHasher() as hasher:

        def hashed(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
            for chunk in chunks:
                hasher.update(chunk)
                yield chunk

        stored = ctx.backend.store.put(hashed(ctx.request.chunks()))
    with _discarded_if_refused(ctx, stored):
        linear, tree = hasher.hexdigests()
        length = ctx.header("content-length")
        if length is not None and length != str(len(stored)):
            raise invalid(f"Content-Length: {length} does not match the body length {len(stored)}")
        if sent_linear.lower() != linear:
            raise GlacierError(
                "InvalidSignatureException",
                "The value passed in as x-amz-content-sha256 does not match the computed "
                f"payload hash. Computed digest: {linear} expected hash: {sent_linear}",
            )
        return stored, tree, _check_archive(ctx, len(stored), tree)


@contextlib.contextmanager
def _discarded_if_refused(ctx: Context, stored: ArchiveBytes) -> Iterator[None]:
    """Bytes already in the store leave it again when the upload is refused after all."""
    try:
        yield
    except BaseException:
        ctx.backend.store.discard(stored)
        raise


def store_archive(
    ctx: Context, vault_name: str, description: str, pieces: Sequence[Chunk], tree: str
) -> Archive:
    """Keep the archive's ``pieces`` (in order, not joined first: the store copies each at most
    once) in the double's store and add the archive to a vault (caller holds the lock)."""
    return add_archive(ctx, vault_name, description, ctx.backend.store.put(pieces), tree)


def add_archive(
    ctx: Context, vault_name: str, description: str, stored: ArchiveBytes, tree: str
) -> Archive:
    """Add an archive whose bytes are already in the store (caller holds the lock)."""
    now = ctx.now()
    archive = Archive(
        ctx.backend.ids.archive_id(), vault_name, description, now, len(stored), tree, stored
    )
    vault = ctx.region.vaults[vault_name]
    vault.put_archive(archive)
    vault.last_write = now
    ctx.region.archive_vaults[archive.archive_id] = vault_name
    return archive


def delete_archive(ctx: Context) -> Response:
    vault = ctx.vault()
    archive_id = ctx.params["archiveId"]
    owner = ctx.region.archive_vaults.get(archive_id)
    if owner is not None and owner != vault.name:
        raise invalid(f"Invalid vault name: {vault.arn}")
    archive = vault.pop_archive(archive_id)
    if archive is not None:
        vault.last_write = ctx.now()
        # in-flight jobs and reads keep the bytes they hold; the store lets go of its own
        ctx.backend.store.discard(archive.data)
    return ctx.reply()


HANDLERS: dict[str, Handler] = {
    "UploadArchive": upload_archive,
    "DeleteArchive": delete_archive,
}
