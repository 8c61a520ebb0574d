"""Backend state: plain objects per (account, region); no HTTP in here."""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

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
    #: change through ``put_archive`` / ``pop_archive``, which keep ``archive_bytes`` right
    archives: dict[str, Archive] = field(default_factory=dict)
    #: the archives' total size, so DescribeVault does not add them up on every call
    archive_bytes: int = 0
    #: daily-inventory mode: when the last snapshot was taken and what it counted
    last_inventory_date: dt.datetime | None = None
    inventory_snapshot: tuple[Archive, ...] = ()
    snapshot_bytes: int = 0
    last_write: dt.datetime | None = None
    jobs: dict[str, Job] = field(default_factory=dict)
    #: ListJobs markers of jobs dropped at expiry: job id -> its creation sequence number, so
    #: a marker handed out before still continues after it (the newest MARKERS_KEPT only)
    expired_markers: dict[str, int] = field(default_factory=dict)
    uploads: dict[str, Upload] = field(default_factory=dict)
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
        if self.jobs.get(job.job_id) is job:
            del self.jobs[job.job_id]
            self.expired_markers[job.job_id] = job.seq
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

    def arn(self, vault_name: str) -> str:
        return vault_arn(self.region, self.account_id, vault_name)


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
