"""The SHA-256 tree hash against the spec's vectors, botocore, and its alignment rules."""

from __future__ import annotations

import hashlib
import io
import itertools
import threading
from unittest import mock

import pytest
from botocore.utils import calculate_tree_hash
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_glacier.core import treehash
from pytest_glacier.core.treehash import (
    MIB,
    PayloadHasher,
    TreeHasher,
    combine,
    is_mb_aligned,
    is_tree_hash_aligned,
    tree_hash,
)

VECTORS = [
    (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (b"hello", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
    (b"\0" * MIB, "30e14955ebf1352266dc2ff8067e68104607e750abb9d3b36582b8af909fcb58"),
    (b"\0" * (MIB + 1), "28638dab8d5e1754a4ecb38b0ebe6df66c844f94aed142d4d0283d208bb786cd"),
    (b"\0" * (3 * MIB), "ca6cc129a4514ec765de86a4e7a49adf44842c9cac213c383ebe4071271bdf21"),
    (b"a" * (3 * MIB), "70239f4f2ead7561f69d48b956b547edef52a1280a93c262c0b582190be7db17"),
    (b"a" * (5 * MIB + 5), "8cc54728280eb152c3f8e88ab3983ca52bb629937ba0385b746ea66058a18290"),
]


@pytest.mark.parametrize(("payload", "expected"), VECTORS, ids=lambda v: str(len(v)))
def test_spec_vectors(payload: bytes, expected: str) -> None:
    assert tree_hash(payload) == expected
    hasher = TreeHasher()
    for start in range(0, len(payload), 700_001):
        hasher.update(payload[start : start + 700_001])
    assert hasher.hexdigest() == expected


def test_combining_part_hashes_gives_the_archive_hash() -> None:
    payload = b"a" * (3 * MIB)
    parts = [payload[: 2 * MIB], payload[2 * MIB :]]
    assert combine([tree_hash(p) for p in parts]) == VECTORS[5][1]


@settings(max_examples=25, deadline=None)
@given(size=st.integers(0, 5 * MIB + 3), byte=st.integers(0, 255))
def test_matches_botocore(size: int, byte: int) -> None:
    payload = bytes([byte]) * size
    assert tree_hash(payload) == calculate_tree_hash(io.BytesIO(payload))


def _tree_nodes(data: bytes) -> set[str]:
    """Every node of the archive's tree hash, leaves to root, in hex."""
    level = [hashlib.sha256(data[i : i + MIB]).digest() for i in range(0, len(data), MIB)]
    nodes = {d.hex() for d in level}
    while len(level) > 1:
        nxt = [
            hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            nxt.append(level[-1])
        nodes.update(d.hex() for d in nxt)
        level = nxt
    return nodes


@pytest.mark.parametrize("chunks", [1, 3, 5, 6])
def test_tree_hash_alignment_matches_brute_force(chunks: int) -> None:
    """Aligned iff the range's tree hash equals some node of the archive's tree."""
    size = chunks * MIB - 7
    data = (bytes(range(251)) * (size // 251 + 1))[:size]
    nodes = _tree_nodes(data)
    for first in range(chunks):
        for last in range(first, chunks):
            start, end = first * MIB, min((last + 1) * MIB, size) - 1
            brute = tree_hash(data[start : end + 1]) in nodes
            assert is_tree_hash_aligned(start, end, size) == brute, (first, last)


def test_mb_alignment() -> None:
    size = 5 * MIB + 17
    assert is_mb_aligned(0, MIB - 1, size)
    assert is_mb_aligned(MIB, size - 1, size)
    assert not is_mb_aligned(1, MIB - 1, size)
    assert not is_mb_aligned(0, MIB, size)


def _helpers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "glacier-sha256"]


@settings(max_examples=40, deadline=None)
@given(
    data=st.binary(max_size=5000),
    cuts=st.lists(st.integers(0, 5000), max_size=12),
    concurrent_from=st.sampled_from([1, 700, 10**9]),
)
def test_payload_hasher_gives_both_hashes_in_any_chunking(
    data: bytes, cuts: list[int], concurrent_from: int
) -> None:
    """Whether the helper starts at once, half-way or never, the hashes are of all the bytes
    in order (the small threshold puts a few KiB through the helper's queue)."""
    bounds = [0, *sorted(c for c in cuts if c <= len(data)), len(data)]
    with mock.patch.object(treehash, "CONCURRENT_FROM", concurrent_from), PayloadHasher() as h:
        for start, end in itertools.pairwise(bounds):
            h.update(memoryview(data)[start:end])
        assert h.hexdigests() == (hashlib.sha256(data).hexdigest(), tree_hash(data))
    assert _helpers() == []


def test_payload_hasher_over_several_leaves_matches_botocore() -> None:
    payload = bytes(range(256)) * 4096 * 5 + b"tail"  # 5 MiB and a bit: the helper runs
    with PayloadHasher() as hasher:
        for start in range(0, len(payload), 300_000):
            hasher.update(payload[start : start + 300_000])
        linear, tree = hasher.hexdigests()
    assert (linear, tree) == (
        hashlib.sha256(payload).hexdigest(),
        calculate_tree_hash(io.BytesIO(payload)),
    )


def test_payload_hasher_ends_its_helper_when_the_upload_fails_half_way() -> None:
    """A failure while pieces still come (a client gone, the double stopping) must not leave
    the helper waiting for more, nor hang on a piece it could not hash."""
    with pytest.raises(TypeError), PayloadHasher() as hasher:
        hasher.update(bytes(5 * MIB))
        assert len(_helpers()) == 1
        hasher.update("not bytes")  # type: ignore[arg-type]
    assert _helpers() == []
