"""A bounded soak of the local server: 32 connections of mixed operations for 60 seconds.

``python -m bench.soak [--seconds 60] [--connections 32]``. Each connection is one boto3
client (a pool of one) in its own thread, looping over a mix of operations on its own vault:
uploads (small and 256 KiB), describes and lists, multipart uploads, jobs, tags, deletes, an
expected refusal (a vault that does not exist), and one raw malformed request in every few
rounds on a connection of its own. The server is ``pytest-glacier serve`` in a process of its
own. It reports requests served, failed requests (anything but the expected answers), the
double's internal errors (the server's exit status), and the server's RSS at start and end
(archives are deleted as they go; calls and jobs are kept, as the double keeps them). Not
a section of ``python -m bench``: it takes a minute.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit

MIB = 1 << 20


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _hostile(endpoint: str, round_: int) -> bool:
    """One malformed request on its own connection: True when refused as it must be."""
    parts = urlsplit(endpoint)
    raws = [
        b"POST /-/vaults/x/archives HTTP/1.1\r\nHost: h\r\nContent-Length: \xc2\xb2\r\n\r\n",
        b"POST /-/vaults/x/jobs HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Length: 3\r\n\r\n0\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\nHost: h\r\n\r\n",
    ]
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(raws[round_ % len(raws)])
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.startswith(b"HTTP/1.1 400 ") and b'"BadRequest"' in data


def _worker(
    endpoint: str, index: int, deadline: float, counts: dict[str, int], lock: threading.Lock
) -> None:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError
    from botocore.utils import calculate_tree_hash

    client = boto3.session.Session().client(
        "glacier",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIASOAK",
        aws_secret_access_key="soak",
        config=Config(retries={"total_max_attempts": 1}, max_pool_connections=1),
    )
    vault = f"soak-{index}"
    small, large = os.urandom(1000), os.urandom(256 * 1024)
    served = failed = 0

    def call(name: str, *args: Any, expect: str | None = None, **kwargs: Any) -> Any:
        nonlocal served, failed
        try:
            result = getattr(client, name)(*args, **kwargs)
        except ClientError as error:
            served += 1
            if error.response["Error"]["Code"] != expect:
                failed += 1
            return None
        except Exception:
            failed += 1
            return None
        served += 1
        if expect is not None:
            failed += 1
        return result

    call("create_vault", vaultName=vault)
    round_ = 0
    while time.monotonic() < deadline:
        round_ += 1
        archive = call("upload_archive", vaultName=vault, body=small)
        big = call("upload_archive", vaultName=vault, body=large, archiveDescription="big")
        call("describe_vault", vaultName=vault)
        call("list_vaults", limit="10")
        call("describe_vault", vaultName=f"missing-{index}", expect="ResourceNotFoundException")
        call("add_tags_to_vault", vaultName=vault, Tags={"round": str(round_ % 10)})
        call("list_tags_for_vault", vaultName=vault)
        upload = call("initiate_multipart_upload", vaultName=vault, partSize=str(MIB))
        if upload is not None:
            part = large * 4
            call(
                "upload_multipart_part",
                vaultName=vault,
                uploadId=upload["uploadId"],
                range=f"bytes 0-{len(part) - 1}/*",
                body=part,
            )
            done = call(
                "complete_multipart_upload",
                vaultName=vault,
                uploadId=upload["uploadId"],
                archiveSize=str(len(part)),
                checksum=calculate_tree_hash(io.BytesIO(part)),
            )
            if done is not None:
                call("delete_archive", vaultName=vault, archiveId=done["archiveId"])
        if archive is not None:
            job = call(
                "initiate_job",
                vaultName=vault,
                jobParameters={"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]},
            )
            if job is not None:
                call("describe_job", vaultName=vault, jobId=job["jobId"])
            call("list_jobs", vaultName=vault)
            call("delete_archive", vaultName=vault, archiveId=archive["archiveId"])
        if big is not None:
            call("delete_archive", vaultName=vault, archiveId=big["archiveId"])
        if round_ % 5 == 0:
            served += 1
            if not _hostile(endpoint, round_ // 5):
                failed += 1
    with lock:
        counts["served"] += served
        counts["failed"] += failed


def run(seconds: float = 60.0, connections: int = 32) -> dict[str, Any]:
    """The server runs as ``pytest-glacier serve`` in a process of its own, so its RSS is its
    own (32 boto3 sessions in the measuring process take hundreds of MiB themselves)."""
    import boto3  # noqa: F401  (imported before the clients' threads start)

    server = subprocess.Popen(
        [sys.executable, "-m", "pytest_glacier", "serve", "--clock", "real", "--seed", "soak"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        endpoint = server.stdout.readline().strip()
        counts = {"served": 0, "failed": 0}
        lock = threading.Lock()
        start_rss = rss_mib(server.pid)
        started = time.monotonic()
        threads = [
            threading.Thread(
                target=_worker, args=(endpoint, index, started + seconds, counts, lock)
            )
            for index in range(connections)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        end_rss = rss_mib(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=60)
    return {
        "connections": connections,
        "seconds": round(elapsed, 1),
        "requests served": counts["served"],
        "requests/s": round(counts["served"] / elapsed),
        "failed requests": counts["failed"],
        # the server exits 1 (a traceback on stderr) when the double hit an internal error
        "server exit status": server.returncode,
        "internal errors": stderr.count("Traceback"),
        "server RSS start MiB": round(start_rss, 1),
        "server RSS end MiB": round(end_rss, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    result = run(args.seconds, args.connections)
    print(json.dumps(result, indent=2))
    clean = result["failed requests"] == 0 and result["server exit status"] == 0
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
