"""Select jobs through a real botocore client: initiation, completion, S3 outputs, refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_glacier import Glacier

INVALID = "InvalidParameterValueException"
MISSING = "MissingParameterValueException"
TOPIC = "arn:aws:sns:us-east-1:123456789012:selects"
PEOPLE = b'id,Name,age\n1,alice,30\n2,bob,41\n3,"carol, jr",25\n'


def select_job(archive_id: str, expression: str, **extra: Any) -> dict[str, Any]:
    csv_in = extra.pop("csv_in", None)
    csv_out = extra.pop("csv_out", None)
    parameters: dict[str, Any] = {"Expression": expression, "ExpressionType": "SQL"}
    if csv_in is not None:
        parameters["InputSerialization"] = {"csv": csv_in}
    if csv_out is not None:
        parameters["OutputSerialization"] = {"csv": csv_out}
    return {
        "Type": "select",
        "ArchiveId": archive_id,
        "SelectParameters": parameters,
        "OutputLocation": {"S3": {"BucketName": "results-bucket", "Prefix": "queries"}},
        **extra,
    }


@pytest.fixture
def people(client: Any, vault: str) -> str:
    return str(client.upload_archive(vaultName=vault, body=PEOPLE)["archiveId"])


def outputs(glacier: Glacier, job_id: str) -> dict[str, bytes]:
    """The job's S3 objects, keyed by their name under ``<Prefix>/<jobId>/``."""
    base = f"s3://results-bucket/queries/{job_id}/"
    return {k[len(base) :]: v for k, v in glacier.s3_objects.items() if k.startswith(base)}


def results(glacier: Glacier, job_id: str) -> bytes:
    """The result parts, in the order the manifest lists them."""
    manifest = glacier.s3_objects[f"s3://results-bucket/queries/{job_id}/result_manifest.txt"]
    return b"".join(glacier.s3_objects[url] for url in manifest.decode().splitlines())


def run(client: Any, glacier: Glacier, parameters: dict[str, Any]) -> dict[str, Any]:
    job_id = client.initiate_job(vaultName="vault", jobParameters=parameters)["jobId"]
    glacier.complete_jobs()
    return dict(client.describe_job(vaultName="vault", jobId=job_id))


