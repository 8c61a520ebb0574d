"""Growth: what one list or describe call costs with little state around it vs a lot.

One double, two regions built alike: the small one holds 25 of everything (room for a full
page of 10 after a marker in the middle, so both regions answer the same page), the big one
10,000 (vaults stop at the service's 1,000 per region; tags stay at 10, under the 50 a vault
may have). Each timed call goes through a real boto3 client; the two regions are timed side
by side in every round, so both see the same machine load. The state is made by requests
handed to the service directly (no signing or parsing on the client side), except archives
and parts, which are put in as their uploads leave them (bench/scale.py does the same).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
from collections.abc import Callable
from typing import Any

from .timing import median, per_call

SMALL, BIG = "us-east-1", "us-west-2"
FEW = 25
PAGE = "10"
#: the goal: a call with 10,000 items around it costs at most this much more
GOAL = 1.10
MIB = 1 << 20
MAX_VAULTS = 1000
RATE = {"Rules": [{"Strategy": "BytesPerHour", "BytesPerHour": 1 << 50}]}
TOPIC = "arn:aws:sns:us-east-1:123456789012:growth"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "glacier:ListJobs", "Resource": "*"}
    ],
}


class _Region:
    """Requests straight to the service, signed for nothing, scoped to one region."""

    def __init__(self, glacier: Any, region: str) -> None:
        self.glacier = glacier
        self.region = region
        self.headers = {
            "x-amz-glacier-version": "2012-06-01",
            "host": f"glacier.{region}.amazonaws.com",
        }

    def send(self, method: str, path: str, body: Any = None, **headers: str) -> dict[str, str]:
        """One request (``path`` below ``/-/``); its headers, or an error if it was refused."""
        from pytest_glacier.core.http import Request

        data = b"" if body is None else json.dumps(body).encode()
        request = Request.from_url(method, f"/-/{path}", {**self.headers, **headers}, data)
        response = self.glacier.service.handle(request)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {response.body!r}")
        return dict(response.headers)

    def state(self) -> Any:
        return self.glacier.backend.region_state(self.region)


def _archives(region: _Region, vault_name: str, count: int) -> list[str]:
    """``count`` small archives, as UploadArchive leaves them."""
    from pytest_glacier.service.engine.state import Archive

    state = region.state()
    vault = state.vaults[vault_name]
    moment = region.glacier.now()
    ids = []
    for index in range(count):
        archive_id = region.glacier.backend.ids.archive_id()
        vault.put_archive(
            Archive(archive_id, vault_name, f"file-{index:05d}", moment, 1024, "0" * 64, b"x")
        )
        state.archive_vaults[archive_id] = vault_name
        ids.append(archive_id)
    vault.last_write = moment
    return ids


def _parts(region: _Region, upload_id: str, count: int) -> None:
    """``count`` 1 MiB parts of one upload, as UploadMultipartPart leaves them (one buffer)."""
    from pytest_glacier.service.engine.state import Part

    upload = region.state().vaults["v"].uploads[upload_id]
    data = memoryview(bytes(MIB))
    for index in range(count):
        upload.parts[index] = Part(index * MIB, data, "0" * 64)


def _inventory(region: _Region) -> str:
    """A small vault's inventory job (its output is read beside the big vault)."""
    region.send("PUT", "vaults/inv")
    _archives(region, "inv", 10)
    return region.send("POST", "vaults/inv/jobs", {"Type": "inventory-retrieval"})["x-amz-job-id"]


