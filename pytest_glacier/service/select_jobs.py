"""Select jobs (S3 Glacier Select): their parameters, their run, and the S3 objects they write.

InitiateJob validates everything it can before a job exists — the schema
(``schemas/select_job.json``), the bucket name, the prefix's length, the serialization
characters and the SQL itself — so a bad query is a 400, never a failed job. At completion
the query runs over the archive's CSV; the objects the service would put in the output
bucket are kept in ``Schedule.s3_objects`` (``glacier.s3_objects``), keyed
``s3://<bucket>/<key>``, under ``<Prefix>/<jobId>/``: ``job.txt`` (written at initiation,
never updated), then ``results/<part>`` and ``result_manifest.txt`` on success, or
``errors/<name>`` and ``error_manifest.txt`` on failure.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.errors import invalid
from . import schemas
from .select_csv import CsvInput, CsvOutput, decode, read_records, write_records
from .select_sql import (
    Query,
    SelectRuntimeError,
    SelectSyntaxError,
    Value,
    compile_query,
    parse,
    render,
)

if TYPE_CHECKING:
    from .job_model import Job, Outcome, Schedule

#: the output location path may be at most 512 bytes
MAX_PREFIX_BYTES = 512
#: results are split into parts of about this many bytes (at record boundaries)
PART_BYTES = 16 * 1024 * 1024
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
#: enum members of the select shapes, matched case-insensitively (spec §8.7, §14.16)
ENUMS: dict[str, tuple[str, ...]] = {
    "ExpressionType": ("SQL",),
    "FileHeaderInfo": ("USE", "IGNORE", "NONE"),
    "QuoteFields": ("ALWAYS", "ASNEEDED"),
    "EncryptionType": ("aws:kms", "AES256"),
    "CannedACL": (
        "private",
        "public-read",
        "public-read-write",
        "aws-exec-read",
        "authenticated-read",
        "bucket-owner-read",
        "bucket-owner-full-control",
    ),
    "Type": ("AmazonCustomerByEmail", "CanonicalUser", "Group"),
    "Permission": ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"),
    "StorageClass": ("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA"),
}


@dataclass(frozen=True)
class SelectRequest:
    """A valid select job's parameters (echoed as given) and what they mean."""

    parameters: dict[str, Any]
    output_location: dict[str, Any]
    query: Query
    input: CsvInput
    output: CsvOutput
    bucket: str
    prefix: str

    def output_path(self, job_id: str) -> str:
        """``<Prefix>/<jobId>/``: the x-amz-job-output-path header and JobOutputPath."""
        return f"{self.prefix}/{job_id}/"

    def url(self, job_id: str, name: str) -> str:
        return f"s3://{self.bucket}/{self.output_path(job_id)}{name}"


def parse_request(body: dict[str, Any]) -> SelectRequest:
    """The SelectRequest of a select InitiateJob body, or the service's 400 for it."""
    members = {k: body[k] for k in ("SelectParameters", "OutputLocation") if k in body}
    canonical = _canonical(members)
    schemas.check("select_job", canonical)
    parameters = canonical["SelectParameters"]
    s3 = canonical["OutputLocation"]["S3"]
    bucket, prefix = s3["BucketName"], s3["Prefix"]
    if not BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise invalid(
            f"Invalid BucketName: {bucket}. An S3 bucket name has 3 to 63 characters: "
            "lower-case letters, digits, dots and hyphens, starting and ending with a letter "
            "or digit"
        )
    if len(prefix.encode("utf-8")) > MAX_PREFIX_BYTES:
        raise invalid(f"Invalid Prefix: it must be at most {MAX_PREFIX_BYTES} bytes long")
    source = CsvInput.from_request(parameters.get("InputSerialization", {}).get("csv", {}))
    target = CsvOutput.from_request(parameters.get("OutputSerialization", {}).get("csv", {}))
    _distinct("InputSerialization", source.field_delimiter, source.record_delimiter, source.quote)
    _distinct("OutputSerialization", target.field_delimiter, target.record_delimiter, target.quote)
    try:
        query = parse(parameters["Expression"])
    except (SelectSyntaxError, SelectRuntimeError) as error:  # e.g. a literal out of range
        raise invalid(f"Invalid Expression: {error}") from None
    if query.uses_header_names and source.file_header_info != "USE":
        name = next(c.name for c in query.columns if c.position is None)
        raise invalid(
            f"Invalid Expression: the column {name} is named, which needs the header row: "
            "set InputSerialization csv FileHeaderInfo to USE, or refer to columns as _1, _2, …"
        )
    return SelectRequest(
        copy.deepcopy(body["SelectParameters"]),
        copy.deepcopy(body["OutputLocation"]),
        query,
        source,
        target,
        bucket,
        prefix,
    )


