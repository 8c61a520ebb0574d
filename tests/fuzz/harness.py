"""The fuzz harness: builds a drawn state, sends one fuzzed request, checks the answer.

Every answer must be a success or an AWS-shaped 4xx error that changed no state; after a
success everything is read back, so a state the request corrupted shows too. ``fingerprint``
compares the whole backend state (every region, the job schedule, capacity admissions),
deeper than the controller's read-only views reach, so it reads ``glacier.backend`` on purpose.
"""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError

import pytest_glacier
from pytest_glacier import Glacier

from .strategies import (
    ACCESS_POLICY,
    EMPTY_HASH,
    LOCK_POLICY,
    MIB,
    NEAR_MISSES,
    TOPIC,
    Plan,
    Ref,
    Tamper,
    select_job,
    tree,
)

PACKAGE = str(Path(pytest_glacier.__file__).parent)
#: the door's wrappers of botocore's own methods: on the stack of every glacier request
#: door frames an exception may pass through and still be botocore's own refusal to send (a
#: header value with a line break is refused before sending, as http.client refuses it)
DOOR_WRAPPERS = frozenset(
    {"_do_get_response", "_needs_retry", "_acquire", "_before_send", "_refuse_unsendable"}
)


@dataclass
class Harness:
    """Two clients of one double: ``fuzz`` sends anything, ``plain`` builds state and reads."""

    glacier: Glacier
    fuzz: Any
    plain: Any
    tamper: Tamper | None = None
    error_body: bytes | None = None
    refs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def on(cls, glacier: Glacier) -> Harness:
        once = {"total_max_attempts": 1, "mode": "standard"}
        fuzz = glacier.client(config=Config(parameter_validation=False, retries=once))
        harness = cls(glacier, fuzz, glacier.client(config=Config(retries=once)))
        fuzz.meta.events.register("before-sign.glacier", harness._edit)
        fuzz.meta.events.register("before-parse.glacier", harness._keep_error_body)
        return harness

    def _edit(self, request: Any, **_: Any) -> None:
        if self.tamper is None:
            return
        if self.tamper.body is not None:
            request.data = self.tamper.body
        if self.tamper.header is not None:
            name, value = self.tamper.header
            if name in request.headers:
                del request.headers[name]
            if value is not None:
                request.headers[name] = value

    def _keep_error_body(self, response_dict: dict[str, Any], **_: Any) -> None:
        if response_dict["status_code"] >= 300:
            self.error_body = response_dict["body"]

    # -- state ------------------------------------------------------------------------------
    def build(self, plan: Plan) -> None:
        """A fresh double holding what ``plan`` says; ``refs`` names its ids."""
        self.glacier.reset()
        self.glacier.take_internal_errors()  # each example answers for its own
        c, v = self.plain, {"vaultName": "vault"}
        refs: dict[str, Any] = {"archive_data": plan.archive, "vault": "vault"}
        c.create_vault(**v)
        archive = c.upload_archive(**v, body=plan.archive, archiveDescription=plan.description)
        refs["archive"] = archive["archiveId"]
        if plan.other_vault:
            c.create_vault(vaultName="other")
            refs["other_archive"] = c.upload_archive(vaultName="other", body=b"x")["archiveId"]
        if plan.notifications:
            config = {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]}
            c.set_vault_notifications(**v, vaultNotificationConfig=config)
        refs["upload"] = c.initiate_multipart_upload(**v, partSize=str(MIB))["uploadId"]
        if plan.part is not None:
            part_range = f"bytes 0-{len(plan.part) - 1}/*"
            c.upload_multipart_part(**v, uploadId=refs["upload"], range=part_range, body=plan.part)
            refs["part"] = plan.part
        for kind in sorted(plan.jobs):
            job = self._job(kind, refs["archive"], len(plan.archive))
            if job is not None:
                refs[f"job:{kind}"] = c.initiate_job(**v, jobParameters=job)["jobId"]
        if plan.complete_jobs:
            self.glacier.complete_jobs()
        for _ in range(plan.capacity_units):
            c.purchase_provisioned_capacity()
        if plan.retrieval_policy:
            rule: dict[str, Any] = {"Strategy": plan.retrieval_policy}
            if plan.retrieval_policy == "BytesPerHour":
                rule["BytesPerHour"] = 1
            c.set_data_retrieval_policy(Policy={"Rules": [rule]})
        if plan.tags:
            c.add_tags_to_vault(**v, Tags=plan.tags)
        if plan.access_policy:
            c.set_vault_access_policy(**v, policy={"Policy": ACCESS_POLICY})
        if plan.lock:
            refs["lock"] = c.initiate_vault_lock(**v, policy={"Policy": LOCK_POLICY})["lockId"]
            if plan.lock == "Locked":
                c.complete_vault_lock(**v, lockId=refs["lock"])
        self.refs = refs
        self.check_no_internal_error("building the state")

    def _job(self, kind: str, archive_id: str, size: int) -> dict[str, Any] | None:
        if kind == "inventory":
            return {"Type": "inventory-retrieval", "Format": "CSV", "Tier": "Bulk"}
        if kind == "select":
            return select_job(archive_id)
        job = {"Type": "archive-retrieval", "ArchiveId": archive_id, "Tier": "Bulk"}
        if kind == "failed":
            self.glacier.fail_jobs(times=1, optional=True)
        if kind == "range":
            if size <= MIB:
                return None
            job["RetrievalByteRange"] = f"0-{MIB - 1}"
        return job

    def resolve(self, value: Any) -> Any:
        """``value`` with every Ref to the state replaced by what it names.

        Refs sit only in structures (dicts), never in lists, which may nest deep.
        """
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if not isinstance(value, Ref) or value.what.startswith("coherent"):
            return value
        if value.what == "whole_range":
            return f"0-{len(self.refs['archive_data']) - 1}"
        found = self.refs.get(value.what)
        if found is None and value.what.startswith("job:"):
            found = next((v for k, v in sorted(self.refs.items()) if k.startswith("job:")), None)
        if found is None:
            found = "A" * 92
        if isinstance(found, bytes) or not value.change:
            return found
        return NEAR_MISSES[value.change](found)

    def finish(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Values that must agree with others: a part's range, a payload's tree hash, a size."""
        body = params.get("body")
        if operation == "CompleteMultipartUpload":
            body = self.refs.get("part", b"")
        for name, value in params.items():
            if value == Ref("coherent_hash"):
                params[name] = tree(body) if isinstance(body, bytes) else EMPTY_HASH
            elif value == Ref("coherent_size"):
                params[name] = str(len(self.refs.get("part", b"")))
            elif isinstance(value, Ref) and value.what == "coherent_range":
                start = int(value.change)
                length = len(body) if isinstance(body, bytes) else 1
                params[name] = f"bytes {start}-{start + length - 1}/*"
        return params

    # -- one fuzzed request -----------------------------------------------------------------
    def exchange(self, operation: str, drawn: dict[str, Any], tamper: Tamper | None) -> str:
        """Send the request; check the answer (and, after a success, the state); say how it went."""
        params = self.finish(operation, self.resolve(drawn))
        before, calls_before = fingerprint(self.glacier), len(self.glacier.calls)
        self.tamper, self.error_body = tamper, None
        try:
            result = getattr(self.fuzz, xform_name(operation))(**params)
        except ClientError as error:
            code = self.check_refusal(operation, error, calls_before)
            assert fingerprint(self.glacier) == before, f"{operation} refused ({code}), yet changed"
            return f"refused: {code}"
        except Exception as error:
            self.check_no_internal_error(f"answering {operation}")
            if len(self.glacier.calls) != calls_before or raised_in_double(error):
                raise
            return f"botocore did not send it: {type(error).__name__}"
        finally:
            self.tamper = None
        self.check_no_internal_error(f"answering {operation}")
        if "body" in result:
            result["body"].read()
        self.probe()
        return "succeeded"

    # -- checks -----------------------------------------------------------------------------
    def check_no_internal_error(self, doing: str) -> None:
        """Fail with the double's tracebacks (taken, so the fixture does not report them twice)."""
        errors = self.glacier.take_internal_errors()
        if errors:
            tracebacks = "\n".join(errors)
            pytest.fail(f"pytest_glacier raised while {doing}:\n{tracebacks}")

    def check_refusal(self, operation: str, error: ClientError, calls_before: int) -> str:
        """An AWS-shaped 4xx, recorded as one call; returns its code."""
        self.check_no_internal_error(f"answering {operation}")
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        code = error.response["Error"]["Code"]
        assert 400 <= status < 500, f"{operation} answered {status} {code}: {error}"
        assert code, f"{operation} answered {status} without an error code"
        assert self.error_body is not None
        body = json.loads(self.error_body)
        assert set(body) == {"code", "message", "type"}, body
        assert (body["code"], body["type"]) == (code, "Client"), body
        calls = self.glacier.calls
        assert len(calls) == calls_before + 1, "one request, one recorded call"
        assert (calls[-1].status, calls[-1].error_code) == (status, code)
        return str(code)

    def read(self, method: Callable[..., Any], **params: Any) -> Any:
        """A plain client call of the probe: its output, or None for a 4xx."""
        try:
            out = method(**params)
        except ClientError as error:
            self.check_no_internal_error(f"answering the probe's {method.__name__}{params}")
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            assert 400 <= status < 500, f"probe {method.__name__}{params}: {error}"
            return None
        if "body" in out:
            out["body"].read()
        return out

    def probe(self) -> None:
        """After a success, complete the jobs and read everything back."""
        self.glacier.complete_jobs()
        c = self.plain
        self.read(c.get_data_retrieval_policy)
        self.read(c.list_provisioned_capacity)
        for name in self._vault_names():
            v = {"vaultName": name}
            for read in (
                c.describe_vault,
                c.list_tags_for_vault,
                c.get_vault_notifications,
                c.get_vault_access_policy,
                c.get_vault_lock,
            ):
                self.read(read, **v)
            for job in (self.read(c.list_jobs, **v) or {}).get("JobList", []):
                self.read(c.describe_job, **v, jobId=job["JobId"])
                if job["StatusCode"] == "Succeeded" and job["Action"] != "Select":
                    self.read(c.get_job_output, **v, jobId=job["JobId"])
                    self.read(c.get_job_output, **v, jobId=job["JobId"], range="bytes=0-0")
            for upload in (self.read(c.list_multipart_uploads, **v) or {}).get("UploadsList", []):
                self.read(c.list_parts, **v, uploadId=upload["MultipartUploadId"])
        job = {"Type": "archive-retrieval", "ArchiveId": self.refs["archive"], "Tier": "Standard"}
        self.read(c.initiate_job, vaultName="vault", jobParameters=job)
        self.check_no_internal_error("answering the probe")

    def _vault_names(self) -> Iterator[str]:
        pages = self.plain.get_paginator("list_vaults").paginate(PaginationConfig={"PageSize": 3})
        for page in pages:
            for vault in page["VaultList"]:
                yield vault["VaultName"]


def parts(upload: Any) -> list[tuple[int, str]]:
    return [(part.start, part.tree_hash) for part in upload.parts.values()]


def fingerprint(glacier: Glacier) -> Any:
    """Everything a request could change, as comparable values."""
    backend = glacier.backend
    regions = []
    for key, region in sorted(backend.regions.items()):
        vaults = {}
        for name, vault in region.vaults.items():
            archives = [(a.archive_id, a.size, a.tree_hash) for a in vault.archives.values()]
            uploads = [
                (u.upload_id, u.description, u.completed, u.aborted, u.last_activity, *parts(u))
                for u in vault.uploads.values()
            ]
            lock = vault.lock and (vault.lock.lock_id, vault.lock.state, vault.lock.policy)
            vaults[name] = (
                (archives, vault.archive_bytes, vault.last_write, vault.last_inventory_date),
                (uploads, list(vault.jobs), lock, vault.access_policy),
                (repr(vault.notification_config), list(vault.tags.items())),
            )
        capacity = [unit.capacity_id for unit in region.provisioned_capacity]
        admitted = len(region.expedited_admissions)
        regions.append((key, vaults, repr(region.retrieval_policy), capacity, admitted))
    schedule = backend.schedule
    return regions, len(schedule.pending), len(schedule.s3_objects), len(schedule.inventory_markers)


def raised_in_double(error: BaseException) -> bool:
    """The exception comes from pytest_glacier's code, not from botocore refusing to send."""
    frames = traceback.extract_tb(error.__traceback__)
    return any(f.filename.startswith(PACKAGE) and f.name not in DOOR_WRAPPERS for f in frames)


# -- the test -------------------------------------------------------------------------------
