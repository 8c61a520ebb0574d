"""AddTagsToVault, RemoveTagsFromVault, ListTagsForVault: rules, limits, refusals."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_glacier import Glacier

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
KEY_RULE = (
    "A tag key is 1-128 letters, digits, spaces and _ . : / = + - @, and must not start with aws:"
)
VALUE_RULE = "A tag value is 0-255 letters, digits, spaces and _ . : / = + - @"


def tags(client: Any) -> dict[str, str]:
    return dict(client.list_tags_for_vault(vaultName="vault")["Tags"])


def test_new_vault_has_an_empty_tag_map(client: Any, vault: str) -> None:
    out = client.list_tags_for_vault(vaultName="vault")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert out["Tags"] == {}


def test_add_overwrites_and_accepts_empty_values(client: Any, vault: str) -> None:
    out = client.add_tags_to_vault(vaultName="vault", Tags={"a": "1", "b": "2"})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    client.add_tags_to_vault(vaultName="vault", Tags={"a": "one", "empty": ""})
    assert tags(client) == {"a": "one", "b": "2", "empty": ""}


@pytest.mark.parametrize(
    "key", ["k", "x" * 128, "Ünïcode ключ", "a_b.c:d/e=f+g-h@i", "with space", "AWS-ish"]
)
def test_add_accepts_valid_keys(client: Any, vault: str, key: str) -> None:
    client.add_tags_to_vault(vaultName="vault", Tags={key: "v" * 255})
    assert tags(client) == {key: "v" * 255}


def test_keys_are_case_sensitive(client: Any, vault: str) -> None:
    client.add_tags_to_vault(vaultName="vault", Tags={"Key": "1", "key": "2"})
    assert tags(client) == {"Key": "1", "key": "2"}


@pytest.mark.parametrize("key", ["", "x" * 129, "aws:reserved", "AWS:reserved", "bad*char", "a#b"])
def test_add_rejects_invalid_keys(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier, key: str
) -> None:
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Invalid tag key: {key}. {KEY_RULE}"
    ):
        client.add_tags_to_vault(vaultName="vault", Tags={"ok": "1", key: "v"})
    assert glacier.vaults()["vault"].tags == {}


@pytest.mark.parametrize("value", ["v" * 256, "semi;colon", "star*"])
def test_add_rejects_invalid_values(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier, value: str
) -> None:
    with raises_glacier(
        "InvalidParameterValueException", 400, f"Invalid tag value: {value}. {VALUE_RULE}"
    ):
        client.add_tags_to_vault(vaultName="vault", Tags={"k": value})
    assert glacier.vaults()["vault"].tags == {}


@pytest.mark.parametrize("count", [0, 11])
def test_add_takes_one_to_ten_tags_per_request(
    client: Any, vault: str, raises_glacier: Any, count: int
) -> None:
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Invalid number of tags: {count}. A request takes between 1 and 10 tags.",
    ):
        client.add_tags_to_vault(vaultName="vault", Tags={f"k{i}": "v" for i in range(count)})


def test_add_without_tags(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier("MissingParameterValueException", 400, "Required parameter missing: Tags"):
        client.add_tags_to_vault(vaultName="vault")


def test_a_vault_holds_50_tags_and_refuses_the_51st(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    for batch in range(5):
        client.add_tags_to_vault(
            vaultName="vault", Tags={f"k{batch * 10 + i}": "v" for i in range(10)}
        )
    client.add_tags_to_vault(vaultName="vault", Tags={"k0": "overwrite is fine"})
    with raises_glacier(
        "LimitExceededException",
        400,
        f"The vault would have 52 tags; a vault can have at most 50 tags: {ARN}",
    ):
        client.add_tags_to_vault(vaultName="vault", Tags={"new1": "v", "new2": "v", "k1": "x"})
    current = tags(client)
    assert len(current) == 50
    assert (current["k0"], current["k1"]) == ("overwrite is fine", "v")


def test_remove_ignores_unknown_keys(client: Any, vault: str) -> None:
    client.add_tags_to_vault(vaultName="vault", Tags={"a": "1", "b": "2"})
    out = client.remove_tags_from_vault(vaultName="vault", TagKeys=["a", "never-set"])
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert tags(client) == {"b": "2"}


@pytest.mark.parametrize("count", [0, 11])
def test_remove_takes_one_to_ten_keys(
    client: Any, vault: str, raises_glacier: Any, count: int
) -> None:
    client.add_tags_to_vault(vaultName="vault", Tags={"k0": "v"})
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        f"Invalid number of tag keys: {count}. A request takes between 1 and 10 tag keys.",
    ):
        client.remove_tags_from_vault(vaultName="vault", TagKeys=[f"k{i}" for i in range(count)])
    assert tags(client) == {"k0": "v"}


def test_remove_without_keys(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: TagKeys"
    ):
        client.remove_tags_from_vault(vaultName="vault")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.add_tags_to_vault(vaultName="vault", Tags={"a": "b"}),
        lambda c: c.remove_tags_from_vault(vaultName="vault", TagKeys=["a"]),
        lambda c: c.list_tags_for_vault(vaultName="vault"),
    ],
)
def test_tag_operations_on_a_missing_vault(client: Any, raises_glacier: Any, call: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}"):
        call(client)
