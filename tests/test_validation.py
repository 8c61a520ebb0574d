"""Body validation: the schema files are sound, and the fast path (fastjsonschema) agrees with
jsonschema on every document, valid or not."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_glacier.service.engine import validation as schemas

SCHEMAS = ["initiate_job", "select_job", "data_retrieval_policy", "vault_notifications"]


JUNK = (
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
)


def _shaped(schema: Any) -> st.SearchStrategy[Any]:
    """Documents that follow the schema's property shapes, with junk mixed in.

    The conditional parts (``allOf`` / ``if``) are not followed, so about as many documents
    come out valid as not: both answers of the predicate get exercised.
    """
    if not isinstance(schema, dict):
        return JUNK
    if "const" in schema:
        shaped: st.SearchStrategy[Any] = st.just(schema["const"])
    elif "enum" in schema:
        shaped = st.sampled_from(schema["enum"])
    elif schema.get("type") == "object" or "properties" in schema:
        members = _members(schema)
        required = [name for name in schema.get("required", ()) if name in members]
        optional = sorted(set(members) - set(required))
        chosen = (
            st.lists(st.sampled_from(optional), max_size=3, unique=True)
            if optional
            else st.just([])
        )
        shaped = chosen.flatmap(
            lambda chosen: st.fixed_dictionaries(
                {name: _shaped(members[name]) for name in [*required, *chosen]}
            )
        )
    elif schema.get("type") == "array":
        shaped = st.lists(
            _shaped(schema.get("items", {})),
            min_size=schema.get("minItems", 0),
            max_size=schema.get("maxItems", 4),
        )
    elif schema.get("type") == "integer":
        shaped = st.integers(-3, 2**64)
    elif schema.get("type") == "string":
        shaped = st.text(
            min_size=max(0, schema.get("minLength", 0) - 1), max_size=schema.get("maxLength", 8) + 1
        )
    else:
        shaped = JUNK
    # junk at about one node in twenty: deep documents still come out valid now and then
    return st.integers(0, 19).flatmap(lambda roll: JUNK if roll == 0 else shaped)


def _members(schema: dict[str, Any]) -> dict[str, Any]:
    """Property schemas, including members only conditional branches describe."""
    members = dict(schema.get("properties", {}))
    branches = [schema, *schema.get("allOf", ())]
    for branch in branches:
        for key in ("then", "else"):
            for name, sub in branch.get(key, {}).get("properties", {}).items():
                members.setdefault(name, sub)
    return members


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_request_schema_is_valid_json_schema(name: str) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(schemas.schema(name))


def test_unknown_keywords_leave_the_schema_to_jsonschema() -> None:
    """The fast path ignores the schemas' own ``x-message`` keyword; the refusal's wording
    comes from jsonschema's first error and that node's ``x-message``."""
    from pytest_glacier.core.errors import GlacierError

    body = {"Type": "archive-retrieval", "ArchiveId": "a", "Tier": 7}
    assert schemas.is_valid("initiate_job", body) is False
    with pytest.raises(GlacierError) as refused:
        schemas.check("initiate_job", {"Type": "restore"})
    assert refused.value.code == "InvalidParameterValueException"
    assert refused.value.message == (
        "Invalid job type: restore. Valid values are: archive-retrieval, inventory-retrieval, "
        "select"
    )


@pytest.mark.parametrize("name", SCHEMAS)
def test_every_request_schema_compiles_to_a_fast_check(name: str) -> None:
    assert schemas.is_valid(name, {}) in (True, False)


@pytest.mark.parametrize("name", SCHEMAS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_check_agrees_with_jsonschema(name: str, data: st.DataObject) -> None:
    document = data.draw(_shaped(schemas.schema(name)))
    assert schemas.is_valid(name, document) == schemas.validator(name).is_valid(document)


@pytest.mark.parametrize(
    ("value", "valid"),
    [(1, True), (1.0, True), (True, False), (False, False), (2**63 - 1, True), (2**63, False)],
)
def test_json_equality_keeps_booleans_apart_from_numbers(value: Any, valid: bool) -> None:
    policy = {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": value}]}
    assert schemas.is_valid("data_retrieval_policy", {"Policy": policy}) is valid
    assert schemas.validator("data_retrieval_policy").is_valid({"Policy": policy}) is valid
