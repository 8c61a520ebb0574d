"""Data retrieval policy: Get/SetDataRetrievalPolicy and its enforcement on InitiateJob.

Only Standard-tier archive retrievals are governed (spec §9). Two rules the guide leaves open
are fixed here and documented in docs/faults.md:

* ``BytesPerHour``: each in-progress Standard archive retrieval counts its bytes ÷ 4 per hour
  (the service spread a retrieval over four hours); a new one is refused when the sum with
  it would exceed the policy's rate.
* ``FreeTier``: Standard archive retrievals initiated since the start of the current UTC day,
  plus the new one, may not exceed the ``free_tier_bytes_per_day`` setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ...core.errors import DEFAULT_MESSAGES, GlacierError, missing
from ...core.http import Response
from ..engine import validation as schemas
from ..engine.context import Context, Handler
from ..engine.state import TICK, RegionState, day_start

#: a Standard retrieval is spread over this many hours when its rate is computed
RATE_SPREAD_HOURS = 4
DENIED = DEFAULT_MESSAGES["PolicyEnforcedException"]


def get_data_retrieval_policy(ctx: Context) -> Response:
    return ctx.reply(json_body={"Policy": ctx.region.retrieval_policy})


def set_data_retrieval_policy(ctx: Context) -> Response:
    body = ctx.json_body()
    if body is None:
        raise missing("Policy")
    schemas.check("data_retrieval_policy", body)
    ctx.region.retrieval_policy = _stored(body["Policy"])
    return ctx.reply()


def check_policy(policy: Any) -> dict[str, Any]:
    """The policy in its stored shape, or the AWS-shaped error naming what is wrong."""
    schemas.check("data_retrieval_policy", {"Policy": policy})
    return _stored(policy)


def _stored(policy: dict[str, Any]) -> dict[str, Any]:
    """Only the members the API returns (unknown ones are ignored, as the service does)."""
    rule = policy["Rules"][0]
    if rule["Strategy"] == "BytesPerHour":
        return {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": int(rule["BytesPerHour"])}]}
    return {"Rules": [{"Strategy": rule["Strategy"]}]}


def enforce(ctx: Context, tier: str, byte_count: int) -> None:
    """Raise PolicyEnforcedException if a new retrieval would break the region's policy.

    Called by InitiateJob after validation and before the job exists, so a refusal leaves
    nothing behind. The sums come from the region's running window (flat however many jobs
    the region holds); only a clock that reads earlier than before makes them walk the jobs.
    """
    if tier != "Standard":
        return
    region = ctx.region
    rule = region.retrieval_policy["Rules"][0]
    now = ctx.now()
    if rule["Strategy"] == "BytesPerHour":
        in_progress = region.retrievals.running.since(now + TICK)
        if in_progress is None:
            in_progress = sum(size for size, _, done in standard_retrievals(region) if done > now)
        if in_progress + byte_count > rule["BytesPerHour"] * RATE_SPREAD_HOURS:
            raise GlacierError("PolicyEnforcedException", DENIED)
    elif rule["Strategy"] == "FreeTier":
        since = day_start(now)
        today = region.retrievals.made.since(since)
        if today is None:
            today = sum(size for size, made, _ in standard_retrievals(region) if made >= since)
        if today + byte_count > ctx.backend.config.free_tier_bytes_per_day:
            raise GlacierError("PolicyEnforcedException", DENIED)


def standard_retrievals(region: RegionState) -> Iterator[tuple[int, dt.datetime, dt.datetime]]:
    """(bytes, creation, completion) of every Standard archive retrieval job in the region:
    what the window sums, walked (the clock went back past what the window let go)."""
    for vault in region.vaults.values():
        for job in vault.jobs.values():
            if job.action == "ArchiveRetrieval" and job.tier == "Standard":
                yield job.byte_count, job.creation_date, job.completes_at


HANDLERS: dict[str, Handler] = {
    "GetDataRetrievalPolicy": get_data_retrieval_policy,
    "SetDataRetrievalPolicy": set_data_retrieval_policy,
}
