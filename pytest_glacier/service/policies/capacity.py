"""Provisioned capacity and the Expedited capacity model (InsufficientCapacityException).

Model (spec §10, documented in docs/faults.md): with N active units, 3·N Expedited retrievals
are admitted per sliding five-minute window of simulated time; without units the
``expedited_capacity`` setting is the per-window allowance (``None``: unlimited). A unit lasts
one calendar month; expired units are neither listed nor counted toward the limit of two.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from ...core.clock import iso_ms
from ...core.errors import DEFAULT_MESSAGES, GlacierError
from ...core.http import Response
from ..engine.context import Context, Handler
from ..engine.state import RegionState

MAX_UNITS = 2
RETRIEVALS_PER_UNIT = 3
WINDOW = dt.timedelta(minutes=5)
INSUFFICIENT = DEFAULT_MESSAGES["InsufficientCapacityException"]


@dataclass(frozen=True)
class CapacityUnit:
    capacity_id: str
    start: dt.datetime
    expiration: dt.datetime

    def describe(self) -> dict[str, str]:
        return {
            "CapacityId": self.capacity_id,
            "StartDate": iso_ms(self.start),
            "ExpirationDate": iso_ms(self.expiration),
        }


def one_month_later(moment: dt.datetime) -> dt.datetime:
    """The same day and second next month, clamped to that month's last day (Jan 31 → Feb 28)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day, microsecond=0)


def active_units(region: RegionState, now: dt.datetime) -> list[CapacityUnit]:
    return [unit for unit in region.provisioned_capacity if unit.expiration > now]


def purchase_provisioned_capacity(ctx: Context) -> Response:
    now = ctx.now()
    if len(active_units(ctx.region, now)) >= MAX_UNITS:
        raise GlacierError(
            "LimitExceededException",
            f"You have reached the limit of {MAX_UNITS} provisioned capacity units "
            "for this account.",
        )
    unit = CapacityUnit(ctx.backend.ids.short_id(), now, one_month_later(now))
    ctx.region.provisioned_capacity.append(unit)
    return ctx.reply(headers={"x-amz-capacity-id": unit.capacity_id})


def list_provisioned_capacity(ctx: Context) -> Response:
    units = active_units(ctx.region, ctx.now())
    return ctx.reply(json_body={"ProvisionedCapacityList": [u.describe() for u in units]})


def admit_expedited(ctx: Context) -> None:
    """Raise InsufficientCapacityException if no Expedited capacity is left right now.

    Called by InitiateJob for Expedited retrievals after validation, before the job exists;
    only an admitted retrieval is counted, so a refusal changes nothing.
    """
    now = ctx.now()
    admitted = ctx.region.expedited_admissions
    while admitted and admitted[0] <= now - WINDOW:
        admitted.popleft()
    units = len(active_units(ctx.region, now))
    allowance = units * RETRIEVALS_PER_UNIT if units else ctx.backend.config.expedited_capacity
    if allowance is not None and len(admitted) >= allowance:
        raise GlacierError("InsufficientCapacityException", INSUFFICIENT)
    admitted.append(now)


HANDLERS: dict[str, Handler] = {
    "PurchaseProvisionedCapacity": purchase_provisioned_capacity,
    "ListProvisionedCapacity": list_provisioned_capacity,
}
