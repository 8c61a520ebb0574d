"""Backend state: plain objects per (account, region); no HTTP in here."""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import threading
from collections import deque
from collections.abc import Iterator, Mapping, MutableMapping, ValuesView
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ...core.clock import Clock
from ...core.ids import IdFactory
from ...storage import open_store

if TYPE_CHECKING:  # the config and the jobs' schedule are handed in: they live above
    from ...config import GlacierConfig
    from ..jobs.model import Job, Schedule
    from ..select.request import SelectRequest


class Outbound(Protocol):
    """Other services job completions reach, when the controller found one (SNS, S3)."""

    def publish(self, topic: str, message: Mapping[str, Any]) -> None: ...

    def put_select_output(
        self, select: SelectRequest, objects: Mapping[str, bytes]
    ) -> str | None: ...


#: how many expired jobs' ids a vault keeps as ListJobs markers (bounded memory)
MARKERS_KEPT = 10_000
#: an index squeezes out its holes once they outnumber its entries and this many
HOLES_KEPT = 64

K = TypeVar("K")
V = TypeVar("V")


class OrderedIndex(MutableMapping[K, V]):
    """A mapping in insertion order that a listing can enter at any entry, removed ones too.

    Each entry gets a rank (its insertion number); a page resumes at a rank by bisection, not
    by stepping past the entries before it. A removal leaves a hole that a skip list (path
    halving) steps over in near-constant time, and the holes are squeezed out once they
    outnumber the entries, so removals cost O(1) amortised and a page O(log n + its length).
    Iterate it under the state lock, and change it only once the iteration is over.
    """

    def __init__(self) -> None:
        self._values: dict[K, V] = {}
        self._ranks: dict[K, int] = {}
        self._slots: list[V | None] = []
        self._slot_ranks: list[int] = []
        #: slot -> a later slot to look from (itself when occupied); one sentinel past the end
        self._skip: list[int] = [0]
        self._holes = 0
        self._next_rank = 0

    def __getitem__(self, key: K) -> V:
        return self._values[key]

    def __setitem__(self, key: K, value: V) -> None:
        if key in self._values:
            del self[key]
        self._values[key] = value
        self._ranks[key] = self._next_rank
        self._slots.append(value)
        self._slot_ranks.append(self._next_rank)
        self._skip.append(len(self._slots))
        self._next_rank += 1

    def __delitem__(self, key: K) -> None:
        del self._values[key]
        slot = bisect.bisect_left(self._slot_ranks, self._ranks.pop(key))
        self._slots[slot] = None
        self._skip[slot] = slot + 1
        self._holes += 1
        if self._holes > len(self._values) + HOLES_KEPT:
            self._squeeze()

    def __iter__(self) -> Iterator[K]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def values(self) -> ValuesView[V]:
        return self._values.values()

    def rank(self, key: K) -> int | None:
        """The entry's insertion number (None when it is not here)."""
        return self._ranks.get(key)

    def after(self, rank: int) -> Iterator[V]:
        """The entries inserted after the one of ``rank`` (present or removed), in order."""
        return self._from_slot(bisect.bisect_right(self._slot_ranks, rank))

    def starting_at(self, rank: int) -> Iterator[V]:
        """The entry of ``rank`` and those inserted after it, in order."""
        return self._from_slot(bisect.bisect_left(self._slot_ranks, rank))

    def _from_slot(self, slot: int) -> Iterator[V]:
        slots, skip = self._slots, self._skip
        while True:
            while skip[slot] != slot:
                skip[slot] = skip[skip[slot]]
                slot = skip[slot]
            value = slots[slot] if slot < len(slots) else None
            if value is None:
                return
            yield value
            slot += 1

    def _squeeze(self) -> None:
        slots = zip(self._slot_ranks, self._slots, strict=True)
        kept = [(rank, value) for rank, value in slots if value is not None]
        self._slot_ranks = [rank for rank, _ in kept]
        self._slots = [value for _, value in kept]
        self._skip = list(range(len(kept) + 1))
        self._holes = 0


@dataclass(eq=False)
class RunningSum:
    """Bytes of the entries keyed at or after a threshold, kept as the threshold moves on.

    Entries leave in key order (a heap) as the threshold passes them, or when forgotten. A
    threshold below one already applied cannot be answered (what it would count is gone):
    ``since`` says None, and the caller recounts.
    """

    _heap: list[tuple[dt.datetime, int]] = field(default_factory=list)
    #: job sequence number -> bytes, for the entries counted now
    _counted: dict[int, int] = field(default_factory=dict)
    total: int = 0
    floor: dt.datetime | None = None

    def add(self, key: dt.datetime, seq: int, size: int) -> None:
        heapq.heappush(self._heap, (key, seq))
        self._counted[seq] = size
        self.total += size

    def forget(self, seq: int) -> None:
        self.total -= self._counted.pop(seq, 0)

    def since(self, threshold: dt.datetime) -> int | None:
        """The bytes of the entries keyed at or after ``threshold``; None if it went back."""
        if self.floor is not None and threshold < self.floor:
            return None
        heap = self._heap
        while heap and heap[0][0] < threshold:
            self.total -= self._counted.pop(heapq.heappop(heap)[1], 0)
        self.floor = threshold
        return self.total


