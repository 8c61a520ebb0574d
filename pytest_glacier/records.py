"""Frozen records the controller exposes for assertions."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import deque
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


@dataclass(frozen=True, slots=True)
class Event:
    """One step of what the double saw (``glacier.timeline``): a call, a clock move, a job's
    end, a notification, an internal error. ``at`` is the simulated instant it happened."""

    at: dt.datetime
    #: call, advance, complete_jobs, wait, latency, backoff, sleep, job, expired,
    #: notification or internal_error
    kind: str
    #: one line for a person to read
    summary: str
    #: the same as data (JSON-friendly values, shared with the other records, not copied)
    details: Mapping[str, Any]


class Events(Sequence[Event]):
    """A read-only copy of the events the double kept; ``dropped`` more were left out at
    index ``gap`` (the log keeps the first and the last ones, so memory stays bounded)."""

    __slots__ = ("_items", "dropped", "gap")

    def __init__(self, items: tuple[Event, ...], dropped: int = 0, gap: int = 0) -> None:
        self._items = items
        self.dropped = dropped
        self.gap = gap

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...

    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        return self._items[index]

    def __repr__(self) -> str:
        return f"Events({len(self._items)} kept, {self.dropped} dropped)"


class EventLog:
    """Events as they come, in bounded memory: the first ``head`` and a ring of the last
    ``tail``; those pushed out of the ring are only counted."""

    def __init__(self, head: int = 200, tail: int = 1000) -> None:
        self._head: list[Event] = []
        self._head_size = head
        self._tail: deque[Event] = deque(maxlen=tail)
        self.dropped = 0

    def append(self, event: Event) -> None:
        if len(self._head) < self._head_size:
            self._head.append(event)
            return
        if len(self._tail) == self._tail.maxlen:
            self.dropped += 1
        self._tail.append(event)

    def view(self) -> Events:
        return Events((*self._head, *self._tail), self.dropped, len(self._head))
