"""Vault inventories: the daily snapshot (``inventory="daily"``) and inventory job output.

Live mode (the default) inventories the vault as it is when the job completes, dated at that
moment. Daily mode inventories the vault's last snapshot: a snapshot is taken at each
24-hour mark counted from the vault's creation, but only when archives were added or removed
since the previous one (so its date only moves then), as the service does. Before the first
snapshot a daily-mode inventory is empty and dated at the vault's creation.

Archives are listed in upload order, which is the order a vault (and its snapshot) keeps
them in. The output is written a batch of rows at a time into one buffer that becomes the
job's output without a copy, so building it holds about the output and never a list of every
row; GetJobOutput serves ranges of it as views.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Collection, Iterable, Iterator
from json.encoder import encode_basestring_ascii as json_string

from ...core.clock import iso_ms, iso_s
from ..engine.state import Archive, Backend, Vault
from .model import InventoryRequest, Job, Outcome, Schedule

DAY = dt.timedelta(days=1)
CSV_HEADER = "ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash\n"
MARKER_LENGTH = 135
#: rows encoded and written to the output at a time
BATCH = 4096


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


def build(backend: Backend, vault: Vault, job: Job, schedule: Schedule) -> Outcome:
    """The output of inventory ``job`` completing now (caller holds the lock)."""
    asked = job.inventory
    assert asked is not None
    if backend.config.inventory == "daily":
        take_snapshot(vault, job.completes_at)
        archives: Collection[Archive] = vault.inventory_snapshot
        dated = vault.last_inventory_date or vault.creation_date
    else:
        archives, dated = vault.archives.values(), job.completes_at
    # upload numbers are needed only to page; a whole inventory is the archives as kept
    numbers = _numbers(vault, archives, schedule) if asked.marker or asked.limit else None
    listed = _matching(archives, asked, numbers, schedule)
    page = itertools.islice(listed, int(asked.limit)) if asked.limit is not None else listed
    if asked.format == "CSV":
        output, content_type = render_csv(page), "text/csv"
    else:
        output, content_type = render_json(vault.arn, dated, page), "application/json"
    following = next(listed, None)  # the page is written: this is the next page's first
    next_marker = None
    if following is not None:
        assert numbers is not None
        next_marker = backend.ids.make(MARKER_LENGTH)
        schedule.inventory_markers[next_marker] = (vault.arn, numbers[following.archive_id])
    return Outcome("Succeeded", "Succeeded", output, content_type, next_marker)


def _numbers(vault: Vault, archives: Collection[Archive], schedule: Schedule) -> dict[str, int]:
    """Upload numbers of ``archives`` (in upload order); ones new since the last time get
    the next numbers, which is right because they were uploaded after all numbered before.
    Archives gone since are forgotten: the numbers of the others do not change."""
    known, counter = vault.upload_numbers, schedule.upload_numbers
    numbers = {}
    for archive in archives:
        number = known.get(archive.archive_id)
        numbers[archive.archive_id] = next(counter) if number is None else number
    vault.upload_numbers = numbers
    return numbers


def _matching(
    archives: Collection[Archive],
    asked: InventoryRequest,
    numbers: dict[str, int] | None,
    schedule: Schedule,
) -> Iterator[Archive]:
    """The archives the job lists, in upload order: from the marker's place on, in dates."""
    listed: Iterable[Archive] = archives
    if asked.marker:
        assert numbers is not None
        resume = schedule.inventory_markers[asked.marker][1]
        listed = (a for a in listed if numbers[a.archive_id] >= resume)
    start, end = asked.start, asked.end
    if start is not None:
        listed = (a for a in listed if a.creation_date >= start)
    if end is not None:
        listed = (a for a in listed if a.creation_date < end)
    return iter(listed)


def render_json(vault_arn: str, dated: dt.datetime, archives: Iterable[Archive]) -> bytes:
    """What ``json.dumps`` with compact separators writes, written a row at a time."""
    head = f'{{"VaultARN":{json_string(vault_arn)},"InventoryDate":"{iso_s(dated)}","ArchiveList":['
    rows = (
        f'{{"ArchiveId":{json_string(a.archive_id)},'
        f'"ArchiveDescription":{json_string(a.description)},'
        f'"CreationDate":"{iso_ms(a.creation_date)}","Size":{a.size:d},'
        f'"SHA256TreeHash":{json_string(a.tree_hash)}}}'
        for a in archives
    )
    return _written(head, rows, ",", "]}")


def render_csv(archives: Iterable[Archive]) -> bytes:
    """Header row, then one row per archive; quoting as the service does it."""
    rows = (
        f"{csv_field(a.archive_id)},{csv_field(a.description)},{iso_ms(a.creation_date)},"
        f"{a.size:d},{csv_field(a.tree_hash)}\n"
        for a in archives
    )
    return _written(CSV_HEADER, rows, "", "")


def _written(head: str, rows: Iterator[str], separator: str, tail: str) -> bytes:
    """``head``, the rows joined by ``separator``, then ``tail``, as one bytes object: a batch
    of rows is encoded at a time into a buffer whose bytes become the result uncopied."""
    out = io.BytesIO()
    out.write(head.encode())
    batch = separator.join(itertools.islice(rows, BATCH))
    while batch:
        out.write(batch.encode())
        batch = separator.join(itertools.islice(rows, BATCH))
        if batch and separator:
            out.write(separator.encode())
    out.write(tail.encode())
    return out.getvalue()


def csv_field(value: str) -> str:
    """Quoted when it holds ``,`` or ``"``; an inner ``"`` becomes ``\\"``, ``\\`` stays as is."""
    if "," in value or '"' in value:
        return '"' + value.replace('"', '\\"') + '"'
    return value
