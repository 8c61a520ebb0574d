"""Set/Get/DeleteVaultNotifications, and publishing a job's completion to SNS topics.

Publishing records the message (nothing leaves the process): to the job's own SNSTopic if it
named one, then to the vault's topic if its Events include the job's event, both when both
apply, as the service does. Glacier never checks that a topic exists, so neither do we.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from ..core.errors import invalid, missing, not_found
from ..core.http import Response
from ..records import Notification
from .engine import validation as schemas
from .engine.context import Context, Handler
from .engine.state import Vault

#: an SNS topic ARN as InitiateJob and SetVaultNotifications accept it. Glacier does not
#: verify the topic (nor that it exists, nor its permissions), so any ARN-shaped string
#: passes: ``arn:<partition>:sns:<region>:<account>:<name>`` with a partition ``aws`` or
#: ``aws-<word>...`` (``aws-cn``, ``aws-us-gov``, ``aws-iso-b``), a non-empty region of
#: lower-case letters, digits and hyphens, an account of one or more ASCII digits (the CLI
#: reference's own example has 13), and a topic name of 1-256 letters, digits, ``-`` and
#: ``_`` (``.fifo`` allowed at the end). Refused: anything else (another service, a missing
#: part, a non-digit account, a name with other characters, extra ``:`` parts).
SNS_TOPIC = re.compile(
    r"arn:aws(-[a-z]+)*:sns:[a-z0-9-]+:[0-9]+:[A-Za-z0-9_-]{1,256}(\.fifo)?", re.ASCII
)
EVENTS = {
    "ArchiveRetrieval": "ArchiveRetrievalCompleted",
    "InventoryRetrieval": "InventoryRetrievalCompleted",
    "Select": "ArchiveRetrievalCompleted",
}


def set_vault_notifications(ctx: Context) -> Response:
    vault = ctx.vault()
    body = ctx.json_body()
    if body is None:
        raise missing("vaultNotificationConfig")
    schemas.check("vault_notifications", body)
    topic = body["SNSTopic"]
    if not SNS_TOPIC.fullmatch(topic):
        raise invalid(f"Invalid SNS topic: {topic}")
    vault.notification_config = {"SNSTopic": topic, "Events": list(body["Events"])}
    return ctx.reply()


def get_vault_notifications(ctx: Context) -> Response:
    vault = ctx.vault()
    if vault.notification_config is None:
        raise not_found(f"No notification configuration is set for vault: {vault.arn}")
    return ctx.reply(json_body=vault.notification_config)


def delete_vault_notifications(ctx: Context) -> Response:
    ctx.vault().notification_config = None
    return ctx.reply()


def publish(
    vault: Vault, action: str, job_topic: str | None, message: dict[str, Any]
) -> list[Notification]:
    """The messages a completed job (of ``action``, naming ``job_topic``) sends, in order."""
    topics = [job_topic] if job_topic is not None else []
    config = vault.notification_config
    if config is not None and EVENTS[action] in config["Events"]:
        topics.append(config["SNSTopic"])
    return [Notification(topic, copy.deepcopy(message)) for topic in topics]


HANDLERS: dict[str, Handler] = {
    "SetVaultNotifications": set_vault_notifications,
    "GetVaultNotifications": get_vault_notifications,
    "DeleteVaultNotifications": delete_vault_notifications,
}
