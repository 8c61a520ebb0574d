"""Vault inventories: the daily snapshot (``inventory="daily"``) and inventory job output.

Live mode (the default) inventories the vault as it is when the job completes, dated at that
moment. Daily mode inventories the vault's last snapshot: a snapshot is taken at each
24-hour mark counted from the vault's creation, but only when archives were added or removed
since the previous one (so its date only moves then), as the service does. Before the first
snapshot a daily-mode inventory is empty and dated at the vault's creation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from ...core.clock import iso_ms, iso_s
from ..engine.state import Archive, Backend, RegionState, Vault
from .model import Job, Outcome, Schedule

DAY = dt.timedelta(days=1)
CSV_HEADER = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"
MARKER_LENGTH = 135


def take_snapshots(backend: Backend, until: dt.datetime) -> None:
    """Daily mode: take every snapshot that was due by ``until`` (caller holds the lock)."""
    for region in backend.regions.values():
        for vault in region.vaults.values():
            take_snapshot(vault, until)


def take_snapshot(vault: Vault, until: dt.datetime) -> None:
    """Snapshot ``vault`` at the first 24-hour mark after its last write, if that is due.

    Exact because every write settles due snapshots first: the vault has not changed
    between its last write and ``until``.
    """
    written = vault.last_write
    if written is None or (
        vault.last_inventory_date is not None and written < vault.last_inventory_date
    ):
        return
    mark = vault.creation_date + DAY * ((written - vault.creation_date) // DAY + 1)
    if mark <= until:
        vault.take_snapshot(mark)


def build(
    backend: Backend, region: RegionState, vault: Vault, job: Job, schedule: Schedule
) -> Outcome:
    """The output of inventory ``job`` completing now (caller holds the lock)."""
    asked = job.inventory
    assert asked is not None
    if backend.config.inventory == "daily":
        take_snapshot(vault, job.completes_at)
        archives: Iterable[Archive] = vault.inventory_snapshot
        dated = vault.last_inventory_date or vault.creation_date
    else:
        archives, dated = vault.archives.values(), job.completes_at
    rank = {archive_id: i for i, archive_id in enumerate(region.archive_vaults)}
    resume = schedule.inventory_markers[asked.marker][1] if asked.marker else 0
    items = sorted(
        (
            a
            for a in archives
            if rank[a.archive_id] >= resume
            and (asked.start is None or a.creation_date >= asked.start)
            and (asked.end is None or a.creation_date < asked.end)
        ),
        key=lambda a: rank[a.archive_id],
    )
    limit = int(asked.limit) if asked.limit is not None else len(items)
    page, rest = items[:limit], items[limit:]
    next_marker = None
    if rest:
        next_marker = backend.ids.make(MARKER_LENGTH)
        schedule.inventory_markers[next_marker] = (vault.arn, rank[rest[0].archive_id])
    if asked.format == "CSV":
        output, content_type = render_csv(page), "text/csv"
    else:
        output, content_type = render_json(vault.arn, dated, page), "application/json"
    return Outcome("Succeeded", "Succeeded", output, content_type, next_marker)


def render_json(vault_arn: str, dated: dt.datetime, archives: Sequence[Archive]) -> bytes:
    return json.dumps(
        {
            "VaultARN": vault_arn,
            "InventoryDate": iso_s(dated),
            "ArchiveList": [
                {
                    "ArchiveId": a.archive_id,
                    "ArchiveDescription": a.description,
                    "CreationDate": iso_ms(a.creation_date),
                    "Size": a.size,
                    "SHA256TreeHash": a.tree_hash,
                }
                for a in archives
            ],
        },
        separators=(",", ":"),
    ).encode()


def render_csv(archives: Sequence[Archive]) -> bytes:
    """Header row, then one row per archive; quoting as the service does it."""
    rows = [CSV_HEADER]
    for a in archives:
        fields = (a.archive_id, a.description, iso_ms(a.creation_date), str(a.size), a.tree_hash)
        rows.append(",".join(csv_field(f) for f in fields) + "\n")
    return "".join(rows).encode()


def csv_field(value: str) -> str:
    """Quoted when it holds ``,`` or ``"``; an inner ``"`` becomes ``\\"``, ``\\`` stays as is."""
    if "," in value or '"' in value:
        return '"' + value.replace('"', '\\"') + '"'
    return value