#: datetimes count in microseconds: ``at or after now + TICK`` is ``after now``
TICK = dt.timedelta(microseconds=1)


@dataclass(eq=False)
class RetrievalWindow:
    """The region's Standard archive retrievals as data retrieval policies count them.

    ``made`` is keyed by creation (FreeTier counts those made since the UTC day began),
    ``running`` by completion (BytesPerHour counts those still in progress). The vaults' job
    indexes keep it current: a job counts from when it is stored until it is dropped or its
    vault deleted, exactly while a walk over the region's vaults would find it.
    """

    made: RunningSum = field(default_factory=RunningSum)
    running: RunningSum = field(default_factory=RunningSum)

    def add(self, job: Job) -> None:
        size, now = job.byte_count, job.creation_date
        self.made.add(job.creation_date, job.seq, size)
        self.running.add(job.completes_at, job.seq, size)
        # what has left both windows by now goes: the sums stay as small as the windows
        self.made.since(day_start(now))
        self.running.since(now + TICK)

    def forget(self, job: Job) -> None:
        self.made.forget(job.seq)
        self.running.forget(job.seq)


def day_start(moment: dt.datetime) -> dt.datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


class JobIndex(OrderedIndex[str, "Job"]):
    """A vault's jobs by id in creation order; it keeps the region's retrieval window."""

    def __init__(self, window: RetrievalWindow) -> None:
        super().__init__()
        self._window = window

    def __setitem__(self, key: str, job: Job) -> None:
        super().__setitem__(key, job)
        if job.tier == "Standard" and job.action == "ArchiveRetrieval":
            self._window.add(job)

    def __delitem__(self, key: str) -> None:
        self._window.forget(self._values[key])
        super().__delitem__(key)


def vault_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:glacier:{region}:{account_id}:vaults/{name}"


@dataclass(eq=False)
class Archive:
    archive_id: str
    vault_name: str
    description: str
    creation_date: dt.datetime
    size: int
    tree_hash: str
    data: bytes | memoryview = field(repr=False)


@dataclass(eq=False)
class Part:
    """One uploaded part of a multipart upload, kept as received until completion."""

    start: int
    data: bytes | memoryview = field(repr=False)
    tree_hash: str

    @property
    def end(self) -> int:
        return self.start + len(self.data) - 1


@dataclass(eq=False)
class Upload:
    """A multipart upload; kept a while after completion/abort so repeats are idempotent."""

    upload_id: str
    vault_name: str
    description: str | None
    part_size: int
    creation_date: dt.datetime
    #: last initiation, part, completion or abort: idle uploads expire 24 h after it
    last_activity: dt.datetime
    #: part index (start // part_size) -> part
    parts: dict[int, Part] = field(default_factory=dict)
    #: (archive id, size, tree hash) once completed
    completed: tuple[str, int, str] | None = None
    aborted: bool = False
    #: ``parts``' indexes in order, and the dict and size they were sorted for
    _order: tuple[dict[int, Part], int, list[int]] | None = field(
        default=None, init=False, repr=False
    )

    def part_indexes(self) -> list[int]:
        """The part indexes in order; sorted again only once parts were added (ListParts)."""
        order = self._order
        if order is None or order[0] is not self.parts or order[1] != len(self.parts):
            order = self._order = (self.parts, len(self.parts), sorted(self.parts))
        return order[2]

    @property
    def is_open(self) -> bool:
        return self.completed is None and not self.aborted


@dataclass(eq=False)
class VaultLock:
    """A vault lock policy: ``InProgress`` until completed (or expired), then ``Locked``."""

    lock_id: str
    policy: str
    state: str
    creation_date: dt.datetime
    expiration_date: dt.datetime

    def in_force(self, now: dt.datetime) -> bool:
        """An InProgress lock lapses at its expiration date; a Locked one never does."""
        return self.state == "Locked" or now < self.expiration_date


