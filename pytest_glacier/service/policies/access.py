"""Set/Get/DeleteVaultAccessPolicy: one IAM-style policy per vault, at most 20 KB."""

from __future__ import annotations

from ...core.errors import not_found
from ...core.http import Response
from ..engine.context import Context, Handler
from .evaluation import policy_from_body


def set_vault_access_policy(ctx: Context) -> Response:
    """Replaces the policy; it is parsed now, so an unsupported element is refused here."""
    vault = ctx.vault()
    vault.access_policy = policy_from_body(ctx)
    return ctx.reply()


def get_vault_access_policy(ctx: Context) -> Response:
    vault = ctx.vault()
    if vault.access_policy is None:
        raise not_found(f"No vault access policy is set for: {vault.arn}")
    return ctx.reply(json_body={"Policy": vault.access_policy})


def delete_vault_access_policy(ctx: Context) -> Response:
    """Idempotent: deleting when none is set succeeds."""
    ctx.vault().access_policy = None
    return ctx.reply()


HANDLERS: dict[str, Handler] = {
    "SetVaultAccessPolicy": set_vault_access_policy,
    "GetVaultAccessPolicy": get_vault_access_policy,
    "DeleteVaultAccessPolicy": delete_vault_access_policy,
}
