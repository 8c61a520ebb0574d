"""CreateVault, DescribeVault, ListVaults, DeleteVault."""

from __future__ import annotations

import bisect
import re
from typing import Any

from ..core.clock import iso_ms
from ..core.errors import GlacierError, invalid
from ..core.http import Response
from .engine.context import Context, Handler
from .engine.rules import parse_limit
from .engine.state import Vault

VAULT_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,255}")
MAX_VAULTS = 1000
LIST_VAULTS_LIMIT = 10
#: per-archive overhead the service adds to SizeInBytes (32 KiB, as its own examples show)
ARCHIVE_OVERHEAD = 32 * 1024


def create_vault(ctx: Context) -> Response:
    name = ctx.params["vaultName"]
    if not VAULT_NAME.fullmatch(name):
        raise invalid(f"Invalid vault name: {name}")
    vaults = ctx.region.vaults
    if name not in vaults:
        if len(vaults) >= MAX_VAULTS:
            raise GlacierError(
                "LimitExceededException",
                f"The maximum number of vaults ({MAX_VAULTS}) for this account and region "
                "has been reached.",
            )
        ctx.region.add_vault(name, ctx.now())
    return ctx.reply(headers={"location": f"/{ctx.account_id}/vaults/{name}"})


def describe_vault(ctx: Context) -> Response:
    return ctx.reply(json_body=vault_summary(ctx.vault(), ctx.backend.config.inventory))


def vault_summary(vault: Vault, inventory_mode: str) -> dict[str, Any]:
    """DescribeVault's body: counts as of the last inventory (live mode: always current)."""
    if inventory_mode == "live":
        count, size, inventory_date = len(vault.archives), vault.archive_bytes, vault.last_write
    else:
        count, size = len(vault.inventory_snapshot), vault.snapshot_bytes
        inventory_date = vault.last_inventory_date
    summary: dict[str, Any] = {
        "VaultARN": vault.arn,
        "VaultName": vault.name,
        "CreationDate": iso_ms(vault.creation_date),
        "NumberOfArchives": count,
        "SizeInBytes": size + ARCHIVE_OVERHEAD * count,
    }
    if inventory_date is not None:
        summary["LastInventoryDate"] = iso_ms(inventory_date)
    return summary


def list_vaults(ctx: Context) -> Response:
    limit = parse_limit(ctx.request.query.get("limit"), LIST_VAULTS_LIMIT)
    names = ctx.region.vault_names  # kept in order: a page is found by bisection
    start = 0
    marker = ctx.request.query.get("marker")
    if marker is not None:
        prefix = ctx.vault_arn("")
        if not marker.startswith(prefix) or not VAULT_NAME.fullmatch(marker[len(prefix) :]):
            raise invalid(f"Invalid marker: {marker}")
        wanted = marker[len(prefix) :]
        start = bisect.bisect_left(names, wanted)
    page = names[start : start + limit]
    rest = names[start + limit : start + limit + 1]
    mode = ctx.backend.config.inventory
    return ctx.reply(
        json_body={
            "VaultList": [vault_summary(ctx.region.vaults[n], mode) for n in page],
            "Marker": ctx.vault_arn(rest[0]) if rest else None,
        }
    )


def delete_vault(ctx: Context) -> Response:
    vault = ctx.vault()
    if ctx.backend.config.inventory == "live":
        busy = bool(vault.archives)
    else:
        written = vault.last_write is not None and (
            vault.last_inventory_date is None or vault.last_write > vault.last_inventory_date
        )
        busy = bool(vault.inventory_snapshot) or written
    if busy:
        raise invalid(f"Vault not empty or recently written to: {vault.arn}")
    ctx.region.remove_vault(vault.name)
    return ctx.reply()


HANDLERS: dict[str, Handler] = {
    "CreateVault": create_vault,
    "DescribeVault": describe_vault,
    "ListVaults": list_vaults,
    "DeleteVault": delete_vault,
}
