"""How large a request body the local server takes, per operation, before reading any of it.

A declared size (``Content-Length``, or a chunk size) above the operation's limit is refused
with the service's error before a byte of the body is read or a buffer is allocated, and
before a ``100 Continue`` goes out: an archive is at most 4 GiB (UploadArchive), a part at
most 4 GiB (the largest part size), and every other operation carries at most a small JSON
document (an access or lock policy is at most 20 KB at AWS; 1 MiB is allowed here).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote

from ..core.errors import GlacierError, invalid
from ..core.routes import resolve

#: the largest archive one UploadArchive may carry (spec: 1 byte to 4 GB)
MAX_ARCHIVE_SIZE = 4 * 1024**3
#: the largest part (the largest part size, 4 GiB)
MAX_PART_SIZE = 4 * 1024**3
#: any other operation's body: a JSON document
MAX_DOCUMENT_SIZE = 1024 * 1024

_LIMITS = {"UploadArchive": MAX_ARCHIVE_SIZE, "UploadMultipartPart": MAX_PART_SIZE}


def operation_of(method: str, target: str) -> str | None:
    """The Glacier operation a request target names, or None (the core then refuses it)."""
    path, _, query = target.partition("?")
    segments = [unquote(part) for part in path.lstrip("/").split("/")]
    try:
        return resolve(method, segments, dict(parse_qsl(query, keep_blank_values=True))).operation
    except GlacierError:
        return None


def body_limit(operation: str | None) -> int:
    return _LIMITS.get(operation or "", MAX_DOCUMENT_SIZE)


def too_large(operation: str | None, size: int) -> GlacierError:
    """The service's refusal of a body of ``size`` bytes for ``operation``."""
    if operation == "UploadArchive":
        return invalid(f"Invalid Content-Length: {size}")  # the service's words
    if operation == "UploadMultipartPart":
        return invalid(
            f"Invalid Content-Length: {size}. A part must be at most {MAX_PART_SIZE} bytes."
        )
    return invalid(
        f"Invalid Content-Length: {size}. The request body of "
        f"{operation or 'this request'} must be at most {MAX_DOCUMENT_SIZE} bytes."
    )
