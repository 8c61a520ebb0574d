"""InitiateJob's body: validated (schema first, then the rules that need state) into a JobSpec.

Nothing here changes state, so a refused request leaves no job behind.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...core.errors import invalid, missing, not_found
from ...core.treehash import is_mb_aligned
from ..engine import validation as schemas
from ..engine.context import Context
from ..engine.rules import check_description
from ..engine.state import Archive, Vault
from ..notifications import SNS_TOPIC
from .model import ACTIONS, InventoryRequest, Schedule

if TYPE_CHECKING:
    from ..select.request import SelectRequest

#: Expedited retrievals are quick "except for archives over 250 MB" (the service's own words)
LARGE_EXPEDITED_BYTES = 250 * 1024 * 1024
RANGE = re.compile(r"([0-9]+)-([0-9]+)")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z")


@dataclass(frozen=True)
class JobSpec:
    """What a valid InitiateJob asks for."""

    type: str
    tier: str | None
    description: str | None
    sns_topic: str | None
    archive: Archive | None = None
    byte_range: tuple[int, int] | None = None
    inventory: InventoryRequest | None = None
    select: SelectRequest | None = None

    @property
    def action(self) -> str:
        return ACTIONS[self.type]

    @property
    def byte_count(self) -> int:
        return 0 if self.byte_range is None else self.byte_range[1] - self.byte_range[0] + 1


def parse(ctx: Context, vault: Vault, schedule: Schedule) -> JobSpec:
    """The JobSpec of this request, or the service's error for the first rule it breaks."""
    body = ctx.json_body()
    if body is None or body == {}:
        raise missing("Job Parameters")
    schemas.check("initiate_job", body)
    description = check_description(body.get("Description"), "job")
    topic = body.get("SNSTopic")
    if topic is not None and not SNS_TOPIC.fullmatch(topic):
        raise invalid(f"Invalid SNS topic: {topic}")
    kind = body["Type"]
    if kind == "select":
        # the select room (its SQL compiler) loads with the first select job, not at start-up
        from ..select.request import parse_request as parse_select_request

        select = parse_select_request(body)
        return JobSpec(
            kind,
            body.get("Tier", "Standard"),
            description,
            topic,
            _archive(vault, body["ArchiveId"]),
            select=select,
        )
    if kind == "archive-retrieval":
        archive = _archive(vault, body["ArchiveId"])
        return JobSpec(
            kind,
            body.get("Tier", "Standard"),
            description,
            topic,
            archive,
            _byte_range(body.get("RetrievalByteRange"), archive.size),
        )
    params = body.get("InventoryRetrievalParameters") or {}
    return JobSpec(
        kind,
        body.get("Tier"),
        description,
        topic,
        inventory=_inventory(body.get("Format", "JSON"), params, vault, schedule),
    )


def duration(spec: JobSpec, tiers: Mapping[str, dt.timedelta]) -> dt.timedelta:
    """How long the job takes: its tier's duration; inventory jobs default to Standard.

    Expedited over 250 MiB takes one Expedited period per started 250 MiB retrieved (a
    select job scans the whole archive), never longer than Standard (and never shorter than
    one Expedited period).
    """
    tier = spec.tier or "Standard"
    base = tiers[tier]
    scanned = spec.archive.size if spec.select and spec.archive else spec.byte_count
    if tier == "Expedited" and scanned > LARGE_EXPEDITED_BYTES:
        periods = math.ceil(scanned / LARGE_EXPEDITED_BYTES)
        return max(base, min(base * periods, tiers["Standard"]))
    return base


def _archive(vault: Vault, archive_id: str) -> Archive:
    archive = vault.archives.get(archive_id)
    if archive is None:
        raise not_found(f"The archive ID was not found: {archive_id}")
    return archive


def _byte_range(value: str | None, size: int) -> tuple[int, int]:
    """The inclusive range to retrieve: megabyte-aligned and inside the archive."""
    if value is None:
        return 0, size - 1
    match = RANGE.fullmatch(value)
    if match is None:
        raise invalid(f"Invalid RetrievalByteRange: {value}")
    start, end = int(match[1]), int(match[2])
    if start > end:
        raise invalid(f"The RetrievalByteRange {value} ends before it starts")
    if end >= size:
        raise invalid(
            f"The RetrievalByteRange {value} is not inside the archive, whose size is {size} bytes"
        )
    if not is_mb_aligned(start, end, size):
        raise invalid(f"The RetrievalByteRange {value} is not megabyte aligned")
    return start, end


def _inventory(
    form: str, params: dict[str, Any], vault: Vault, schedule: Schedule
) -> InventoryRequest:
    start = _date("StartDate", params.get("StartDate"))
    end = _date("EndDate", params.get("EndDate"))
    if start is not None and end is not None and start >= end:
        raise invalid(
            f"The StartDate {params['StartDate']} must be before the EndDate {params['EndDate']}"
        )
    limit = params.get("Limit")
    if limit is not None and not (limit.isascii() and limit.isdigit() and int(limit) >= 1):
        raise invalid(f"Invalid Limit: {limit}. The limit must be a positive integer.")
    marker = params.get("Marker")
    if marker is not None:
        issued = schedule.inventory_markers.get(marker)
        if issued is None or issued[0] != vault.arn:
            raise invalid(f"Invalid inventory marker: {marker}")
    return InventoryRequest(
        form, params.get("StartDate"), params.get("EndDate"), limit, marker, start, end
    )


def _date(name: str, value: str | None) -> dt.datetime | None:
    """An inventory range bound: ISO 8601 in UTC, ``YYYY-MM-DDThh:mm:ssZ``."""
    if value is None:
        return None
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        return dt.datetime.fromisoformat(value[:-1]).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        raise invalid(
            f"Invalid {name}: {value}. Dates must be ISO 8601 in UTC, "
            "for example 2013-03-20T17:03:43Z"
        ) from None
