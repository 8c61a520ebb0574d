"""Select jobs (S3 Glacier Select): the request InitiateJob checks and keeps.

InitiateJob validates everything it can before a job exists — the schema
(``schemas/select_job.json``), the bucket name, the prefix's length, the serialization
characters and the SQL itself — so a bad query is a 400, never a failed job (its run at
completion is in ``run``).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from ...core.errors import invalid
from ..engine import validation as schemas
from .csv_io import CsvInput, CsvOutput
from .sql import (
    Query,
    SelectRuntimeError,
    SelectSyntaxError,
    parse,
)

#: the output location path may be at most 512 bytes
MAX_PREFIX_BYTES = 512
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


#: how far below the body the deepest enum sits (OutputLocation.S3.AccessControlList[].Grantee
#: .Type); deeper values are kept as sent, for the schema to refuse however deep they nest
_DEEPEST_ENUM = 6


def _canonical(value: Any, key: str | None = None, depth: int = 0) -> Any:
    """A copy with enum values that differ only in case spelled as the model spells them."""
    if depth > _DEEPEST_ENUM:
        return value
    if isinstance(value, dict):
        return {k: _canonical(v, k, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(item, None, depth + 1) for item in value]
    if isinstance(value, str) and key in ENUMS:
        return next((e for e in ENUMS[key] if e.upper() == value.upper()), value)
    return value


def _distinct(where: str, field: str, record: str, quote: str) -> None:
    if len({field, record, quote}) < 3:
        raise invalid(
            f"Invalid {where}: FieldDelimiter, RecordDelimiter and QuoteCharacter must differ"
        )
