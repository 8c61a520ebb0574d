"""SHA-256 tree hash over 1 MiB leaves: streaming, combinable, and range-alignment rules.

An upload is checked against two hashes of its body, the linear SHA-256 and the tree hash.
For big bodies they are taken on two threads at once (hashlib releases the GIL while it
hashes a buffer of more than a few KiB), so on two cores checking costs the time of one hash:
``PayloadHasher`` for a body that arrives in pieces, ``archives.digests`` for a whole one.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Sequence
from types import TracebackType

MIB = 1 << 20
#: bodies from this size on have their linear hash taken on a helper thread: below it,
#: starting the thread costs about what it saves
CONCURRENT_FROM = 4 * MIB
#: pieces a streamed body's helper thread may lag behind (bounded memory: a few MiB)
QUEUED_PIECES = 8

Buffer = bytes | bytearray | memoryview


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

    def update(self, data: Buffer) -> None:
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


class PayloadHasher:
    """Both hashes of a body fed piece by piece (a streamed upload), in hex.

    The tree hash is taken on the caller's thread; once ``CONCURRENT_FROM`` bytes came, the
    linear hash is taken on a helper thread fed through a short queue, so hashing overlaps
    itself and the caller's reads and writes. Pieces are hashed as they are, so they must not
    change after ``update`` (socket reads and views of immutable bodies do not). Use it as a
    context manager: leaving it ends the helper, also when the upload fails half-way.
    """

    __slots__ = ("_error", "_fed", "_helper", "_linear", "_pieces", "_tree")

    def __init__(self) -> None:
        self._linear = hashlib.sha256()
        self._tree = TreeHasher()
        self._fed = 0
        self._pieces: queue.Queue[Buffer | None] = queue.Queue(QUEUED_PIECES)
        self._helper: threading.Thread | None = None
        self._error: BaseException | None = None

    def __enter__(self) -> PayloadHasher:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._finish()

    def update(self, data: Buffer) -> None:
        if self._helper is not None:
            self._pieces.put(data)
        elif self._fed + len(data) < CONCURRENT_FROM:
            self._linear.update(data)
        else:
            self._helper = threading.Thread(target=self._hash_queued, name="glacier-sha256")
            self._helper.start()
            self._pieces.put(data)
        self._fed += len(data)
        self._tree.update(data)

    def _hash_queued(self) -> None:
        """The helper thread: hash pieces in order until the ``None`` that ends them."""
        while (piece := self._pieces.get()) is not None:
            if self._error is None:
                try:
                    self._linear.update(piece)
                except BaseException as error:  # kept for hexdigests; the queue still drains
                    self._error = error

    def _finish(self) -> None:
        helper, self._helper = self._helper, None
        if helper is not None:
            self._pieces.put(None)
            helper.join()

    def hexdigests(self) -> tuple[str, str]:
        """(linear SHA-256, tree hash) of everything fed; feed nothing after this."""
        self._finish()
        if self._error is not None:
            raise self._error
        return self._linear.hexdigest(), self._tree.hexdigest()


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
