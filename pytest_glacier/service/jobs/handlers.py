"""InitiateJob, DescribeJob, ListJobs and GetJobOutput.

Jobs complete on simulated time (see ``schedule``); these handlers only read a job's state
as of now, after the dispatch observer has settled what was due.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from typing import Any

from ...core.errors import invalid, not_found
from ...core.http import Response
from ...core.treehash import is_tree_hash_aligned, tree_hash
from ..engine.context import Context, Handler
from ..engine.rules import parse_limit
from ..engine.state import Vault
from ..policies import capacity
from ..policies import retrieval as retrieval_policy
from . import parameters
from .model import Job, describe, describe_json

LIST_JOBS_LIMIT = 50
STATUS_CODES = ("InProgress", "Succeeded", "Failed")
RANGE_HEADER = re.compile(r"bytes=([0-9]+)-([0-9]*)")


def initiate_job(ctx: Context) -> Response:
    vault = ctx.vault()
    schedule = ctx.backend.schedule
    spec = parameters.parse(ctx, vault, schedule)
    if spec.archive is not None:
        tier = spec.tier or "Standard"
        if spec.select is None:
            retrieval_policy.enforce(ctx, tier, spec.byte_count)
        if tier == "Expedited":
            capacity.admit_expedited(ctx)
    now = ctx.now()
    job = Job(
        ctx.backend.ids.job_id(),
        schedule.next_seq(),
        (ctx.account_id, ctx.region.region),
        vault.name,
        vault.arn,
        spec.action,
        now,
        now + parameters.duration(spec, ctx.backend.config.tier_durations),
        spec.tier,
        spec.description,
        spec.sns_topic,
        spec.archive,
        spec.byte_range,
        _range_tree_hash(spec),
        spec.inventory,
        spec.select,
    )
    vault.jobs[job.job_id] = job
    schedule.add(job)
    if ctx.fail_job is not None:
        job.injected_failure = ctx.fail_job(describe(job, now))
    headers = {
        "location": f"/{ctx.account_id}/vaults/{vault.name}/jobs/{job.job_id}",
        "x-amz-job-id": job.job_id,
    }
    if job.select is not None:
        headers["x-amz-job-output-path"] = job.select.output_path(job.job_id)
        from ..select import run as select_run

        select_run.write_job_file(schedule.s3_objects, job.job_id, job.select, describe(job, now))
    return ctx.reply(headers=headers)


def _range_tree_hash(spec: parameters.JobSpec) -> str | None:
    """The tree hash of the retrieved range, when that range is a node of the archive's tree."""
    archive, byte_range = spec.archive, spec.byte_range
    if archive is None or byte_range is None:
        return None
    start, end = byte_range
    if not is_tree_hash_aligned(start, end, archive.size):
        return None
    if start == 0 and end == archive.size - 1:
        return archive.tree_hash
    return tree_hash(memoryview(archive.data)[start : end + 1])


def describe_job(ctx: Context) -> Response:
    return ctx.reply(json_text=describe_json(find_job(ctx, ctx.vault()), ctx.now()))


def find_job(ctx: Context, vault: Vault) -> Job:
    """The path's job if it exists and has not expired, else the service's 404."""
    job_id = ctx.params["jobId"]
    job = vault.jobs.get(job_id)
    if job is None or job.expired(ctx.now()):
        raise not_found(f"The job ID was not found: {job_id}")
    return job


def list_jobs(ctx: Context) -> Response:
    vault = ctx.vault()
    query = ctx.request.query
    limit = parse_limit(query.get("limit"), LIST_JOBS_LIMIT)
    status = query.get("statuscode")
    if status is not None and status not in STATUS_CODES:
        raise invalid(f"The job status code is not valid: {status}")
    completed = query.get("completed")
    if completed is not None and completed.lower() not in ("true", "false"):
        raise invalid(
            f"The completed value is not valid: {completed}. Valid values are: true, false"
        )
    after = -1
    marker = query.get("marker")
    if marker is not None:
        # a job is kept until its output expires, then its rank is kept as a marker a while
        rank = vault.jobs.rank(marker)
        if rank is None:
            rank = vault.expired_markers.get(marker)
        if rank is None:
            raise invalid(f"Invalid marker: {marker}")
        after = rank
    now = ctx.now()
    done = None if completed is None else completed.lower() == "true"
    # in creation order: the index resumes after the marker's rank by bisection, so a page
    # costs its own jobs (and those the filters skip), not the jobs before it
    matching = (job for job in vault.jobs.after(after) if _shown(job, now, status, done))
    page = list(itertools.islice(matching, limit + 1))
    more = len(page) > limit
    listed = b",".join(describe_json(job, now) for job in page[:limit])
    # the last page has no Marker member at all (null members are omitted)
    tail = b',"Marker":' + json.dumps(page[limit - 1].job_id).encode() if more else b""
    return ctx.reply(json_text=b'{"JobList":[' + listed + b"]" + tail + b"}")


def _shown(job: Job, now: dt.datetime, status: str | None, done: bool | None) -> bool:
    """ListJobs' filters, read from the job itself rather than from its DescribeJob body."""
    if job.expired(now):
        return False
    if done is not None and job.done(now) != done:
        return False
    return status is None or job.status_code(now) == status


def get_job_output(ctx: Context) -> Response:
    job = find_job(ctx, ctx.vault())
    if job.select is not None:
        raise invalid(
            "Select job output is written to Amazon S3 and cannot be downloaded with "
            f"GetJobOutput: {job.job_id}"
        )
    now = ctx.now()
    outcome = job.outcome if job.done(now) else None
    if outcome is None or outcome.status != "Succeeded":
        raise invalid(f"The job is not currently available for download: {job.job_id}")
    output = outcome.output
    total = len(output)
    asked = _range(ctx.header("range"), total)
    start, end = asked or (0, total - 1)
    headers = {"content-type": outcome.content_type, "accept-ranges": "bytes"}
    if asked is not None:
        headers["content-range"] = f"bytes {start}-{end}/{total}"
    if job.archive is not None:
        _archive_headers(job, start, end, total, output, headers)
    body = output if asked is None else memoryview(output)[start : end + 1]
    return Response(206 if asked is not None else 200, headers, body)


def _range(header: str | None, total: int) -> tuple[int, int] | None:
    """A ``Range: bytes=a-b`` request within the output; other forms are ignored (whole body)."""
    match = RANGE_HEADER.fullmatch((header or "").strip())
    if match is None:
        return None
    start = int(match[1])
    end = int(match[2]) if match[2] else total - 1
    if start >= total:
        raise invalid(
            f"The start of the range is larger than size of retrieved data: "
            f"bytes={match[1]}-{match[2]}"
        )
    if end < start:
        return None
    return start, min(end, total - 1)


def _archive_headers(
    job: Job, start: int, end: int, total: int, output: Any, headers: dict[str, str]
) -> None:
    """Description, and the checksum when both the job range and this range are aligned."""
    assert job.archive is not None
    if job.archive.description:
        headers["x-amz-archive-description"] = job.archive.description
    if job.range_tree_hash is None or not is_tree_hash_aligned(start, end, total):
        return
    whole = start == 0 and end == total - 1
    headers["x-amz-sha256-tree-hash"] = (
        job.range_tree_hash if whole else tree_hash(memoryview(output)[start : end + 1])
    )


HANDLERS: dict[str, Handler] = {
    "InitiateJob": initiate_job,
    "DescribeJob": describe_job,
    "ListJobs": list_jobs,
    "GetJobOutput": get_job_output,
}
