"""SHA-256 tree hash over 1 MiB leaves: streaming, combinable, and range-alignment rules."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

MIB = 1 << 20


def reduce_digests(digests: Sequence[bytes]) -> bytes:
    """Pairwise-reduce raw digests to the root; an odd one out is carried up unchanged."""
    if not digests:
        return hashlib.sha256(b"").digest()
    level = list(digests)
    while len(level) > 1:
        paired = [
            hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


class TreeHasher:
    """Feed bytes in any chunking; ``hexdigest()`` gives the tree hash of everything fed."""

    __slots__ = ("_current", "_filled", "_leaves")

    def __init__(self) -> None:
        self._leaves: list[bytes] = []
        self._current = hashlib.sha256()
        self._filled = 0

    def update(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data)
        while len(view):
            take = min(MIB - self._filled, len(view))
            self._current.update(view[:take])
            self._filled += take
            view = view[take:]
            if self._filled == MIB:
                self._leaves.append(self._current.digest())
                self._current = hashlib.sha256()
                self._filled = 0

    def digest(self) -> bytes:
        leaves = [*self._leaves, self._current.digest()] if self._filled else self._leaves
        return reduce_digests(leaves)

    def hexdigest(self) -> str:
        return self.digest().hex()


def leaf_digests(data: bytes | memoryview) -> list[bytes]:
    """The 1 MiB leaf digests of ``data`` (one digest of empty input for empty data)."""
    view = memoryview(data)
    if not len(view):
        return [hashlib.sha256(b"").digest()]
    return [hashlib.sha256(view[i : i + MIB]).digest() for i in range(0, len(view), MIB)]


def tree_hash(data: bytes | memoryview) -> str:
    """Tree hash (lower-case hex) of a whole payload."""
    return reduce_digests(leaf_digests(data)).hex()


def combine(part_hashes: Sequence[str]) -> str:
    """Archive tree hash from the tree hashes of its parts, in range order.

    Valid because every non-final part is 2^k MiB and starts on a multiple of its size.
    """
    return reduce_digests([bytes.fromhex(h) for h in part_hashes]).hex()


def is_mb_aligned(start: int, end: int, size: int) -> bool:
    """Inclusive range ``start-end`` is megabyte-aligned within an archive of ``size`` bytes."""
    return start % MIB == 0 and ((end + 1) % MIB == 0 or end == size - 1)


def is_tree_hash_aligned(start: int, end: int, size: int) -> bool:
    """Inclusive range ``start-end`` is a node of the archive's tree (so it has a tree hash)."""
    if not is_mb_aligned(start, end, size):
        return False
    first = start // MIB
    stop = -(-(end + 1) // MIB)
    chunks = -(-size // MIB)
    span = 1
    while span < stop - first:
        span *= 2
    return first % span == 0 and stop == min(first + span, chunks)
