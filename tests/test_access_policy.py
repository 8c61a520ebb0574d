"""Set/Get/DeleteVaultAccessPolicy, and the strict policy parser behind it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_glacier import Glacier

ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/vault"
STATEMENT = {
    "Effect": "Deny",
    "Principal": "*",
    "Action": "glacier:DeleteArchive",
    "Resource": "*",
}
CROSS_ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "cross-account-upload",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "444455556666"]},
            "Effect": "Allow",
            "Action": ["glacier:UploadArchive", "glacier:InitiateMultipartUpload"],
            "Resource": [ARN],
        }
    ],
}


def set_policy(client: Any, document: Any) -> Any:
    text = document if isinstance(document, str) else json.dumps(document)
    return client.set_vault_access_policy(vaultName="vault", policy={"Policy": text})


def with_statement(**changes: Any) -> dict[str, Any]:
    statement = {**STATEMENT, **changes}
    return {"Version": "2012-10-17", "Statement": [{k: v for k, v in statement.items() if v}]}


def test_set_get_delete_round_trip(client: Any, vault: str) -> None:
    text = json.dumps(CROSS_ACCOUNT)
    out = set_policy(client, text)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.get_vault_access_policy(vaultName="vault")["policy"] == {"Policy": text}
    out = client.delete_vault_access_policy(vaultName="vault")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_set_replaces_the_policy(client: Any, vault: str) -> None:
    set_policy(client, CROSS_ACCOUNT)
    replacement = with_statement(Action="glacier:InitiateJob")
    set_policy(client, replacement)
    stored = client.get_vault_access_policy(vaultName="vault")["policy"]["Policy"]
    assert json.loads(stored) == replacement


def test_get_without_a_policy(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "ResourceNotFoundException", 404, f"No vault access policy is set for: {ARN}"
    ):
        client.get_vault_access_policy(vaultName="vault")


def test_delete_is_idempotent(client: Any, vault: str, raises_glacier: Any) -> None:
    set_policy(client, CROSS_ACCOUNT)
    client.delete_vault_access_policy(vaultName="vault")
    client.delete_vault_access_policy(vaultName="vault")
    with raises_glacier("ResourceNotFoundException", 404):
        client.get_vault_access_policy(vaultName="vault")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: set_policy(c, CROSS_ACCOUNT),
        lambda c: c.get_vault_access_policy(vaultName="vault"),
        lambda c: c.delete_vault_access_policy(vaultName="vault"),
    ],
)
def test_access_policy_operations_on_a_missing_vault(
    client: Any, raises_glacier: Any, call: Any
) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}"):
        call(client)


def test_set_without_policy(client: Any, vault: str, raises_glacier: Any) -> None:
    with raises_glacier(
        "MissingParameterValueException", 400, "Required parameter missing: Policy"
    ):
        client.set_vault_access_policy(vaultName="vault")


def test_policy_of_20_kib_is_accepted_and_one_byte_more_refused(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    padded = {"Statement": [{**STATEMENT, "Sid": ""}]}
    room = 20 * 1024 - len(json.dumps(padded))
    padded["Statement"][0]["Sid"] = "s" * room
    text = json.dumps(padded)
    assert len(text) == 20480
    set_policy(client, text)
    padded["Statement"][0]["Sid"] += "s"
    with raises_glacier(
        "InvalidParameterValueException",
        400,
        "Invalid policy: the policy is 20481 bytes; the limit is 20480 bytes",
    ):
        set_policy(client, json.dumps(padded))
    assert client.get_vault_access_policy(vaultName="vault")["policy"]["Policy"] == text


ACCEPTED = [
    CROSS_ACCOUNT,
    with_statement(Principal={"AWS": "*"}, Action=["glacier:Delete*", "glacier:?nitiateJob"]),
    with_statement(Action=None, NotAction="glacier:Describe*"),
    with_statement(Resource=None, NotResource="arn:aws:glacier:*:*:vaults/other"),
    with_statement(
        Condition={
            "NumericLessThanEquals": {"glacier:ArchiveAgeinDays": "365"},
            "StringLikeIfExists": {"glacier:ResourceTag/LegalHold": ["true", ""]},
            "Null": {"glacier:ResourceTag/Owner": "false"},
            "NumericGreaterThan": {"glacier:ArchiveAgeInDays": 1.5},
        }
    ),
    {"Statement": {**STATEMENT, "Action": "*"}},
    {"Version": "2008-10-17", "Id": "x", "Statement": STATEMENT},
]


@pytest.mark.parametrize("document", ACCEPTED)
def test_supported_policies_are_accepted(client: Any, vault: str, document: Any) -> None:
    set_policy(client, document)


REFUSED = [
    ("not json", "the policy is not valid JSON (Expecting value: line 1 column 1 (char 0))"),
    ("[]", "the policy must be a JSON object"),
    ({"Statement": STATEMENT, "Extra": 1}, "unsupported policy element 'Extra'"),
    (
        {"Version": "2020-01-01", "Statement": STATEMENT},
        "Version must be one of 2012-10-17, 2008-10-17",
    ),
    ({"Version": "2012-10-17"}, "the policy has no Statement"),
    ({"Statement": []}, "the policy has no Statement"),
    ({"Statement": ["x"]}, "each Statement must be an object"),
    (
        {"Statement": {**STATEMENT, "NotPrincipal": "*"}},
        "unsupported policy element 'NotPrincipal'",
    ),
    (with_statement(Effect="Maybe"), 'Effect must be "Allow" or "Deny"'),
    (with_statement(Principal=None), "each Statement needs a Principal"),
    (with_statement(Principal="someone"), 'Principal must be "*" or {"AWS": ...}'),
    (
        with_statement(Principal={"Service": "sns.amazonaws.com"}),
        "unsupported principal type 'Service' (only AWS is supported)",
    ),
    (
        with_statement(Principal={"AWS": "bob"}),
        "invalid principal 'bob': use a 12-digit account ID or an IAM ARN such as "
        "arn:aws:iam::123456789012:root",
    ),
    (
        with_statement(Action="s3:GetObject"),
        "invalid action 's3:GetObject': actions must be glacier:<Operation>",
    ),
    (
        with_statement(Action="glacier:DeleteEverything"),
        "unknown action 'glacier:DeleteEverything'",
    ),
    (
        {"Statement": [{**STATEMENT, "Action": []}]},
        "Action must be a string or a non-empty list of strings",
    ),
    (
        with_statement(NotAction="glacier:InitiateJob"),
        "each Statement needs exactly one of Action and NotAction",
    ),
    (
        with_statement(Resource=None),
        "each Statement needs exactly one of Resource and NotResource",
    ),
    (with_statement(Resource="vault"), "invalid resource 'vault': use a vault ARN or *"),
    (with_statement(Condition="x"), "Condition must be an object of operators"),
    (
        with_statement(Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
        "unsupported condition operator 'DateLessThan'",
    ),
    (
        with_statement(Condition={"NullIfExists": {"glacier:ResourceTag/a": "true"}}),
        "unsupported condition operator 'NullIfExists'",
    ),
    (
        with_statement(Condition={"ForAnyValue:StringEquals": {"glacier:ResourceTag/a": "b"}}),
        "unsupported condition set operator 'ForAnyValue:StringEquals'",
    ),
    (
        with_statement(Condition={"StringEquals": {"aws:SourceIp": "10.0.0.1"}}),
        "unsupported condition key 'aws:SourceIp' (supported: glacier:ArchiveAgeInDays, "
        "glacier:ResourceTag/<key>)",
    ),
    (
        with_statement(Condition={"StringEquals": {"glacier:ResourceTag/": "x"}}),
        "unsupported condition key 'glacier:ResourceTag/' (supported: "
        "glacier:ArchiveAgeInDays, glacier:ResourceTag/<key>)",
    ),
    (
        with_statement(Condition={"StringEquals": {"glacier:ArchiveAgeInDays": "365"}}),
        "glacier:ArchiveAgeInDays takes Numeric operators, not StringEquals",
    ),
    (
        with_statement(Condition={"NumericLessThan": {"glacier:ResourceTag/Age": "3"}}),
        "glacier:ResourceTag/Age takes String operators, not NumericLessThan",
    ),
    (
        with_statement(Condition={"NumericLessThan": {"glacier:ArchiveAgeInDays": "abc"}}),
        "condition NumericLessThan on glacier:ArchiveAgeInDays: 'abc' is not a number",
    ),
    (
        with_statement(Condition={"NumericLessThan": {"glacier:ArchiveAgeInDays": []}}),
        "condition NumericLessThan on glacier:ArchiveAgeInDays has no values",
    ),
    (
        with_statement(Condition={"StringEquals": {"glacier:ResourceTag/a": {"b": 1}}}),
        "condition StringEquals on glacier:ResourceTag/a: values must be strings or numbers",
    ),
    (
        with_statement(Condition={"Null": {"glacier:ResourceTag/a": "maybe"}}),
        'condition Null on glacier:ResourceTag/a takes "true" or "false"',
    ),
    (
        with_statement(Condition={"StringEquals": {}}),
        "condition StringEquals must map condition keys to values",
    ),
]


@pytest.mark.parametrize(("document", "reason"), REFUSED)
def test_malformed_or_unsupported_policies_are_refused_with_the_reason(
    client: Any, vault: str, raises_glacier: Any, glacier: Glacier, document: Any, reason: str
) -> None:
    with raises_glacier("InvalidParameterValueException", 400, f"Invalid policy: {reason}"):
        set_policy(client, document)
    assert glacier.vaults()["vault"].access_policy is None


def test_a_refused_policy_keeps_the_previous_one(
    client: Any, vault: str, raises_glacier: Any
) -> None:
    set_policy(client, CROSS_ACCOUNT)
    with raises_glacier("InvalidParameterValueException", 400):
        set_policy(client, "{")
    stored = client.get_vault_access_policy(vaultName="vault")["policy"]["Policy"]
    assert json.loads(stored) == CROSS_ACCOUNT


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)
_element = st.sampled_from(
    ["Effect", "Principal", "Action", "NotAction", "Resource", "Condition", "Sid", "Bogus"]
)
_statements = st.dictionaries(
    _element,
    st.one_of(
        _json,
        st.sampled_from(["Deny", "Allow", "*", "glacier:DeleteArchive", ARN]),
        st.just({"AWS": "123456789012"}),
        st.just({"NumericLessThan": {"glacier:ArchiveAgeInDays": "3"}}),
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    document=st.one_of(
        _json, st.fixed_dictionaries({"Statement": st.lists(_statements, max_size=3)})
    )
)
def test_any_policy_document_gets_204_or_invalid_parameter(glacier: Glacier, document: Any) -> None:
    client = glacier.client()
    client.create_vault(vaultName="vault")
    try:
        set_policy(client, json.dumps(document))
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidParameterValueException"
        assert exc.response["Error"]["Message"].startswith("Invalid policy: ")
    glacier.check()
