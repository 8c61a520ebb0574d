"""Large archives: tree-hash throughput, and an UploadArchive + retrieval round trip.

The round trip runs in a child process per storage mode so each has its own memory picture:
``memory`` uploads a ``bytes`` body and reads the output whole (the bytes the user gets are
the one copy allowed); ``disk`` uploads from a file and streams the output in 1 MiB pieces,
so the archive is never in the process's anonymous memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from typing import Any

from .memory import PeakSampler
from .timing import median, now, run_child

MIB = 1 << 20


def _data(size: int) -> bytes:
    return os.urandom(MIB) * (size // MIB)


def tree_hash_throughput(size: int, rounds: int) -> dict[str, float]:
    """Bytes per second of hashlib.sha256 and of our tree hash over the same bytes."""
    from pytest_glacier.core.treehash import tree_hash

    data = _data(size)
    plain, tree = [], []
    for _ in range(rounds):
        start = now()
        hashlib.sha256(data).digest()
        plain.append(now() - start)
        start = now()
        tree_hash(data)
        tree.append(now() - start)
    return {"sha256": size / median(plain), "tree_hash": size / median(tree)}


def round_trip(size: int, storage: str) -> dict[str, Any]:
    """One archive of ``size`` bytes up and back through boto3 (run in a child process)."""
    import boto3

    from pytest_glacier import mock_glacier

    path = None
    if storage == "disk":
        handle, path = tempfile.mkstemp(prefix="bench-large-")
        with os.fdopen(handle, "wb") as file:
            for _ in range(size // MIB):
                file.write(os.urandom(MIB))
        data = None
    else:
        data = _data(size)
    result: dict[str, Any] = {"size": size, "storage": storage}
    with mock_glacier(storage=storage) as glacier:
        client = boto3.client("glacier", region_name="us-east-1")
        client.create_vault(vaultName="big")
        with PeakSampler() as sampler:
            start = now()
            if path is not None:
                with open(path, "rb") as body:
                    out = client.upload_archive(vaultName="big", body=body)
            else:
                out = client.upload_archive(vaultName="big", body=data)
            result["upload_seconds"] = now() - start
            job = client.initiate_job(
                vaultName="big",
                jobParameters={"Type": "archive-retrieval", "ArchiveId": out["archiveId"]},
            )["jobId"]
            glacier.complete_jobs()
            start = now()
            body = client.get_job_output(vaultName="big", jobId=job)["body"]
            if storage == "disk":
                digest = hashlib.sha256()
                for chunk in body.iter_chunks(MIB):
                    digest.update(chunk)
                received = body._amount_read
            else:
                received = len(body.read())
            result["retrieve_seconds"] = now() - start
        result["received"] = received
        result["growth"] = sampler.growth()
    if path is not None:
        os.unlink(path)
    return result


def run(quick: bool) -> dict[str, Any]:
    size = 16 * MIB if quick else 1024 * MIB
    hashing = tree_hash_throughput(16 * MIB if quick else 256 * MIB, 1 if quick else 5)
    trips = {mode: run_child("large", "--trip", str(size), mode) for mode in ("memory", "disk")}
    return {"hash": hashing, "round_trip": trips}


if __name__ == "__main__":
    if sys.argv[1] == "--trip":
        print(json.dumps(round_trip(int(sys.argv[2]), sys.argv[3])))
