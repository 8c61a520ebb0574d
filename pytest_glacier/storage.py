"""Where archive bytes live: in memory (default) or in files of a per-double temporary directory.

Whatever the backend, an archive's bytes are handed out as one read-only bytes-like object
(``bytes`` or a ``memoryview``), so handlers slice it (``memoryview(data)[a:b]``) and tests
compare it (``data == b"..."``) the same way. The disk store maps each archive's file instead
of reading it, so a gigabyte archive costs address space, not process memory: pages are
read on demand from the OS page cache and can be dropped again by the kernel at any time.
"""

from __future__ import annotations

import itertools
import mmap
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from typing import Protocol

from .core.errors import GlacierError

Chunk = bytes | bytearray | memoryview
#: the stored bytes of one archive, read-only
ArchiveBytes = bytes | memoryview

STORAGE_KINDS = ("memory", "disk")


class ArchiveStore(Protocol):
    """Keeps archive bytes for one double."""

    def put(self, pieces: Iterable[Chunk]) -> ArchiveBytes:
        """Store the concatenation of ``pieces`` (consumed once, in order); return its bytes."""
        ...

    def discard(self, stored: ArchiveBytes) -> None:
        """Forget bytes ``put`` returned that no archive holds (a refused upload, a deleted
        archive); whoever still holds them (a job, a read) keeps reading them."""
        ...

    def close(self) -> None:
        """Release what the store holds outside the process (files); bytes handed out stay
        readable until they are dropped."""
        ...


class MemoryStore:
    """Archive bytes as Python ``bytes``. A single ``bytes`` piece is kept as it is: no copy."""

    def put(self, pieces: Iterable[Chunk]) -> ArchiveBytes:
        parts = pieces if isinstance(pieces, list | tuple) else list(pieces)
        if len(parts) == 1 and type(parts[0]) is bytes:
            return parts[0]
        # anything mutable (bytearray, views of it) is copied: the caller may reuse its buffer
        return b"".join(parts)

    def discard(self, stored: ArchiveBytes) -> None:
        """Memory is freed when the last reference goes."""

    def close(self) -> None:
        """Nothing outside the process to release."""


class DiskStore:
    """Each archive in its own file under a temporary directory made on first use."""

    #: how long ``close`` waits for uploads still being written (real seconds)
    CLOSE_WAIT = 2.0

    def __init__(self, parent: str | None = None) -> None:
        self._parent = parent
        self._directory: str | None = None
        self._names = itertools.count()
        self._lock = threading.Condition()
        #: id of each archive's mapping -> its file, so a refused upload's file can go
        self._files: dict[int, str] = {}
        self._writing = 0
        self._closed = False

    @property
    def directory(self) -> str | None:
        """The temporary directory, once something was stored (removed again by ``close``)."""
        return self._directory

    def _begin(self) -> str:
        """A new file's path, counting one more upload in progress."""
        with self._lock:
            if self._closed:
                raise _stopped()
            if self._directory is None:
                self._directory = tempfile.mkdtemp(prefix="pytest-glacier-", dir=self._parent)
            self._writing += 1
            return os.path.join(self._directory, f"{next(self._names):08d}.archive")

    def put(self, pieces: Iterable[Chunk]) -> ArchiveBytes:
        path = self._begin()
        try:
            with open(path, "w+b") as file:
                for piece in pieces:
                    if self._closed:
                        raise _stopped()
                    file.write(piece)
                size = file.tell()
                if not size:
                    os.remove(path)
                    return b""
                file.flush()
                mapping = mmap.mmap(file.fileno(), size, access=mmap.ACCESS_READ)
        except OSError:
            if self._closed:  # the directory went away under the upload
                raise _stopped() from None
            raise
        finally:
            with self._lock:
                self._writing -= 1
                self._lock.notify_all()
        with self._lock:
            if self._closed:
                mapping.close()
                raise _stopped()
            self._files[id(mapping)] = path
        return memoryview(mapping)

    def discard(self, stored: ArchiveBytes) -> None:
        """Remove the file behind ``stored`` (POSIX keeps it readable while it is mapped)."""
        owner = stored.obj if isinstance(stored, memoryview) else None
        with self._lock:
            path = self._files.pop(id(owner), None)
        if path is not None:
            os.remove(path)

    def close(self) -> None:
        """Remove the directory. Mapped archives stay readable where the OS allows unlinking
        mapped files (POSIX); their disk space is freed when the last view is dropped.

        Uploads still being written get ``CLOSE_WAIT`` seconds to finish; one that does not
        is refused (ServiceUnavailableException to its client), never left to fail unseen."""
        with self._lock:
            self._closed = True
            self._lock.wait_for(lambda: self._writing == 0, timeout=self.CLOSE_WAIT)
            directory, self._directory = self._directory, None
            self._files.clear()
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


def _stopped() -> GlacierError:
    return GlacierError(
        "ServiceUnavailableException",
        "The pytest_glacier double stopped while this upload was being stored.",
    )


def open_store(kind: str) -> ArchiveStore:
    """The store for config ``storage``: ``"memory"`` or ``"disk"``."""
    if kind == "memory":
        return MemoryStore()
    if kind == "disk":
        return DiskStore()
    raise ValueError(f"storage must be one of {', '.join(map(repr, STORAGE_KINDS))}, got {kind!r}")


__all__ = [
    "STORAGE_KINDS",
    "ArchiveBytes",
    "ArchiveStore",
    "DiskStore",
    "MemoryStore",
    "open_store",
]
