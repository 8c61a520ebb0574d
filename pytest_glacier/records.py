"""Frozen records the controller exposes for assertions."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, overload

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One request the double answered (each botocore retry attempt is its own call)."""

    operation: str
    status: int
    error_code: str | None
    params: Mapping[str, Any]
    request_id: str
    #: the transport fault that hit this attempt ("reset", "timeout", "truncate"), if any;
    #: a reset one has status 0: no answer was sent
    fault: str | None = None


@dataclass(frozen=True)
class Notification:
    """One SNS message the double published: the topic ARN and the DescribeJob-shaped dict."""

    topic: str
    message: Mapping[str, Any]


@dataclass(frozen=True)
class Sleep:
    """One ``time.sleep`` that code under test spent in simulated time."""

    seconds: float
    #: the simulated moment the sleep began
    at: dt.datetime
    #: the name of the thread that slept
    thread: str


class Snapshot(Sequence[T]):
    """The first ``length`` items of a list that only ever grows at its end: a read-only
    snapshot made in O(1), however long the list (``glacier.calls`` after 10,000 calls).

    It compares equal to any sequence with the same items (a tuple, a list, another snapshot).
    """

    __slots__ = ("_items", "_length")

    def __init__(self, items: list[T]) -> None:
        self._items = items
        self._length = len(items)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        if isinstance(index, slice):
            return tuple(self._items[i] for i in range(self._length)[index])
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("snapshot index out of range")
        return self._items[index]

    def __iter__(self) -> Iterator[T]:
        return itertools.islice(self._items, self._length)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(other) == self._length and all(a == b for a, b in zip(self, other, strict=True))

    def __repr__(self) -> str:
        return repr(tuple(self))
