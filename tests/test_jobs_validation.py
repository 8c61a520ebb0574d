"""InitiateJob's bad input: every rule, each refused exactly and leaving no job behind.

Documents botocore refuses to send (wrong JSON types, non-objects, broken JSON) go through the
same client with their body swapped in just before signing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_glacier import Glacier

MIB = 1024 * 1024
ARN = "arn:aws:glacier:us-east-1:123456789012:vaults/"
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"
INVALID = "InvalidParameterValueException"
MISSING = "MissingParameterValueException"
DESCRIPTION_RULE = (
    "Invalid job description: it must be at most 1024 characters, each a printable ASCII "
    "character (0x20-0x7E)"
)


@contextmanager
def raw_body(client: Any, body: bytes) -> Iterator[None]:
    """Send ``body`` as the next InitiateJob's JSON, whatever jobParameters botocore built."""

    def swap(request: Any, **_: Any) -> None:
        request.data = body

    client.meta.events.register_first("before-sign.glacier.InitiateJob", swap, unique_id="raw")
    try:
        yield
    finally:
        client.meta.events.unregister("before-sign.glacier.InitiateJob", unique_id="raw")


@pytest.fixture
def archive(client: Any, vault: str) -> str:
    """A 3 MiB archive in ``vault``."""
    return str(client.upload_archive(vaultName=vault, body=b"a" * (3 * MIB))["archiveId"])


def retrieval(archive_id: str, **extra: Any) -> dict[str, Any]:
    return {"Type": "archive-retrieval", "ArchiveId": archive_id, **extra}


def inventory(**extra: Any) -> dict[str, Any]:
    return {"Type": "inventory-retrieval", **extra}


def inventory_range(**params: Any) -> dict[str, Any]:
    return inventory(InventoryRetrievalParameters=params)