def _populate(region: _Region, count: int) -> dict[str, str]:
    """The region's state (``count`` of everything); what the timed calls name."""
    for index in range(min(count, MAX_VAULTS) - 2):
        region.send("PUT", f"vaults/vault-{index:05d}")
    region.send("PUT", "vaults/v")
    archive = _archives(region, "v", count)[0]
    retrieval = {"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Standard"}
    jobs = [region.send("POST", "vaults/v/jobs", retrieval)["x-amz-job-id"] for _ in range(count)]
    part_size = {"x-amz-part-size": str(MIB)}
    uploads = [
        region.send("POST", "vaults/v/multipart-uploads", **part_size)["x-amz-multipart-upload-id"]
        for _ in range(count)
    ]
    _parts(region, uploads[0], count)
    region.send(
        "PUT",
        "vaults/v/notification-configuration",
        {"SNSTopic": TOPIC, "Events": ["ArchiveRetrievalCompleted"]},
    )
    region.send("PUT", "vaults/v/access-policy", {"Policy": json.dumps(POLICY)})
    for start in (0, 5):
        tags = {f"key-{index}": "value" for index in range(start, start + 5)}
        region.send("POST", "vaults/v/tags?operation=add", {"Tags": tags})
    region.send("PUT", "policies/data-retrieval", {"Policy": RATE})
    names = sorted(region.state().vaults)
    return {
        "archive": archive,
        "job": jobs[0],
        "middle_job": jobs[count // 2],
        "upload": uploads[0],
        "middle_upload": uploads[count // 2],
        "middle_part": str((count // 2) * MIB),
        "middle_vault": region.state().arn(names[len(names) // 2]),
    }


def _calls(client: Any, named: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    retrieval = {"Type": "archive-retrieval", "ArchiveId": named["archive"], "Tier": "Standard"}
    upload = named["upload"]
    return {
        "ListVaults (first page)": lambda: client.list_vaults(),
        "ListVaults (marker in the middle)": lambda: client.list_vaults(
            marker=named["middle_vault"]
        ),
        "DescribeVault": lambda: client.describe_vault(vaultName="v"),
        "ListJobs limit 10 (first page)": lambda: client.list_jobs(vaultName="v", limit=PAGE),
        "ListJobs limit 10 (marker in the middle)": lambda: client.list_jobs(
            vaultName="v", limit=PAGE, marker=named["middle_job"]
        ),
        "DescribeJob": lambda: client.describe_job(vaultName="v", jobId=named["job"]),
        "ListMultipartUploads (first page)": lambda: client.list_multipart_uploads(
            vaultName="v", limit=PAGE
        ),
        "ListMultipartUploads (marker in the middle)": lambda: client.list_multipart_uploads(
            vaultName="v", limit=PAGE, marker=named["middle_upload"]
        ),
        "ListParts (first page)": lambda: client.list_parts(
            vaultName="v", uploadId=upload, limit=PAGE
        ),
        "ListParts (marker in the middle)": lambda: client.list_parts(
            vaultName="v", uploadId=upload, limit=PAGE, marker=named["middle_part"]
        ),
        "ListTagsForVault": lambda: client.list_tags_for_vault(vaultName="v"),
        "GetVaultNotifications": lambda: client.get_vault_notifications(vaultName="v"),
        "GetVaultAccessPolicy": lambda: client.get_vault_access_policy(vaultName="v"),
        "InitiateJob (BytesPerHour policy)": lambda: client.initiate_job(
            vaultName="v", jobParameters=retrieval
        ),
        "GetJobOutput (small inventory)": lambda: client.get_job_output(
            vaultName="inv", jobId=named["inventory_job"]
        )["body"].read(),
    }


def measure(count: int, rounds: int, calls: int) -> dict[str, Any]:
    """Per-call CPU seconds of every operation with FEW and with ``count`` items around it."""
    from pytest_glacier import mock_glacier

    with mock_glacier() as glacier:
        regions = {SMALL: (_Region(glacier, SMALL), FEW), BIG: (_Region(glacier, BIG), count)}
        inventories = {name: _inventory(region) for name, (region, _) in regions.items()}
        # the inventories complete; the retrievals, made after them, stay in progress
        glacier.advance(dt.timedelta(hours=5, minutes=1))
        named = {
            name: {**_populate(region, items), "inventory_job": inventories[name]}
            for name, (region, items) in regions.items()
        }
        timed = {name: _calls(glacier.client(region_name=name), named[name]) for name in named}
        samples: dict[str, dict[str, list[float]]] = {
            op: {SMALL: [], BIG: []} for op in timed[SMALL]
        }
        # the collector's full passes walk the whole heap, however the code scales: the
        # state made so far is moved out of their way, so the table measures the code
        gc.collect()
        gc.freeze()
        try:
            for turn in range(rounds):
                for op, by_region in samples.items():
                    # both regions in turn, in alternating order, so load hits them alike
                    for name in (SMALL, BIG) if turn % 2 == 0 else (BIG, SMALL):
                        timed[name][op]()  # warm: the first call of a shape builds caches
                        by_region[name].append(per_call(timed[name][op], calls))
        finally:
            gc.unfreeze()
    table = {}
    for op, by_region in samples.items():
        few, many = median(by_region[SMALL]), median(by_region[BIG])
        table[op] = {"small": few, "big": many, "ratio": many / few}
    return {"few": FEW, "items": count, "rounds": rounds, "calls": calls, "seconds_per_call": table}


def run(quick: bool) -> dict[str, Any]:
    return measure(10_000, 2, 10) if quick else measure(10_000, 15, 40)


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=1))
