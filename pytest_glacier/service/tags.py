"""AddTagsToVault, RemoveTagsFromVault, ListTagsForVault.

Limit: 50 tags per vault, as the developer guide says (the botocore model's text says 10).
"""

from __future__ import annotations

import re
from typing import Any

from ..core.errors import GlacierError, invalid, missing
from ..core.http import Response
from .engine.context import Context, Handler

MAX_TAGS_PER_VAULT = 50
MAX_TAGS_PER_REQUEST = 10
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 255
#: letters, digits, whitespace and _ . : / = + - @ (AWS tag rules; ':' as in "aws:")
_TAG_TEXT = re.compile(r"[\w\s.:/=+\-@]*")


def _member(ctx: Context, name: str) -> Any:
    body = ctx.json_body()
    value = body.get(name) if isinstance(body, dict) else None
    if value is None:
        raise missing(name)
    return value


def _check_count(count: int, what: str) -> None:
    if not 1 <= count <= MAX_TAGS_PER_REQUEST:
        raise invalid(
            f"Invalid number of {what}: {count}. A request takes between 1 and "
            f"{MAX_TAGS_PER_REQUEST} {what}."
        )


def check_tag(key: Any, value: Any) -> None:
    """A tag key (1-128 characters, not ``aws:``-prefixed) and value (0-255) of allowed text."""
    if (
        not isinstance(key, str)
        or not 1 <= len(key) <= MAX_KEY_LENGTH
        or key.lower().startswith("aws:")
        or not _TAG_TEXT.fullmatch(key)
    ):
        raise invalid(
            f"Invalid tag key: {key}. A tag key is 1-128 letters, digits, spaces and "
            "_ . : / = + - @, and must not start with aws:"
        )
    if (
        not isinstance(value, str)
        or len(value) > MAX_VALUE_LENGTH
        or not _TAG_TEXT.fullmatch(value)
    ):
        raise invalid(
            f"Invalid tag value: {value}. A tag value is 0-255 letters, digits, spaces and "
            "_ . : / = + - @"
        )


def add_tags_to_vault(ctx: Context) -> Response:
    """Adds or overwrites; refused whole if the vault would hold more than 50 tags."""
    vault = ctx.vault()
    tags = _member(ctx, "Tags")
    if not isinstance(tags, dict):
        raise invalid("Invalid Tags: Tags must be a map of tag keys to tag values")
    _check_count(len(tags), "tags")
    for key, value in tags.items():
        check_tag(key, value)
    total = len(vault.tags.keys() | tags.keys())
    if total > MAX_TAGS_PER_VAULT:
        raise GlacierError(
            "LimitExceededException",
            f"The vault would have {total} tags; a vault can have at most "
            f"{MAX_TAGS_PER_VAULT} tags: {vault.arn}",
        )
    vault.tags.update(tags)
    return ctx.reply()


def remove_tags_from_vault(ctx: Context) -> Response:
    """Keys that are not set are ignored."""
    vault = ctx.vault()
    keys = _member(ctx, "TagKeys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise invalid("Invalid TagKeys: TagKeys must be a list of tag keys")
    _check_count(len(keys), "tag keys")
    for key in keys:
        vault.tags.pop(key, None)
    return ctx.reply()


def list_tags_for_vault(ctx: Context) -> Response:
    return ctx.reply(json_body={"Tags": dict(ctx.vault().tags)})


HANDLERS: dict[str, Handler] = {
    "AddTagsToVault": add_tags_to_vault,
    "RemoveTagsFromVault": remove_tags_from_vault,
    "ListTagsForVault": list_tags_for_vault,
}
