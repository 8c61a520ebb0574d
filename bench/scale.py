"""Scale: inventory output of a vault with many archives, and many in-progress jobs.

The archives are put into the vault's state directly (100,000 uploads through boto3 would
measure UploadArchive, which the per-call bench already does); everything timed goes
through boto3 and the controller as a user's test would.

Besides the whole round trip, an inventory's completion (where its output is built) is timed
in CPU seconds with its peak memory growth beside the output's size (the output is the one
copy it must hold), and a small vault's inventory is timed beside a big vault in the same
region (it must cost what its own archives cost).

    python -m bench.scale --inventory 1000000 JSON      (the 1M-archive figure)
    python -m bench.scale --beside 1000000              (a 10-archive vault beside 1M)
"""

from __future__ import annotations

import json
import sys
from typing import Any

from .memory import PeakSampler
from .timing import cpu, median, now, run_child

#: archives of the small vault timed beside a big one
SMALL_VAULT = 10


def _fill(glacier: Any, vault_name: str, count: int) -> None:
    from pytest_glacier.service.engine.state import Archive

    backend = glacier.backend
    region = backend.region_state(glacier.region)
    vault = region.vaults[vault_name]
    moment = glacier.now()
    for index in range(count):
        archive_id = backend.ids.archive_id()
        vault.put_archive(
            Archive(archive_id, vault_name, f"file-{index:06d}.tar", moment, 1024, "0" * 64, b"x")
        )
        region.archive_vaults[archive_id] = vault_name
    vault.last_write = moment


def inventory(count: int, fmt: str) -> dict[str, Any]:
    """InitiateJob (inventory) → completion → GetJobOutput read, for ``count`` archives."""
    from pytest_glacier import mock_glacier

    with mock_glacier() as glacier:
        client = glacier.client()
        client.create_vault(vaultName="many")
        _fill(glacier, "many", count)
        with PeakSampler() as sampler:
            start = now()
            job = client.initiate_job(
                vaultName="many", jobParameters={"Type": "inventory-retrieval", "Format": fmt}
            )["jobId"]
            with PeakSampler() as building:
                build_start = cpu()
                glacier.complete_jobs()
                build_cpu = cpu() - build_start
            body = client.get_job_output(vaultName="many", jobId=job)["body"].read()
            seconds = now() - start
    build_growth = building.growth()["RssAnon"]
    return {
        "seconds": seconds,
        "bytes": len(body),
        "growth": sampler.growth(),
        "build_cpu_seconds": build_cpu,
        "build_growth": build_growth,
        "build_growth_per_output_byte": build_growth / len(body),
    }


def beside(count: int, rounds: int = 20) -> dict[str, Any]:
    """CPU seconds of a small vault's inventory completion, alone and beside ``count``
    archives in another vault of the region (half of them deleted again)."""
    from pytest_glacier import mock_glacier

    def completion(glacier: Any, client: Any) -> float:
        samples = []
        for _ in range(rounds):
            client.initiate_job(vaultName="small", jobParameters={"Type": "inventory-retrieval"})
            start = cpu()
            glacier.complete_jobs()
            samples.append(cpu() - start)
        return median(samples)

    result: dict[str, Any] = {"small": SMALL_VAULT, "beside": count}
    with mock_glacier() as glacier:
        client = glacier.client()
        client.create_vault(vaultName="small")
        _fill(glacier, "small", SMALL_VAULT)
        result["alone_seconds"] = completion(glacier, client)
        client.create_vault(vaultName="big")
        _fill(glacier, "big", count)
        vault = glacier.backend.region_state(glacier.region).vaults["big"]
        for archive_id in list(vault.archives)[::2]:
            vault.pop_archive(archive_id)
        result["beside_seconds"] = completion(glacier, client)
    return result


def jobs(count: int) -> dict[str, Any]:
    """``count`` in-progress jobs: advance() over all completions, then ListJobs paging."""
    from pytest_glacier import mock_glacier

    with mock_glacier() as glacier:
        client = glacier.client()
        client.create_vault(vaultName="busy")
        archive = client.upload_archive(vaultName="busy", body=b"x" * 1024)["archiveId"]
        tiers = ("Expedited", "Standard", "Bulk")
        start = now()
        for index in range(count):
            client.initiate_job(
                vaultName="busy",
                jobParameters={
                    "Type": "archive-retrieval",
                    "ArchiveId": archive,
                    "Tier": tiers[index % 3],
                },
            )
        initiate = now() - start
        start = now()
        completed = glacier.advance(hours=12)
        advance = now() - start
        start = now()
        pages, listed, marker = 0, 0, None
        while True:
            kwargs = {"marker": marker} if marker else {}
            page = client.list_jobs(vaultName="busy", **kwargs)
            pages, listed = pages + 1, listed + len(page["JobList"])
            marker = page.get("Marker")
            if not marker:
                break
        paging = now() - start
    return {
        "jobs": count,
        "initiate_seconds": initiate,
        "advance_seconds": advance,
        "completed": len(completed),
        "list_seconds": paging,
        "pages": pages,
        "listed": listed,
    }


def run(quick: bool) -> dict[str, Any]:
    archives, job_count = (2_000, 300) if quick else (100_000, 10_000)
    result: dict[str, Any] = {"archives": archives}
    for fmt in ("JSON", "CSV"):
        result[f"inventory_{fmt}"] = run_child("scale", "--inventory", str(archives), fmt)
    # the figures: 1M archives (budget: build ≤ 3 s CPU, peak ≤ 1.2x the output)
    big = archives * 10
    result["big_archives"] = big
    result["inventory_big_JSON"] = run_child("scale", "--inventory", str(big), "JSON")
    result["jobs"] = run_child("scale", "--jobs", str(job_count))
    result["small_beside_big"] = run_child("scale", "--beside", str(big))
    return result


if __name__ == "__main__":
    if sys.argv[1] == "--inventory":
        print(json.dumps(inventory(int(sys.argv[2]), sys.argv[3])))
    elif sys.argv[1] == "--beside":
        print(json.dumps(beside(int(sys.argv[2]))))
    else:
        print(json.dumps(jobs(int(sys.argv[2]))))
