"""The Job type, its DescribeJob shape, and the backend-wide completion schedule.

A job's status is a pure function of "now" and its schedule: it is InProgress before
``completes_at`` and done from then on. What it ends as (Succeeded or Failed, its output) is
decided once, by the settle step in ``schedule``, at the first observation after
``completes_at``; every state change goes through a request or the controller, both of which
settle first, so that decision sees the vault exactly as it was at completion time.
"""

from __future__ import annotations

import copy
import datetime as dt
import heapq
import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...core.clock import iso_ms
from ...records import Notification

if TYPE_CHECKING:
    from ..engine.state import Archive
    from ..select.request import SelectRequest

#: how long a completed job and its output stay readable
OUTPUT_LIFETIME = dt.timedelta(hours=24)
IN_PROGRESS_MESSAGE = "Operation in progress."

ACTIONS = {
    "archive-retrieval": "ArchiveRetrieval",
    "inventory-retrieval": "InventoryRetrieval",
    "select": "Select",
}


@dataclass(frozen=True)
class InventoryRequest:
    """InventoryRetrievalParameters as asked (strings echoed back as given)."""

    format: str = "JSON"
    start_date: str | None = None
    end_date: str | None = None
    limit: str | None = None
    marker: str | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True)
class Outcome:
    """How a job ended, decided once at its completion."""

    status: str  # Succeeded | Failed
    message: str
    output: bytes | memoryview = b""
    content_type: str = "application/octet-stream"
    #: inventory paging: the marker for the next InitiateJob, when items remain
    next_marker: str | None = None


@dataclass(eq=False)
class Job:
    job_id: str
    seq: int
    #: (account id, region) of the RegionState holding the vault
    region_key: tuple[str, str]
    vault_name: str
    vault_arn: str
    action: str
    creation_date: dt.datetime
    completes_at: dt.datetime
    tier: str | None = None
    description: str | None = None
    sns_topic: str | None = None
    archive: Archive | None = None
    #: inclusive byte range of the archive retrieved (archive jobs)
    byte_range: tuple[int, int] | None = None
    #: tree hash of the retrieved range when that range is tree-hash aligned
    range_tree_hash: str | None = None
    inventory: InventoryRequest | None = None
    select: SelectRequest | None = None
    #: a StatusMessage from a fault hook: the job ends Failed with it
    injected_failure: str | None = None
    outcome: Outcome | None = None
    #: ``describe`` as JSON, per value of ``done``: nothing else about a job changes
    encoded: dict[bool, bytes] = field(init=False, default_factory=dict, repr=False)

    @property
    def byte_count(self) -> int:
        """Bytes retrieved (the range length; 0 for jobs that retrieve no archive bytes)."""
        return 0 if self.byte_range is None else self.byte_range[1] - self.byte_range[0] + 1

    def done(self, now: dt.datetime) -> bool:
        return self.outcome is not None and now >= self.completes_at

    def status_code(self, now: dt.datetime) -> str:
        """DescribeJob's ``StatusCode``: InProgress until done, then how the job ended."""
        outcome = self.outcome
        return outcome.status if outcome is not None and now >= self.completes_at else "InProgress"

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.completes_at + OUTPUT_LIFETIME