#: (id, job parameters or raw bytes (a callable gets the archive id), code, message)
CASES: list[tuple[str, Any, str, str]] = [
    ("omitted", {}, MISSING, "Required parameter missing: Job Parameters"),
    ("raw-empty", b"", MISSING, "Required parameter missing: Job Parameters"),
    ("raw-null", b"null", MISSING, "Required parameter missing: Job Parameters"),
    (
        "raw-array",
        b"[1]",
        INVALID,
        "Invalid Job Parameters: the request body must be a JSON object",
    ),
    (
        "raw-string",
        b'"archive-retrieval"',
        INVALID,
        "Invalid Job Parameters: the request body must be a JSON object",
    ),
    ("no-type", {"Description": "d"}, MISSING, "Required parameter missing: Type"),
    (
        "bad-type",
        {"Type": "archive"},
        INVALID,
        "Invalid job type: archive. Valid values are: archive-retrieval, inventory-retrieval, "
        "select",
    ),
    (
        "raw-type-number",
        b'{"Type": 5}',
        INVALID,
        "Invalid job type: 5. Valid values are: archive-retrieval, inventory-retrieval, select",
    ),
    (
        "no-archive-id",
        {"Type": "archive-retrieval"},
        MISSING,
        "Required parameter missing: ArchiveId",
    ),
    (
        "unknown-archive",
        retrieval("nope"),
        "ResourceNotFoundException",
        "The archive ID was not found: nope",
    ),
    (
        "bad-tier",
        lambda a: retrieval(a, Tier="Fast"),
        INVALID,
        "Invalid tier: Fast. Valid values are: Expedited, Standard, Bulk",
    ),
    (
        "tier-lower-case",
        lambda a: retrieval(a, Tier="expedited"),
        INVALID,
        "Invalid tier: expedited. Valid values are: Expedited, Standard, Bulk",
    ),
    (
        "range-syntax",
        lambda a: retrieval(a, RetrievalByteRange="abc"),
        INVALID,
        "Invalid RetrievalByteRange: abc",
    ),
    (
        "range-negative",
        lambda a: retrieval(a, RetrievalByteRange="-1-5"),
        INVALID,
        "Invalid RetrievalByteRange: -1-5",
    ),
    (
        "range-spaces",
        lambda a: retrieval(a, RetrievalByteRange=" 0-1048575"),
        INVALID,
        "Invalid RetrievalByteRange:  0-1048575",
    ),
    (
        "range-start-unaligned",
        lambda a: retrieval(a, RetrievalByteRange="1-1048575"),
        INVALID,
        "The RetrievalByteRange 1-1048575 is not megabyte aligned",
    ),
    (
        "range-end-unaligned",
        lambda a: retrieval(a, RetrievalByteRange="0-100"),
        INVALID,
        "The RetrievalByteRange 0-100 is not megabyte aligned",
    ),
    (
        "range-reversed",
        lambda a: retrieval(a, RetrievalByteRange="1048576-0"),
        INVALID,
        "The RetrievalByteRange 1048576-0 ends before it starts",
    ),
    (
        "range-past-end",
        lambda a: retrieval(a, RetrievalByteRange=f"0-{3 * MIB}"),
        INVALID,
        f"The RetrievalByteRange 0-{3 * MIB} is not inside the archive, whose size is "
        f"{3 * MIB} bytes",
    ),
    (
        "format-on-archive",
        lambda a: retrieval(a, Format="JSON"),
        INVALID,
        "Format is not valid for archive-retrieval jobs",
    ),
    (
        "inventory-params-on-archive",
        lambda a: retrieval(a, InventoryRetrievalParameters={"Limit": "1"}),
        INVALID,
        "InventoryRetrievalParameters is not valid for archive-retrieval jobs",
    ),
    (
        "description-too-long",
        lambda a: retrieval(a, Description="d" * 1025),
        INVALID,
        DESCRIPTION_RULE,
    ),
    ("description-non-ascii", inventory(Description="café"), INVALID, DESCRIPTION_RULE),
    ("description-newline", inventory(Description="two\nlines"), INVALID, DESCRIPTION_RULE),
    (
        "topic-not-arn",
        inventory(SNSTopic="my-topic"),
        INVALID,
        "Invalid SNS topic: my-topic",
    ),
    (
        "topic-not-sns",
        inventory(SNSTopic="arn:aws:sqs:us-east-1:123456789012:queue"),
        INVALID,
        "Invalid SNS topic: arn:aws:sqs:us-east-1:123456789012:queue",
    ),
    (
        "archive-id-on-inventory",
        lambda a: inventory(ArchiveId=a),
        INVALID,
        "ArchiveId is not valid for inventory-retrieval jobs",
    ),
    (
        "range-on-inventory",
        inventory(RetrievalByteRange="0-1048575"),
        INVALID,
        "RetrievalByteRange is not valid for inventory-retrieval jobs",
    ),
    (
        "bad-format",
        inventory(Format="XML"),
        INVALID,
        "Invalid inventory format: XML. Valid values are: CSV, JSON",
    ),
    (
        "format-lower-case",
        inventory(Format="json"),
        INVALID,
        "Invalid inventory format: json. Valid values are: CSV, JSON",
    ),
    (
        "expedited-inventory",
        inventory(Tier="Expedited"),
        INVALID,
        "Expedited is not a valid tier for inventory-retrieval jobs. Valid values are: "
        "Standard, Bulk",
    ),
    (
        "start-date-words",
        inventory_range(StartDate="yesterday"),
        INVALID,
        "Invalid StartDate: yesterday. Dates must be ISO 8601 in UTC, for example "
        "2013-03-20T17:03:43Z",
    ),
    (
        "start-date-no-time",
        inventory_range(StartDate="2024-01-01"),
        INVALID,
        "Invalid StartDate: 2024-01-01. Dates must be ISO 8601 in UTC, for example "
        "2013-03-20T17:03:43Z",
    ),
    (
        "end-date-not-a-day",
        inventory_range(EndDate="2024-02-30T00:00:00Z"),
        INVALID,
        "Invalid EndDate: 2024-02-30T00:00:00Z. Dates must be ISO 8601 in UTC, for example "
        "2013-03-20T17:03:43Z",
    ),
    (
        "end-date-offset",
        inventory_range(EndDate="2024-01-02T00:00:00+02:00"),
        INVALID,
        "Invalid EndDate: 2024-01-02T00:00:00+02:00. Dates must be ISO 8601 in UTC, for "
        "example 2013-03-20T17:03:43Z",
    ),
    (
        "dates-reversed",
        inventory_range(StartDate="2024-01-02T00:00:00Z", EndDate="2024-01-01T00:00:00Z"),
        INVALID,
        "The StartDate 2024-01-02T00:00:00Z must be before the EndDate 2024-01-01T00:00:00Z",
    ),
    (
        "dates-equal",
        inventory_range(StartDate="2024-01-01T00:00:00Z", EndDate="2024-01-01T00:00:00Z"),
        INVALID,
        "The StartDate 2024-01-01T00:00:00Z must be before the EndDate 2024-01-01T00:00:00Z",
    ),
    (
        "limit-zero",
        inventory_range(Limit="0"),
        INVALID,
        "Invalid Limit: 0. The limit must be a positive integer.",
    ),
    (
        "limit-negative",
        inventory_range(Limit="-5"),
        INVALID,
        "Invalid Limit: -5. The limit must be a positive integer.",
    ),
    (
        "limit-words",
        inventory_range(Limit="ten"),
        INVALID,
        "Invalid Limit: ten. The limit must be a positive integer.",
    ),
    (
        "limit-fraction",
        inventory_range(Limit="1.5"),
        INVALID,
        "Invalid Limit: 1.5. The limit must be a positive integer.",
    ),
    (
        "raw-limit-number",
        b'{"Type": "inventory-retrieval", "InventoryRetrievalParameters": {"Limit": 5}}',
        INVALID,
        'Invalid Limit: 5. Limit must be a string holding a positive integer, for example "10000".',
    ),
    (
        "raw-limit-seed-number",
        b'{"Type": "inventory-retrieval", "InventoryRetrievalParameters": {"Limit": 10000}}',
        INVALID,
        "Invalid Limit: 10000. Limit must be a string holding a positive integer, "
        'for example "10000".',
    ),
    (
        "raw-params-string",
        b'{"Type": "inventory-retrieval", "InventoryRetrievalParameters": "all"}',
        INVALID,
        "Invalid InventoryRetrievalParameters: all",
    ),
    (
        "marker-not-issued",
        inventory_range(Marker="bogus"),
        INVALID,
        "Invalid inventory marker: bogus",
    ),
    (
        "select-without-parameters",
        lambda a: {"Type": "select", "ArchiveId": a},
        MISSING,
        "Required parameter missing: SelectParameters",
    ),
    (
        "range-on-select",
        lambda a: {"Type": "select", "ArchiveId": a, "RetrievalByteRange": "0-1048575"},
        INVALID,
        "RetrievalByteRange is not valid for select jobs",
    ),
]


