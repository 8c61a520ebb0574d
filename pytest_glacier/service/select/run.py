"""A select job's run at completion: the query over the archive, and the S3 objects it writes.

The objects the service would put in the output bucket are kept in ``Schedule.s3_objects``
(``glacier.s3_objects``), keyed ``s3://<bucket>/<key>``, under ``<Prefix>/<jobId>/``:
``job.txt`` (written at initiation, never updated), then ``results/<part>`` and
``result_manifest.txt`` on success, or ``errors/<name>`` and ``error_manifest.txt`` on failure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from .csv_io import CsvOutput, decode, read_records, write_records
from .request import SelectRequest
from .sql import SelectRuntimeError, Value, compile_query, render

#: where select output goes: ``s3://<bucket>/<key>`` -> object bytes
Objects = dict[str, bytes]

#: results are split into parts of about this many bytes (at record boundaries)
PART_BYTES = 16 * 1024 * 1024


def write_job_file(
    objects: Objects, job_id: str, select: SelectRequest, description: dict[str, Any]
) -> None:
    """``job.txt``: the job as DescribeJob shows it at initiation, written once."""
    objects[select.url(job_id, "job.txt")] = json.dumps(description, indent=2).encode()


def complete(
    objects: Objects,
    job_id: str,
    select: SelectRequest,
    data: bytes | memoryview,
    failure: str | None,
) -> tuple[str, str]:
    """Run the query now; write its results or its errors. ``failure``: fail with it.

    Returns the job's (StatusCode, StatusMessage).
    """
    if failure is not None:
        return _fail(objects, job_id, select, "JobFailed", failure, None)
    try:
        rows = list(_run(select, data))
    except SelectRuntimeError as error:
        where = f" (record {error.record})" if error.record is not None else ""
        return _fail(objects, job_id, select, error.code, f"{error.message}{where}", error.record)
    urls = []
    for index, part in enumerate(_parts(rows, select.output)):
        name = hashlib.sha256(f"{job_id}/{index}".encode()).hexdigest()[:20]
        urls.append(select.url(job_id, f"results/{name}"))
        objects[urls[-1]] = part
    manifest = "".join(f"{url}\n" for url in urls).encode()
    objects[select.url(job_id, "result_manifest.txt")] = manifest
    return "Succeeded", "Succeeded"


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


def _fail(
    objects: Objects,
    job_id: str,
    select: SelectRequest,
    code: str,
    message: str,
    record: int | None,
) -> tuple[str, str]:
    """Write the error object and the error manifest; the job ends Failed with ``message``."""
    error: dict[str, Any] = {"JobId": job_id, "ErrorCode": code, "ErrorMessage": message}
    if record is not None:
        error["RecordNumber"] = record
    url = select.url(job_id, "errors/" + hashlib.sha256(job_id.encode()).hexdigest()[:20])
    objects[url] = json.dumps(error, indent=2).encode()
    objects[select.url(job_id, "error_manifest.txt")] = f"{url}\n".encode()
    return "Failed", f"{code}: {message}"
