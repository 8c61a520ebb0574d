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
from typing import TYPE_CHECKING, Any

from .csv_io import CsvOutput, decode, read_records, write_records
from .request import SelectRequest
from .sql import SelectRuntimeError, Value, compile_query, render

if TYPE_CHECKING:
    from ..jobs.model import Job, Outcome, Schedule

#: results are split into parts of about this many bytes (at record boundaries)
PART_BYTES = 16 * 1024 * 1024


def write_job_file(schedule: Schedule, job: Job, description: dict[str, Any]) -> None:
    """``job.txt``: the job as DescribeJob shows it at initiation, written once."""
    assert job.select is not None
    body = json.dumps(description, indent=2).encode()
    schedule.s3_objects[job.select.url(job.job_id, "job.txt")] = body


def complete(schedule: Schedule, job: Job, failure: str | None) -> Outcome:
    """Run the job's query now; write its results or its errors. ``failure``: fail with it."""
    from ..jobs.model import Outcome

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
    from ..jobs.model import Outcome

    select = job.select
    assert select is not None
    error: dict[str, Any] = {"JobId": job.job_id, "ErrorCode": code, "ErrorMessage": message}
    if record is not None:
        error["RecordNumber"] = record
    url = select.url(job.job_id, "errors/" + hashlib.sha256(job.job_id.encode()).hexdigest()[:20])
    schedule.s3_objects[url] = json.dumps(error, indent=2).encode()
    schedule.s3_objects[select.url(job.job_id, "error_manifest.txt")] = f"{url}\n".encode()
    return Outcome("Failed", f"{code}: {message}")