def send(client: Any, vault: str, parameters: Any) -> Any:
    if isinstance(parameters, bytes):
        with raw_body(client, parameters):
            return client.initiate_job(vaultName=vault, jobParameters={})
    return client.initiate_job(vaultName=vault, jobParameters=parameters)


def assert_no_job(client: Any, glacier: Glacier) -> None:
    assert client.list_jobs(vaultName="vault")["JobList"] == []
    assert glacier.complete_jobs() == []  # no job is in progress


@pytest.mark.parametrize(
    ("parameters", "code", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_job_parameters_are_refused_and_create_nothing(
    client: Any,
    glacier: Glacier,
    archive: str,
    raises_glacier: Any,
    parameters: Any,
    code: str,
    message: str,
) -> None:
    if callable(parameters):
        parameters = parameters(archive)
    status = 404 if code == "ResourceNotFoundException" else 400
    with raises_glacier(code, status, message):
        send(client, "vault", parameters)
    assert_no_job(client, glacier)


def test_table_has_at_least_thirty_distinct_cases() -> None:
    assert len({c[0] for c in CASES}) == len(CASES) >= 30
    assert len({c[3] for c in CASES}) >= 30


def test_malformed_json_is_a_serialization_error(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    with raises_glacier(
        "SerializationException",
        400,
        "Malformed JSON body: Expecting property name enclosed in double quotes: "
        "line 1 column 2 (char 1)",
    ):
        send(client, vault, b"{Type: 1}")
    assert_no_job(client, glacier)


def test_unknown_vault(client: Any, glacier: Glacier, raises_glacier: Any) -> None:
    with raises_glacier("ResourceNotFoundException", 404, f"Vault not found for ARN: {ARN}nope"):
        client.initiate_job(vaultName="nope", jobParameters={"Type": "inventory-retrieval"})
    assert glacier.complete_jobs() == []  # no job is in progress


def test_archive_of_another_vault_is_not_found(
    client: Any, glacier: Glacier, archive: str, raises_glacier: Any
) -> None:
    client.create_vault(vaultName="other")
    with raises_glacier(
        "ResourceNotFoundException", 404, f"The archive ID was not found: {archive}"
    ):
        client.initiate_job(vaultName="other", jobParameters=retrieval(archive))
    assert glacier.complete_jobs() == []  # no job is in progress


def test_marker_of_another_vault_is_refused(
    client: Any, glacier: Glacier, vault: str, raises_glacier: Any
) -> None:
    for _ in range(2):
        client.upload_archive(vaultName=vault, body=b"x")
    job = client.initiate_job(vaultName=vault, jobParameters=inventory_range(Limit="1"))
    glacier.complete_jobs()
    marker = client.describe_job(vaultName=vault, jobId=job["jobId"])[
        "InventoryRetrievalParameters"
    ]["Marker"]
    client.create_vault(vaultName="other")
    with raises_glacier(INVALID, 400, f"Invalid inventory marker: {marker}"):
        client.initiate_job(vaultName="other", jobParameters=inventory_range(Marker=marker))
    assert client.list_jobs(vaultName="other")["JobList"] == []


def test_unknown_members_are_ignored(client: Any, vault: str) -> None:
    """Like the service's JSON reader: members it does not know are skipped."""
    with raw_body(client, b'{"Type": "inventory-retrieval", "Colour": "blue"}'):
        out = client.initiate_job(vaultName=vault, jobParameters={})
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 202


# -- fuzzing ---------------------------------------------------------------------------------
KEYS = [
    "Type",
    "ArchiveId",
    "Description",
    "SNSTopic",
    "Format",
    "RetrievalByteRange",
    "Tier",
    "InventoryRetrievalParameters",
    "SelectParameters",
    "OutputLocation",
    "Other",
]
GOOD = {
    "Type": ["archive-retrieval", "inventory-retrieval", "select"],
    "Tier": ["Expedited", "Standard", "Bulk"],
    "Format": ["CSV", "JSON"],
    "RetrievalByteRange": ["0-1048575", "1048576-3145727", "0-3145727", "0-1"],
    "SNSTopic": [TOPIC],
    "Description": ["nightly", ""],
}
json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
dates = st.sampled_from(["2024-01-01T00:00:00Z", "2023-12-31T23:59:59Z", "2024-13-01T00:00:00Z"])
inventory_params = st.fixed_dictionaries(
    {},
    optional={
        "StartDate": dates | json_value,
        "EndDate": dates | json_value,
        "Limit": st.sampled_from(["1", "2", "0", "x"]) | json_value,
        "Marker": st.text(max_size=10) | json_value,
    },
)


def value_for(key: str) -> st.SearchStrategy[Any]:
    good = st.sampled_from(GOOD.get(key, ["x"]))
    if key == "InventoryRetrievalParameters":
        return inventory_params | json_value
    return good | json_value


documents = st.sets(st.sampled_from(KEYS), max_size=len(KEYS)).flatmap(
    lambda keys: st.fixed_dictionaries({k: value_for(k) for k in sorted(keys)})
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=documents, use_archive=st.booleans())
def test_random_job_parameters_get_202_or_an_aws_shaped_4xx(
    client: Any, glacier: Glacier, archive: str, document: dict[str, Any], use_archive: bool
) -> None:
    if use_archive and "ArchiveId" in document:
        document["ArchiveId"] = archive
    try:
        with raw_body(client, json.dumps(document).encode()):
            out = client.initiate_job(vaultName="vault", jobParameters={})
    except ClientError as error:
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        code = error.response["Error"]["Code"]
        assert 400 <= status < 500, error.response
        assert code.endswith("Exception"), error.response
        assert error.response["Error"]["Message"], error.response
        assert glacier.calls[-1].error_code == code
    else:
        assert out["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert len(out["jobId"]) == 92
    glacier.check()


def test_null_members_are_absent(client: Any, glacier: Glacier, archive: str) -> None:
    """The REST reference's examples send ``null`` for members they leave out (botocore door,
    raw body): optional ones take their defaults; a required one is missing."""
    body = {
        "Type": "archive-retrieval",
        "ArchiveId": archive,
        "Description": None,
        "SNSTopic": None,
        "RetrievalByteRange": None,
        "Tier": None,
        "InventoryRetrievalParameters": None,
    }
    with raw_body(client, json.dumps(body).encode()):
        job = client.initiate_job(vaultName="vault", jobParameters={})
    described = client.describe_job(vaultName="vault", jobId=job["jobId"])
    assert described["Tier"] == "Standard"
    assert "SNSTopic" not in described and "JobDescription" not in described
    with (
        raw_body(client, b'{"Type": "archive-retrieval", "ArchiveId": null}'),
        pytest.raises(ClientError) as caught,
    ):
        client.initiate_job(vaultName="vault", jobParameters={})
    assert caught.value.response["Error"] == {
        "Code": "MissingParameterValueException",
        "Message": "Required parameter missing: ArchiveId",
    }
    with (
        raw_body(client, b'{"Type": null, "Description": "d"}'),
        pytest.raises(ClientError, match="Required parameter missing: Type"),
    ):
        client.initiate_job(vaultName="vault", jobParameters={})