def _canonical(value: Any, key: str | None = None) -> Any:
    """A copy with enum values that differ only in case spelled as the model spells them."""
    if isinstance(value, dict):
        return {k: _canonical(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, str) and key in ENUMS:
        return next((e for e in ENUMS[key] if e.upper() == value.upper()), value)
    return value


def _distinct(where: str, field: str, record: str, quote: str) -> None:
    if len({field, record, quote}) < 3:
        raise invalid(
            f"Invalid {where}: FieldDelimiter, RecordDelimiter and QuoteCharacter must differ"
        )


def write_job_file(schedule: Schedule, job: Job, description: dict[str, Any]) -> None:
    """``job.txt``: the job as DescribeJob shows it at initiation, written once."""
    assert job.select is not None
    body = json.dumps(description, indent=2).encode()
    schedule.s3_objects[job.select.url(job.job_id, "job.txt")] = body


def complete(schedule: Schedule, job: Job, failure: str | None) -> Outcome:
    """Run the job's query now; write its results or its errors. ``failure``: fail with it."""
    from .job_model import Outcome

    select = job.select
    archive = job.archive
    assert select is not None and archive is not None
    if failure is not None:
        return _fail(schedule, job, "JobFailed", failure, None)
    try:
        rows = list(_run(select, archive.data))
    except SelectRuntimeError as error:
        where = f" (record {error.record})" if error.record is not None else ""
        return _fail(schedule, job, error.code, f"{error.message}{where}", error.record)
    urls = []
    for index, part in enumerate(_parts(rows, select.output)):
        name = hashlib.sha256(f"{job.job_id}/{index}".encode()).hexdigest()[:20]
        urls.append(select.url(job.job_id, f"results/{name}"))
        schedule.s3_objects[urls[-1]] = part
    manifest = "".join(f"{url}\n" for url in urls).encode()
    schedule.s3_objects[select.url(job.job_id, "result_manifest.txt")] = manifest
    return Outcome("Succeeded", "Succeeded")


def _run(select: SelectRequest, data: bytes | memoryview) -> Iterator[Sequence[Value]]:
    records = read_records(decode(data), select.input)
    header = None
    if select.input.file_header_info != "NONE":
        first = next(records, None)
        header = first[1] if first is not None else []
    program = compile_query(
        select.query, header if select.input.file_header_info == "USE" else None
    )
    return program.run(records)


def _parts(rows: list[Sequence[Value]], output: CsvOutput) -> Iterator[bytes]:
    """The CSV output, cut at record boundaries into parts of about PART_BYTES."""
    start = 0
    while start < len(rows):
        taken, size = [], 0
        for row in rows[start:]:
            taken.append([render(value) for value in row])
            size += sum(len(field) + 1 for field in taken[-1])
            if size >= PART_BYTES:
                break
        start += len(taken)
        yield write_records(taken, output).encode()


def _fail(schedule: Schedule, job: Job, code: str, message: str, record: int | None) -> Outcome:
    """Write the error object and the error manifest; the job ends Failed with ``message``."""
    from .job_model import Outcome

    select = job.select
    assert select is not None
    error: dict[str, Any] = {"JobId": job.job_id, "ErrorCode": code, "ErrorMessage": message}
    if record is not None:
        error["RecordNumber"] = record
    url = select.url(job.job_id, "errors/" + hashlib.sha256(job.job_id.encode()).hexdigest()[:20])
    schedule.s3_objects[url] = json.dumps(error, indent=2).encode()
    schedule.s3_objects[select.url(job.job_id, "error_manifest.txt")] = f"{url}\n".encode()
    return Outcome("Failed", f"{code}: {message}")
