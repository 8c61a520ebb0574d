"""Large archives: tree-hash throughput, UploadArchive against botocore's floor, a round trip.

The round trip runs in a child process per storage mode so each has its own memory picture:
``memory`` uploads a ``bytes`` body and reads the output whole (the bytes the user gets are
the one copy allowed); ``disk`` uploads from a file and streams the output in 1 MiB pieces,
so the archive is never in the process's anonymous memory.

The upload section sets one UploadArchive through boto3 against ``mock_glacier`` beside the
same call answered by a stubbed-out endpoint (botocore's floor: its own sha256 and tree hash
of the body), alternating round by round in one fresh process, CPU and wall time side by
side: verifying both hashes on two threads saves wall time, not CPU.

    python -m bench.large --upload SIZE_MIB ROUNDS     (``python -m bench.large --upload 1024 5``
                                                       is the 1 GiB figure at full size)
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from typing import Any

from .memory import PeakSampler
from .percall import CREDENTIALS, _CannedRaw
from .timing import cpu, median, now, run_child

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


def _timed_upload(client: Any, data: bytes) -> tuple[float, float, int]:
    """(CPU seconds, wall seconds, peak anonymous-memory growth) of one UploadArchive."""
    with PeakSampler() as sampler:
        start_cpu, start_wall = cpu(), now()
        client.upload_archive(vaultName="big", body=data)
        seconds = cpu() - start_cpu, now() - start_wall
    return seconds[0], seconds[1], sampler.growth()["RssAnon"]


def upload_against_floor(size: int, rounds: int) -> dict[str, Any]:
    """UploadArchive of ``size`` bytes: botocore's floor and ours, alternating (a child)."""
    import boto3
    from botocore.awsrequest import AWSResponse

    from pytest_glacier import mock_glacier

    data = _data(size)
    floor_client = boto3.client("glacier", region_name="us-east-1", **CREDENTIALS)
    answered = {"x-amz-archive-id": "bench", "x-amz-sha256-tree-hash": "0" * 64}

    def answer(request: Any, **_: Any) -> Any:
        return AWSResponse(request.url, 201, dict(answered), _CannedRaw(b""))

    floor_client.meta.events.register_first("before-send.glacier.UploadArchive", answer)
    samples: dict[str, list[tuple[float, float, int]]] = {"floor": [], "ours": []}
    for _ in range(rounds):
        samples["floor"].append(_timed_upload(floor_client, data))
        with mock_glacier() as glacier:
            client = glacier.client()
            client.create_vault(vaultName="big")
            samples["ours"].append(_timed_upload(client, data))
    result: dict[str, Any] = {"size": size, "rounds": rounds}
    for name, runs in samples.items():
        result[name] = {
            "cpu_seconds": median([r[0] for r in runs]),
            "wall_seconds": median([r[1] for r in runs]),
            "growth": max(r[2] for r in runs),
            "rounds": [r[:2] for r in runs],
        }
    for kind in ("cpu", "wall"):
        seconds = f"{kind}_seconds"
        result[f"{kind}_ratio"] = result["ours"][seconds] / result["floor"][seconds]
    return result


def run(quick: bool) -> dict[str, Any]:
    size = 16 * MIB if quick else 1024 * MIB
    hashing = tree_hash_throughput(16 * MIB if quick else 256 * MIB, 1 if quick else 5)
    upload = run_child("large", "--upload", str(size // MIB), "1" if quick else "5")
    trips = {mode: run_child("large", "--trip", str(size), mode) for mode in ("memory", "disk")}
    return {"hash": hashing, "upload": upload, "round_trip": trips}


def _print_upload(result: dict[str, Any]) -> None:
    """The upload figures, readable, on stderr (stdout carries the JSON line)."""
    print(
        f"UploadArchive of {result['size'] // MIB} MiB, median of {result['rounds']} rounds",
        file=sys.stderr,
    )
    for name in ("floor", "ours"):
        side = result[name]
        rounds = ", ".join(f"{c:.2f}/{w:.2f}" for c, w in side["rounds"])
        print(
            f"  {name:5}  cpu {side['cpu_seconds']:.2f} s  wall {side['wall_seconds']:.2f} s  "
            f"peak growth {side['growth'] / MIB:,.0f} MiB   (cpu/wall per round: {rounds})",
            file=sys.stderr,
        )
    print(
        f"  ours / floor: cpu {result['cpu_ratio']:.2f}x, wall {result['wall_ratio']:.2f}x",
        file=sys.stderr,
    )


if __name__ == "__main__":
    if sys.argv[1] == "--trip":
        print(json.dumps(round_trip(int(sys.argv[2]), sys.argv[3])))
    elif sys.argv[1] == "--upload":
        measured = upload_against_floor(int(sys.argv[2]) * MIB, int(sys.argv[3]))
        _print_upload(measured)
        print(json.dumps(measured))
