"""Requests per second on loopback: pytest_glacier's server vs moto's ThreadedMotoServer.

One boto3 client sends requests one after another (keep-alive) to a server thread in this
process, for DescribeVault and for a 1 MiB UploadArchive; both servers run in the same
process, one after the other, in each round.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from .timing import median, now

MIB = 1 << 20
CREDENTIALS = {"aws_access_key_id": "AKIABENCH0000000000", "aws_secret_access_key": "bench"}


@contextmanager
def _ours() -> Iterator[str]:
    from pytest_glacier.server.server import GlacierServer

    with GlacierServer(clock="real") as server:
        yield server.endpoint_url


@contextmanager
def _moto() -> Iterator[str]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _rate(call: Callable[[], Any], seconds: float, most: int) -> float:
    """Requests per second over at most ``seconds`` of wall time or ``most`` requests."""
    for _ in range(3):
        call()
    count, start = 0, now()
    while count < most and now() - start < seconds:
        call()
        count += 1
    return count / (now() - start)


def _measure(endpoint: str, seconds: float, most: int) -> dict[str, float]:
    import boto3

    client = boto3.session.Session().client(
        "glacier", region_name="us-east-1", endpoint_url=endpoint, **CREDENTIALS
    )
    client.create_vault(vaultName="served")
    body = os.urandom(MIB)
    return {
        "DescribeVault": _rate(lambda: client.describe_vault(vaultName="served"), seconds, most),
        "UploadArchive 1 MiB": _rate(
            lambda: client.upload_archive(vaultName="served", body=body), seconds, most // 4
        ),
    }


def run(quick: bool) -> dict[str, Any]:
    rounds, seconds, most = (1, 0.5, 50) if quick else (3, 3.0, 2000)
    servers = {"pytest_glacier": _ours, "moto ThreadedMotoServer": _moto}
    samples: dict[str, dict[str, list[float]]] = {}
    for _ in range(rounds):
        for name, serve in servers.items():
            try:
                with serve() as endpoint:
                    rates = _measure(endpoint, seconds, most)
            except ImportError:
                continue
            for operation, rate in rates.items():
                samples.setdefault(name, {}).setdefault(operation, []).append(rate)
    return {
        "requests_per_second": {
            name: {op: median(values) for op, values in by_op.items()}
            for name, by_op in samples.items()
        }
    }