def describe(job: Job, now: dt.datetime) -> dict[str, Any]:
    """The GlacierJobDescription of ``job`` as of ``now`` (null fields omitted)."""
    done = job.done(now)
    out: dict[str, Any] = {"JobId": job.job_id}
    if job.description is not None:
        out["JobDescription"] = job.description
    out["Action"] = job.action
    if job.archive is not None:
        out["ArchiveId"] = job.archive.archive_id
    out["VaultARN"] = job.vault_arn
    out["CreationDate"] = iso_ms(job.creation_date)
    out["Completed"] = done
    outcome = job.outcome if done else None
    out["StatusCode"] = job.status_code(now)
    out["StatusMessage"] = outcome.message if outcome else IN_PROGRESS_MESSAGE
    if job.archive is not None and job.select is None:
        out["ArchiveSizeInBytes"] = job.archive.size
    if outcome is not None and job.inventory is not None and outcome.status == "Succeeded":
        out["InventorySizeInBytes"] = len(outcome.output)
    if job.sns_topic is not None:
        out["SNSTopic"] = job.sns_topic
    if done:
        out["CompletionDate"] = iso_ms(job.completes_at)
    if job.range_tree_hash is not None:
        out["SHA256TreeHash"] = job.range_tree_hash
    if job.archive is not None and job.byte_range is not None:
        out["ArchiveSHA256TreeHash"] = job.archive.tree_hash
        out["RetrievalByteRange"] = f"{job.byte_range[0]}-{job.byte_range[1]}"
    if job.tier is not None:
        out["Tier"] = job.tier
    if job.inventory is not None:
        out["InventoryRetrievalParameters"] = _inventory_parameters(job.inventory, outcome)
    if job.select is not None:
        out["JobOutputPath"] = job.select.output_path(job.job_id)
        out["SelectParameters"] = copy.deepcopy(job.select.parameters)
        out["OutputLocation"] = copy.deepcopy(job.select.output_location)
    return out


def describe_json(job: Job, now: dt.datetime) -> bytes:
    """``describe(job, now)`` as compact JSON, encoded once per state of the job."""
    done = job.done(now)
    text = job.encoded.get(done)
    if text is None:
        text = job.encoded[done] = json.dumps(describe(job, now), separators=(",", ":")).encode()
    return text


def _inventory_parameters(asked: InventoryRequest, outcome: Outcome | None) -> dict[str, str]:
    """Echo of the request; once complete, ``Marker`` is the continuation marker (or absent)."""
    params = {"Format": asked.format}
    for key, value in (
        ("StartDate", asked.start_date),
        ("EndDate", asked.end_date),
        ("Limit", asked.limit),
    ):
        if value is not None:
            params[key] = value
    marker = asked.marker if outcome is None else outcome.next_marker
    if marker is not None:
        params["Marker"] = marker
    return params


@dataclass(eq=False)
class Schedule:
    """Jobs waiting to complete (ordered by completion time), and what completion published."""

    pending: list[tuple[dt.datetime, int, Job]] = field(default_factory=list)
    #: completed jobs by the time their output expires: they are dropped then
    expiring: list[tuple[dt.datetime, int, Job]] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    #: inventory continuation markers we issued: marker -> (vault ARN, upload rank to resume at)
    inventory_markers: dict[str, tuple[str, int]] = field(default_factory=dict)
    #: what select jobs wrote to their S3 output location: "s3://bucket/key" -> bytes
    s3_objects: dict[str, bytes] = field(default_factory=dict)
    #: inventory upload numbers: increasing in upload order, never reused (so a marker of a
    #: deleted vault resumes before every archive of a vault later made under its name)
    upload_numbers: itertools.count[int] = field(default_factory=itertools.count)
    _seq: itertools.count[int] = field(default_factory=itertools.count)

    def next_seq(self) -> int:
        return next(self._seq)

    def add(self, job: Job) -> None:
        heapq.heappush(self.pending, (job.completes_at, job.seq, job))

    def pop_due(self, now: dt.datetime) -> Job | None:
        """The next job due by ``now`` (earliest completion first, then creation order)."""
        if self.pending and self.pending[0][0] <= now:
            return heapq.heappop(self.pending)[2]
        return None

    def completed(self, job: Job) -> None:
        """``job`` has completed: it is kept until its output expires."""
        heapq.heappush(self.expiring, (job.completes_at + OUTPUT_LIFETIME, job.seq, job))

    def pop_expired(self, now: dt.datetime) -> Job | None:
        """The next completed job whose output has expired by ``now``."""
        if self.expiring and self.expiring[0][0] <= now:
            return heapq.heappop(self.expiring)[2]
        return None

    def last_completion(self) -> dt.datetime | None:
        return max((entry[0] for entry in self.pending), default=None)