def test_select_job_lifecycle(client: Any, glacier: Glacier, people: str) -> None:
    client.set_vault_notifications(
        vaultName="vault",
        vaultNotificationConfig={"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]},
    )
    expression = (
        "SELECT s.name, CAST(age AS INT) + 1 AS next FROM archive s WHERE CAST(s.age AS INT) < 40"
    )
    parameters = select_job(
        people,
        expression,
        Tier="Expedited",
        Description="young",
        csv_in={"FileHeaderInfo": "Use"},
        csv_out={"QuoteFields": "AsNeeded"},
    )
    out = client.initiate_job(vaultName="vault", jobParameters=parameters)
    job_id = out["jobId"]
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert out["jobOutputPath"] == f"queries/{job_id}/"
    assert out["location"] == f"/123456789012/vaults/vault/jobs/{job_id}"

    running = client.describe_job(vaultName="vault", jobId=job_id)
    job_txt = json.loads(outputs(glacier, job_id)["job.txt"])
    assert list(outputs(glacier, job_id)) == ["job.txt"]  # written at initiation
    running.pop("ResponseMetadata")
    assert job_txt == running
    assert running["Action"] == "Select"
    assert running["StatusCode"] == "InProgress"
    assert running["Tier"] == "Expedited"
    assert running["JobOutputPath"] == f"queries/{job_id}/"
    assert running["SelectParameters"] == parameters["SelectParameters"]  # echoed as given
    assert running["OutputLocation"] == parameters["OutputLocation"]
    for absent in (
        "ArchiveSizeInBytes",
        "InventorySizeInBytes",
        "RetrievalByteRange",
        "SHA256TreeHash",
        "ArchiveSHA256TreeHash",
        "InventoryRetrievalParameters",
    ):
        assert absent not in running

    (done,) = glacier.advance(minutes=5)
    assert (done["JobId"], done["StatusCode"], done["StatusMessage"]) == (
        job_id,
        "Succeeded",
        "Succeeded",
    )
    assert results(glacier, job_id) == b'alice,31\n"carol, jr",26\n'
    assert set(outputs(glacier, job_id)) >= {"job.txt", "result_manifest.txt"}
    assert not any(name.startswith("error") for name in outputs(glacier, job_id))
    (note,) = glacier.notifications
    assert (note.topic, note.message["JobId"], note.message["Action"]) == (TOPIC, job_id, "Select")

    listed = client.list_jobs(vaultName="vault")["JobList"]
    assert [j["JobOutputPath"] for j in listed] == [f"queries/{job_id}/"]


def test_get_job_output_is_refused_for_select_jobs(
    client: Any, glacier: Glacier, people: str, raises_glacier: Any
) -> None:
    job_id = client.initiate_job(
        vaultName="vault", jobParameters=select_job(people, "SELECT * FROM archive")
    )["jobId"]
    message = (
        "Select job output is written to Amazon S3 and cannot be downloaded with "
        f"GetJobOutput: {job_id}"
    )
    for _ in range(2):
        with raises_glacier(INVALID, 400, message):
            client.get_job_output(vaultName="vault", jobId=job_id)
        glacier.complete_jobs()


def test_default_tier_and_whole_records(client: Any, glacier: Glacier, people: str) -> None:
    job_id = client.initiate_job(
        vaultName="vault", jobParameters=select_job(people, "select * from OBJECT")
    )["jobId"]
    assert glacier.advance(hours=5)[0]["Tier"] == "Standard"
    assert results(glacier, job_id) == b'id,Name,age\n1,alice,30\n2,bob,41\n3,"carol, jr",25\n'


def test_file_header_info_ignore_and_none(client: Any, glacier: Glacier, people: str) -> None:
    ignore = run(
        client,
        glacier,
        select_job(people, "SELECT _2 FROM archive", csv_in={"FileHeaderInfo": "IGNORE"}),
    )
    none = run(
        client,
        glacier,
        select_job(people, "SELECT _2 FROM archive", csv_in={"FileHeaderInfo": "none"}),
    )
    assert results(glacier, ignore["JobId"]) == b'alice\nbob\n"carol, jr"\n'
    assert results(glacier, none["JobId"]) == b'Name\nalice\nbob\n"carol, jr"\n'


def test_serialization_options(client: Any, glacier: Glacier, vault: str) -> None:
    body = b"# a comment, up to the record delimiter|'x;1';'it\\'s'|'y';2|#'ignored|z;3"
    archive = client.upload_archive(vaultName=vault, body=body)["archiveId"]
    csv_in = {
        "Comments": "#",
        "FieldDelimiter": ";",
        "RecordDelimiter": "|",
        "QuoteCharacter": "'",
        "QuoteEscapeCharacter": "\\",
    }
    csv_out = {"QuoteFields": "ALWAYS", "FieldDelimiter": "\t", "RecordDelimiter": "\r\n"}
    job = run(
        client,
        glacier,
        select_job(archive, "SELECT * FROM archive", csv_in=csv_in, csv_out=csv_out),
    )
    assert job["StatusCode"] == "Succeeded"
    assert results(glacier, job["JobId"]) == (b'"x;1"\t"it\'s"\r\n"y"\t"2"\r\n"z"\t"3"\r\n')


def test_no_matching_rows_writes_an_empty_manifest(
    client: Any, glacier: Glacier, people: str
) -> None:
    job = run(client, glacier, select_job(people, "SELECT * FROM archive WHERE _1 = 'none'"))
    assert job["StatusCode"] == "Succeeded"
    assert outputs(glacier, job["JobId"])["result_manifest.txt"] == b""
    assert results(glacier, job["JobId"]) == b""


@pytest.mark.parametrize(
    ("expression", "csv_in", "code", "message"),
    [
        (
            "SELECT CAST(_3 AS INT) FROM archive",
            None,
            "CastFailed",
            "CastFailed: cannot cast string 'age' to INT (record 1)",
        ),
        (
            "SELECT height FROM archive",
            {"FileHeaderInfo": "USE"},
            "MissingHeaderName",
            "MissingHeaderName: the header row has no column named 'height'",
        ),
        (
            'SELECT "name" FROM archive',
            {"FileHeaderInfo": "USE"},
            "MissingHeaderName",
            "MissingHeaderName: the header row has no column named 'name'",
        ),
        (
            "SELECT _1 FROM archive WHERE _2 > 26",
            {"FileHeaderInfo": "USE"},
            "InvalidComparison",
            "InvalidComparison: cannot compare string 'alice' with int '26' using >; a CSV "
            "field compares with a number only when it reads as one (else CAST it) (record 2)",
        ),
    ],
)
def test_a_runtime_error_fails_the_job_and_writes_errors(
    client: Any,
    glacier: Glacier,
    people: str,
    expression: str,
    csv_in: dict[str, str] | None,
    code: str,
    message: str,
) -> None:
    parameters = select_job(people, expression, csv_in=csv_in, SNSTopic=TOPIC)
    job = run(client, glacier, parameters)
    assert (job["StatusCode"], job["StatusMessage"]) == ("Failed", message)
    written = outputs(glacier, job["JobId"])
    assert "result_manifest.txt" not in written
    assert not any(name.startswith("results/") for name in written)
    (error_url,) = written["error_manifest.txt"].decode().splitlines()
    error = json.loads(glacier.s3_objects[error_url])
    assert (error["JobId"], error["ErrorCode"]) == (job["JobId"], code)
    assert message.startswith(f"{code}: {error['ErrorMessage']}"[: len(code) + 20])
    (note,) = glacier.notifications
    assert note.message["StatusCode"] == "Failed"


def test_ambiguous_header_name(client: Any, glacier: Glacier, vault: str) -> None:
    archive = client.upload_archive(vaultName=vault, body=b"Name,NAME\na,b\n")["archiveId"]
    use = {"FileHeaderInfo": "USE"}
    ambiguous = run(client, glacier, select_job(archive, "SELECT name FROM archive", csv_in=use))
    assert ambiguous["StatusMessage"].startswith("AmbiguousFieldName: 'name' matches 2")
    exact = run(client, glacier, select_job(archive, 'SELECT "NAME" FROM archive', csv_in=use))
    assert results(glacier, exact["JobId"]) == b"b\n"


def test_archive_deleted_while_running(client: Any, glacier: Glacier, people: str) -> None:
    job_id = client.initiate_job(
        vaultName="vault", jobParameters=select_job(people, "SELECT * FROM archive")
    )["jobId"]
    client.delete_archive(vaultName="vault", archiveId=people)
    (done,) = glacier.complete_jobs()
    assert done["StatusCode"] == "Failed"
    assert done["StatusMessage"] == (
        f"JobFailed: The archive was deleted while the job was in progress: {people}"
    )
    assert "error_manifest.txt" in outputs(glacier, job_id)


def test_fail_jobs_applies_to_select_jobs(client: Any, glacier: Glacier, people: str) -> None:
    glacier.fail_jobs(message="injected")
    job = run(client, glacier, select_job(people, "SELECT * FROM archive"))
    assert (job["StatusCode"], job["StatusMessage"]) == ("Failed", "JobFailed: injected")
    assert "error_manifest.txt" in outputs(glacier, job["JobId"])


@pytest.mark.glacier(expedited_capacity=1)
def test_expedited_select_uses_expedited_capacity(
    client: Any, glacier: Glacier, people: str, raises_glacier: Any
) -> None:
    parameters = select_job(people, "SELECT * FROM archive", Tier="Expedited")
    client.initiate_job(vaultName="vault", jobParameters=parameters)
    with raises_glacier("InsufficientCapacityException", 503):
        client.initiate_job(vaultName="vault", jobParameters=parameters)
    assert len(client.list_jobs(vaultName="vault")["JobList"]) == 1


@pytest.mark.glacier(retrieval_policy={"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1}]})
def test_select_jobs_are_not_governed_by_the_retrieval_policy(client: Any, people: str) -> None:
    out = client.initiate_job(
        vaultName="vault", jobParameters=select_job(people, "SELECT * FROM archive")
    )
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 202


# -- bad input -----------------------------------------------------------------------------------
def replace(parameters: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``parameters`` with the member at ``a/b/c`` set (or removed for ``...``)."""
    document: dict[str, Any] = json.loads(json.dumps(parameters))
    *parents, last = path.split("/")
    node = document
    for key in parents:
        node = node.setdefault(key, {})
    if value is ...:
        node.pop(last, None)
    else:
        node[last] = value
    return document


SP = "SelectParameters"
S3 = "OutputLocation/S3"
CSV_IN = f"{SP}/InputSerialization/csv"
CSV_OUT = f"{SP}/OutputSerialization/csv"
#: (id, path, value, code, message); path "" means the value is the whole Expression
BAD: list[tuple[str, str, Any, str, str]] = [
    ("no-select-parameters", SP, ..., MISSING, "Required parameter missing: SelectParameters"),
    (
        "no-output-location",
        "OutputLocation",
        ...,
        MISSING,
        "Required parameter missing: OutputLocation",
    ),
    ("no-s3", "OutputLocation/S3", ..., MISSING, "Required parameter missing: S3"),
    ("no-bucket", f"{S3}/BucketName", ..., MISSING, "Required parameter missing: BucketName"),
    ("no-prefix", f"{S3}/Prefix", ..., MISSING, "Required parameter missing: Prefix"),
    ("no-expression", f"{SP}/Expression", ..., MISSING, "Required parameter missing: Expression"),
    (
        "no-expression-type",
        f"{SP}/ExpressionType",
        ...,
        MISSING,
        "Required parameter missing: ExpressionType",
    ),
    (
        "expression-type",
        f"{SP}/ExpressionType",
        "XPATH",
        INVALID,
        "Invalid ExpressionType: XPATH. Valid values are: SQL",
    ),
    (
        "expression-too-long",
        f"{SP}/Expression",
        "SELECT * FROM archive" + " " * 128_000,
        INVALID,
        "Invalid Expression: it must be a string of at most 128000 characters",
    ),
    (
        "file-header-info",
        f"{CSV_IN}/FileHeaderInfo",
        "FIRST",
        INVALID,
        "Invalid FileHeaderInfo: FIRST. Valid values are: USE, IGNORE, NONE",
    ),
    (
        "field-delimiter-long",
        f"{CSV_IN}/FieldDelimiter",
        "::",
        INVALID,
        "Invalid FieldDelimiter: ::. It must be a single character",
    ),
    (
        "quote-empty",
        f"{CSV_IN}/QuoteCharacter",
        "",
        INVALID,
        "Invalid QuoteCharacter: . It must be a single character",
    ),
    (
        "record-delimiter",
        f"{CSV_OUT}/RecordDelimiter",
        "ab",
        INVALID,
        "Invalid RecordDelimiter: ab. It must be a single character (or \\r\\n)",
    ),
    (
        "quote-fields",
        f"{CSV_OUT}/QuoteFields",
        "NEVER",
        INVALID,
        "Invalid QuoteFields: NEVER. Valid values are: ALWAYS, ASNEEDED",
    ),
    (
        "delimiters-equal",
        f"{CSV_IN}/FieldDelimiter",
        '"',
        INVALID,
        "Invalid InputSerialization: FieldDelimiter, RecordDelimiter and QuoteCharacter must "
        "differ",
    ),
    (
        "bucket-name",
        f"{S3}/BucketName",
        "My_Bucket",
        INVALID,
        "Invalid BucketName: My_Bucket. An S3 bucket name has 3 to 63 characters: lower-case "
        "letters, digits, dots and hyphens, starting and ending with a letter or digit",
    ),
    (
        "prefix-empty",
        f"{S3}/Prefix",
        "",
        INVALID,
        "Invalid Prefix: . It must be a non-empty string",
    ),
    (
        "prefix-too-long",
        f"{S3}/Prefix",
        "é" * 257,
        INVALID,
        "Invalid Prefix: it must be at most 512 bytes long",
    ),
    (
        "canned-acl",
        f"{S3}/CannedACL",
        "world-writable",
        INVALID,
        "Invalid CannedACL: world-writable. Valid values are: private, public-read, "
        "public-read-write, aws-exec-read, authenticated-read, bucket-owner-read, "
        "bucket-owner-full-control",
    ),
    (
        "storage-class",
        f"{S3}/StorageClass",
        "GLACIER",
        INVALID,
        "Invalid StorageClass: GLACIER. Valid values are: STANDARD, REDUCED_REDUNDANCY, "
        "STANDARD_IA",
    ),
    (
        "encryption-type",
        f"{S3}/Encryption",
        {"EncryptionType": "rot13"},
        INVALID,
        "Invalid EncryptionType: rot13. Valid values are: aws:kms, AES256",
    ),
    (
        "grantee-type",
        f"{S3}/AccessControlList",
        [{"Grantee": {"Type": "Everyone"}, "Permission": "READ"}],
        INVALID,
        "Invalid Grantee Type: Everyone. Valid values are: AmazonCustomerByEmail, CanonicalUser, "
        "Group",
    ),
    (
        "permission",
        f"{S3}/AccessControlList",
        [{"Grantee": {"Type": "Group"}, "Permission": "ALL"}],
        INVALID,
        "Invalid Permission: ALL. Valid values are: FULL_CONTROL, WRITE, WRITE_ACP, READ, READ_ACP",
    ),
    (
        "range-on-select",
        "RetrievalByteRange",
        "0-1048575",
        INVALID,
        "RetrievalByteRange is not valid for select jobs",
    ),
    ("format-on-select", "Format", "CSV", INVALID, "Format is not valid for select jobs"),
    (
        "bad-tier",
        "Tier",
        "Instant",
        INVALID,
        "Invalid tier: Instant. Valid values are: Expedited, Standard, Bulk",
    ),
    (
        "unknown-archive",
        "ArchiveId",
        "nope",
        "ResourceNotFoundException",
        "The archive ID was not found: nope",
    ),
    (
        "sql-syntax",
        "",
        "SELEC * FROM archive",
        INVALID,
        "Invalid Expression: expected SELECT, found 'SELEC' at character 1",
    ),
    (
        "sql-aggregate",
        "",
        "SELECT COUNT(*) FROM archive",
        INVALID,
        "Invalid Expression: aggregate functions such as COUNT are not supported by Glacier "
        "Select (they are S3 Select only)",
    ),
    (
        "sql-group-by",
        "",
        "SELECT _1 FROM archive GROUP BY _1",
        INVALID,
        "Invalid Expression: GROUP BY is not supported by Glacier Select",
    ),
    (
        "sql-order-by",
        "",
        "SELECT _1 FROM archive ORDER BY _1",
        INVALID,
        "Invalid Expression: ORDER BY is not supported by Glacier Select",
    ),
    (
        "sql-limit",
        "",
        "SELECT _1 FROM archive LIMIT 3",
        INVALID,
        "Invalid Expression: LIMIT is not supported by Glacier Select",
    ),
    (
        "sql-join",
        "",
        "SELECT * FROM archive a JOIN archive b",
        INVALID,
        "Invalid Expression: JOIN is not supported by Glacier Select",
    ),
    (
        "sql-s3object",
        "",
        "SELECT * FROM S3Object",
        INVALID,
        "Invalid Expression: FROM S3Object is S3 Select; a Glacier Select expression reads FROM "
        "ARCHIVE or FROM OBJECT",
    ),
    (
        "sql-header-name-without-use",
        "",
        "SELECT name FROM archive",
        INVALID,
        "Invalid Expression: the column name is named, which needs the header row: set "
        "InputSerialization csv FileHeaderInfo to USE, or refer to columns as _1, _2, …",
    ),
    (
        "sql-unknown-function",
        "",
        "SELECT FOO(_1) FROM archive",
        INVALID,
        "Invalid Expression: unknown function FOO at character 8",
    ),
    (
        "sql-unterminated",
        "",
        "SELECT 'x FROM archive",
        INVALID,
        "Invalid Expression: unterminated string literal at character 8",
    ),
]


@pytest.mark.parametrize(
    ("path", "value", "code", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD]
)
def test_bad_select_parameters_are_refused_and_create_nothing(
    client: Any,
    glacier: Glacier,
    people: str,
    raises_glacier: Any,
    path: str,
    value: Any,
    code: str,
    message: str,
) -> None:
    parameters = select_job(people, "SELECT * FROM archive")
    parameters = replace(parameters, path or f"{SP}/Expression", value)
    status = 404 if code == "ResourceNotFoundException" else 400
    with raises_glacier(code, status, message):
        client.initiate_job(vaultName="vault", jobParameters=parameters)
    assert client.list_jobs(vaultName="vault")["JobList"] == []
    assert glacier.complete_jobs() == []  # no job is in progress
    assert dict(glacier.s3_objects) == {}


def test_bad_table_is_large_and_distinct() -> None:
    assert len({c[0] for c in BAD}) == len(BAD) >= 30
    assert len({c[4] for c in BAD}) == len(BAD)


def test_select_members_on_other_job_types_are_refused(
    client: Any, people: str, raises_glacier: Any
) -> None:
    select = select_job(people, "SELECT * FROM archive")
    archive_job = {"Type": "archive-retrieval", "ArchiveId": people, "SelectParameters": select[SP]}
    with raises_glacier(INVALID, 400, "SelectParameters is not valid for archive-retrieval jobs"):
        client.initiate_job(vaultName="vault", jobParameters=archive_job)
    inventory_job = {"Type": "inventory-retrieval", "OutputLocation": select["OutputLocation"]}
    with raises_glacier(INVALID, 400, "OutputLocation is not valid for inventory-retrieval jobs"):
        client.initiate_job(vaultName="vault", jobParameters=inventory_job)


def test_a_value_nested_very_deeply_is_refused_not_an_internal_error(
    glacier: Glacier, people: str
) -> None:
    """Found by the fuzz harness: between the depth the JSON reader takes and the depth the
    enum spelling's walk could take, a select body was a 500; every depth around the reader's
    limit is now a 400 (SerializationException beyond what the reader takes)."""
    from botocore.config import Config

    unchecked = glacier.client(config=Config(parameter_validation=False))  # as other SDKs send
    parameters = select_job(people, "SELECT * FROM archive")
    encryption: dict[str, Any] = {"EncryptionType": "aws:kms"}
    parameters["OutputLocation"]["S3"]["Encryption"] = encryption
    nested: list[Any] = []
    codes = set()
    for depth in range(1, 700):
        nested = [nested]
        if depth < 300:
            continue
        encryption["KMSContext"] = nested
        with pytest.raises(ClientError) as refused:
            unchecked.initiate_job(vaultName="vault", jobParameters=parameters)
        codes.add(refused.value.response["Error"]["Code"])
    assert INVALID in codes and codes <= {INVALID, "SerializationException"}
    assert glacier.internal_errors == ()


def test_enums_are_case_insensitive(client: Any, glacier: Glacier, people: str) -> None:
    parameters = select_job(
        people,
        "SELECT _1 FROM archive",
        csv_in={"FileHeaderInfo": "ignore"},
        csv_out={"QuoteFields": "always"},
    )
    parameters[SP]["ExpressionType"] = "sql"
    parameters["OutputLocation"]["S3"].update(
        CannedACL="PRIVATE",
        StorageClass="standard_ia",
        Encryption={"EncryptionType": "AWS:KMS", "KMSKeyId": "k"},
        AccessControlList=[{"Grantee": {"Type": "group", "URI": "u"}, "Permission": "read"}],
        Tagging={"a": "b"},
        UserMetadata={"c": "d"},
    )
    job = run(client, glacier, parameters)
    assert job["StatusCode"] == "Succeeded"
    assert job["OutputLocation"] == parameters["OutputLocation"]
    assert results(glacier, job["JobId"]) == b'"1"\n"2"\n"3"\n'


# -- fuzzing ---------------------------------------------------------------------------------
WORDS = [
    "SELECT",
    "*",
    "FROM",
    "archive",
    "object",
    "WHERE",
    "_1",
    "_2",
    "name",
    "s",
    "AS",
    "'x'",
    "1",
    "2.5",
    "1e3",
    "=",
    "<>",
    "<",
    "+",
    "-",
    "/",
    "%",
    "(",
    ")",
    ",",
    "AND",
    "OR",
    "NOT",
    "IN",
    "BETWEEN",
    "LIKE",
    "ESCAPE",
    "IS",
    "NULL",
    "CAST",
    "INT",
    "FLOAT",
    "UPPER",
    "SUBSTRING",
    "FOR",
    "TRIM",
    "BOTH",
    "COALESCE",
    "NULLIF",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "COUNT",
    "LIMIT",
    '"Name"',
    "s._1",
    "TRUE",
    "'%a_'",
]
expressions = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=14).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=10).map(lambda w: "SELECT " + " ".join(w)),
    st.lists(st.sampled_from(WORDS), max_size=10).map(
        lambda w: "SELECT _1 FROM archive WHERE " + " ".join(w)
    ),
    st.text(max_size=40),
)
one_char = st.sampled_from([",", ";", "\t", "|", "\n", "\r", "'", '"', "\\", "#"]) | st.text(
    max_size=2
)
shared_options = {
    "QuoteEscapeCharacter": one_char,
    "RecordDelimiter": one_char | st.just("\r\n"),
    "FieldDelimiter": one_char,
    "QuoteCharacter": one_char,
}
csv_in_options = st.fixed_dictionaries(
    {},
    optional={
        "FileHeaderInfo": st.sampled_from(["USE", "ignore", "None", "bogus"]),
        "Comments": one_char,
        **shared_options,
    },
)
csv_out_options = st.fixed_dictionaries(
    {},
    optional={"QuoteFields": st.sampled_from(["ALWAYS", "asneeded", "x"]), **shared_options},
)
archives = st.sampled_from(
    [PEOPLE, b"\n", b'a,b\n"open', b"\xff\xfe", b"1,2\r\n3,4\r\n", b'x;"y";z|1;2;3|']
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(expression=expressions, csv_in=csv_in_options, csv_out=csv_out_options, body=archives)
def test_random_select_jobs_get_202_or_an_aws_shaped_4xx(
    client: Any,
    glacier: Glacier,
    vault: str,
    expression: str,
    csv_in: dict[str, str],
    csv_out: dict[str, str],
    body: bytes,
) -> None:
    archive = client.upload_archive(vaultName=vault, body=body)["archiveId"]
    parameters = select_job(archive, expression, csv_in=csv_in, csv_out=csv_out)
    try:
        job_id = client.initiate_job(vaultName=vault, jobParameters=parameters)["jobId"]
    except ClientError as error:
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        assert 400 <= status < 500, error.response
        assert error.response["Error"]["Code"].endswith("Exception"), error.response
        assert error.response["Error"]["Message"], error.response
    else:
        glacier.complete_jobs()
        job = client.describe_job(vaultName=vault, jobId=job_id)
        manifest = "result_manifest.txt" if job["StatusCode"] == "Succeeded" else "error_manifest"
        assert any(manifest in key for key in glacier.s3_objects if job_id in key)
    glacier.check()