@dataclass(eq=False)
class Vault:
    name: str
    arn: str
    creation_date: dt.datetime
    jobs: JobIndex
    #: change through ``put_archive`` / ``pop_archive``, which keep ``archive_bytes`` right
    archives: dict[str, Archive] = field(default_factory=dict)
    #: the archives' total size, so DescribeVault does not add them up on every call
    archive_bytes: int = 0
    #: daily-inventory mode: when the last snapshot was taken and what it counted
    last_inventory_date: dt.datetime | None = None
    inventory_snapshot: tuple[Archive, ...] = ()
    snapshot_bytes: int = 0
    last_write: dt.datetime | None = None
    #: ListJobs markers of jobs dropped at expiry: job id -> its rank in ``jobs``, so a
    #: marker handed out before still continues after it (the newest MARKERS_KEPT only)
    expired_markers: dict[str, int] = field(default_factory=dict)
    uploads: OrderedIndex[str, Upload] = field(default_factory=OrderedIndex)
    #: when the uploads were last looked through for idle ones, and the earliest instant one
    #: of them can be idle for long enough to go (until then no look is needed)
    uploads_checked: dt.datetime | None = None
    uploads_idle_from: dt.datetime | None = None
    #: the inventory upload number of each archive it held when a marker was last issued or
    #: followed here: a marker keeps its place when archives are deleted or added after it
    upload_numbers: dict[str, int] = field(default_factory=dict, repr=False)
    notification_config: dict[str, Any] | None = None
    access_policy: str | None = None
    lock: VaultLock | None = None
    tags: dict[str, str] = field(default_factory=dict)

    def put_archive(self, archive: Archive) -> None:
        self.archives[archive.archive_id] = archive
        self.archive_bytes += archive.size

    def pop_archive(self, archive_id: str) -> Archive | None:
        archive = self.archives.pop(archive_id, None)
        if archive is not None:
            self.archive_bytes -= archive.size
        return archive

    def drop_job(self, job: Job) -> None:
        """Forget an expired job; its id still works as a ListJobs marker for a while."""
        rank = self.jobs.rank(job.job_id)
        if rank is not None and self.jobs[job.job_id] is job:
            del self.jobs[job.job_id]
            self.expired_markers[job.job_id] = rank
            if len(self.expired_markers) > MARKERS_KEPT:
                del self.expired_markers[next(iter(self.expired_markers))]

    def take_snapshot(self, moment: dt.datetime) -> None:
        """Daily-inventory mode: what DescribeVault and inventories report until the next.

        It keeps what an inventory lists, not the bytes: a deleted archive's go at once."""
        self.inventory_snapshot = tuple(replace(a, data=b"") for a in self.archives.values())
        self.snapshot_bytes = self.archive_bytes
        self.last_inventory_date = moment


@dataclass(eq=False)
class RegionState:
    account_id: str
    region: str
    vaults: dict[str, Vault] = field(default_factory=dict)
    retrieval_policy: dict[str, Any] = field(
        default_factory=lambda: {"Rules": [{"Strategy": "None"}]}
    )
    provisioned_capacity: list[Any] = field(default_factory=list)
    #: when Expedited retrievals were admitted, oldest first (the capacity model's window)
    expedited_admissions: deque[dt.datetime] = field(default_factory=deque)
    #: archive id -> the vault it was stored in (kept after deletion, to name the owner)
    archive_vaults: dict[str, str] = field(default_factory=dict)
    #: the Standard archive retrievals of its vaults, summed as retrieval policies count them
    retrievals: RetrievalWindow = field(default_factory=RetrievalWindow)
    #: ``vaults``' names in order (ListVaults), kept by ``add_vault`` and ``remove_vault``
    vault_names: list[str] = field(default_factory=list)

    def arn(self, vault_name: str) -> str:
        return vault_arn(self.region, self.account_id, vault_name)

    def add_vault(self, name: str, now: dt.datetime) -> Vault:
        vault = self.vaults[name] = Vault(name, self.arn(name), now, JobIndex(self.retrievals))
        bisect.insort(self.vault_names, name)
        return vault

    def remove_vault(self, name: str) -> None:
        """Its jobs stop counting towards the retrieval policy, as they are gone with it."""
        for job in self.vaults.pop(name).jobs.values():
            self.retrievals.forget(job)
        del self.vault_names[bisect.bisect_left(self.vault_names, name)]


class Backend:
    """All state of one double, its clock and its id source, behind one re-entrant lock."""

    def __init__(self, config: GlacierConfig, schedule: Schedule, scope: str = "") -> None:
        self.config = config
        self.clock = Clock(config.clock, config.start, config.time_scale)
        self.ids = IdFactory(config.seed, scope)
        self.lock = threading.RLock()
        self.regions: dict[tuple[str, str], RegionState] = {}
        #: jobs waiting to complete, and the notifications completions published
        self.schedule = schedule
        #: archive bytes: in memory, or in files of a temporary directory (config ``storage``)
        self.store = open_store(config.storage)
        #: where notifications and select output also go (None: they stay in the double)
        self.outbound: Outbound | None = None

    def region_state(self, region: str, account_id: str | None = None) -> RegionState:
        key = (account_id or self.config.account_id, region)
        with self.lock:
            state = self.regions.get(key)
            if state is None:
                state = self.regions[key] = RegionState(key[0], region)
                if self.config.retrieval_policy is not None:
                    state.retrieval_policy = dict(self.config.retrieval_policy)
            return state

    def now(self) -> dt.datetime:
        return self.clock.now()
