"""Initiate/Complete/Abort/GetVaultLock: the vault lock state machine (none, InProgress, Locked).

An InProgress lock lapses 24 h after initiation (simulated time): its id stops working and its
policy stops applying. A Locked policy can never be aborted or replaced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...core.clock import iso_ms
from ...core.errors import GlacierError, invalid, not_found
from ...core.http import Response
from ..engine.context import Context, Handler
from ..engine.state import Vault, VaultLock
from .evaluation import policy_from_body

LOCK_WINDOW = dt.timedelta(hours=24)


def _denied(message: str) -> GlacierError:
    return GlacierError("AccessDeniedException", message)


def current_lock(vault: Vault, now: dt.datetime) -> VaultLock | None:
    """The vault's lock, after dropping an InProgress one that has expired."""
    if vault.lock is not None and not vault.lock.in_force(now):
        vault.lock = None
    return vault.lock


def initiate_vault_lock(ctx: Context) -> Response:
    vault = ctx.vault()
    now = ctx.now()
    lock = current_lock(vault, now)
    if lock is not None and lock.state == "Locked":
        raise _denied(f"The vault lock policy is locked and cannot be changed: {vault.arn}")
    if lock is not None:
        raise _denied(
            f"A vault lock is already in progress for: {vault.arn}. "
            "Abort it before initiating a new one."
        )
    policy = policy_from_body(ctx)
    lock_id = ctx.backend.ids.short_id()
    vault.lock = VaultLock(lock_id, policy, "InProgress", now, now + LOCK_WINDOW)
    return ctx.reply(headers={"x-amz-lock-id": lock_id})


def complete_vault_lock(ctx: Context) -> Response:
    """Right id: InProgress -> Locked (repeating it is fine); a wrong id is refused."""
    vault = ctx.vault()
    lock_id = ctx.params["lockId"]
    lock = current_lock(vault, ctx.now())
    if lock is None:
        raise not_found(f"No vault lock is in progress for: {vault.arn}")
    if lock.lock_id != lock_id:
        if lock.state == "Locked":
            raise _denied(f"The vault lock policy is locked and cannot be changed: {vault.arn}")
        raise invalid(f"Invalid lock ID: {lock_id}")
    lock.state = "Locked"
    return ctx.reply()


def abort_vault_lock(ctx: Context) -> Response:
    """Removes an InProgress lock; succeeds with none; a Locked one cannot be aborted."""
    vault = ctx.vault()
    lock = current_lock(vault, ctx.now())
    if lock is not None and lock.state == "Locked":
        raise _denied(f"The vault lock policy is locked and cannot be aborted: {vault.arn}")
    vault.lock = None
    return ctx.reply()


def get_vault_lock(ctx: Context) -> Response:
    vault = ctx.vault()
    lock = current_lock(vault, ctx.now())
    if lock is None:
        raise not_found(f"No vault lock policy is set for: {vault.arn}")
    body: dict[str, Any] = {
        "Policy": lock.policy,
        "State": lock.state,
        "CreationDate": iso_ms(lock.creation_date),
    }
    if lock.state == "InProgress":
        body["ExpirationDate"] = iso_ms(lock.expiration_date)
    return ctx.reply(json_body=body)


HANDLERS: dict[str, Handler] = {
    "InitiateVaultLock": initiate_vault_lock,
    "CompleteVaultLock": complete_vault_lock,
    "AbortVaultLock": abort_vault_lock,
    "GetVaultLock": get_vault_lock,
}
