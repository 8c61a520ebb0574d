"""The settle step: completion side effects fire once, in completion-time order, when observed.

Whoever observes the clock — every request (the engine, first), ``advance()``, reading
``notifications`` or the jobs view — calls ``settle`` first. It completes every job due by
now, earliest first, deciding its outcome against the vault as it is (unchanged since the due
time, because every change is itself preceded by a settle) and recording its notifications;
in daily inventory mode it also takes the snapshots that fell due in between. Jobs whose
output expired (24 h after completion) are dropped, releasing what they kept alive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..engine.state import Backend, Vault
from ..notifications import publish
from . import inventory
from .model import Job, Outcome, describe


def settle(backend: Backend, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Complete the jobs due by ``now`` (default: the clock's now); their DescribeJob dicts, in
    completion order."""
    with backend.lock:
        schedule = backend.schedule
        if now is None:
            now = backend.now()
        daily = backend.config.inventory == "daily"
        completed = []
        while (job := schedule.pop_due(now)) is not None:
            if daily:
                inventory.take_snapshots(backend, job.completes_at)
            message = _complete(backend, job)
            if message is not None:
                completed.append(message)
        if daily:
            inventory.take_snapshots(backend, now)
        while (job := schedule.pop_expired(now)) is not None:
            _drop(backend, job)
        return completed


def _drop(backend: Backend, job: Job) -> None:
    """Forget a job whose output expired (24 h after completion, as the service does), and
    with it what it kept alive: the archive's bytes, its output."""
    region = backend.regions.get(job.region_key)
    vault = region.vaults.get(job.vault_name) if region is not None else None
    if vault is not None:
        vault.drop_job(job)


def _complete(backend: Backend, job: Job) -> dict[str, Any] | None:
    """Decide how ``job`` ends and publish it; None when its vault is gone (nothing to tell)."""
    region = backend.regions.get(job.region_key)
    vault = region.vaults.get(job.vault_name) if region is not None else None
    if region is None or vault is None or vault.jobs.get(job.job_id) is not job:
        return None
    job.outcome = _outcome(backend, vault, job)
    backend.schedule.completed(job)
    message = describe(job, job.completes_at)
    notifications = publish(vault, job.action, job.sns_topic, message)
    backend.schedule.notifications.extend(notifications)
    if backend.outbound is not None:
        for notification in notifications:
            backend.outbound.publish(notification.topic, notification.message)
    return message


def _outcome(backend: Backend, vault: Vault, job: Job) -> Outcome:
    archive = job.archive
    failure = job.injected_failure
    if (
        failure is None
        and archive is not None
        and vault.archives.get(archive.archive_id) is not archive
    ):
        failure = f"The archive was deleted while the job was in progress: {archive.archive_id}"
    if job.select is not None:
        assert archive is not None
        return _select_outcome(backend, job, archive.data, failure)
    if failure is not None:
        return Outcome("Failed", failure)
    if archive is None:
        return inventory.build(backend, vault, job, backend.schedule)
    start, end = job.byte_range or (0, archive.size - 1)
    whole = start == 0 and end == archive.size - 1
    return Outcome(
        "Succeeded",
        "Succeeded",
        archive.data if whole else memoryview(archive.data)[start : end + 1],
    )


def _select_outcome(
    backend: Backend, job: Job, data: bytes | memoryview, failure: str | None
) -> Outcome:
    """Run the select job; its objects also go to S3 when an S3 service is there, and a
    refused write fails the job with the S3 error."""
    from ..select import run as select_run

    select = job.select
    assert select is not None
    written: dict[str, bytes] = {}
    status, message = select_run.complete(written, job.job_id, select, data, failure)
    job_file = select.url(job.job_id, "job.txt")
    objects = backend.schedule.s3_objects
    if job_file in objects:
        written = {job_file: objects[job_file], **written}
    objects.update(written)
    if backend.outbound is not None:
        refused = backend.outbound.put_select_output(select, written)
        if refused is not None:
            return Outcome("Failed", refused)
    return Outcome(status, message)
