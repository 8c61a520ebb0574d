"""Programs that fork: a ``multiprocessing`` pool of 4 uploading through ``glacier_server``."""

from __future__ import annotations

import multiprocessing

import boto3
import pytest

from pytest_glacier.server.server import ServedGlacier


def upload(job: tuple[str, int]) -> tuple[str, bytes]:
    """In a child process: upload one archive through the server, return (id, bytes)."""
    endpoint_url, index = job
    client = boto3.client(
        "glacier",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="AKID",
        aws_secret_access_key="secret",
    )
    body = f"archive {index} ".encode() * (1000 + index * 5000)
    return client.upload_archive(vaultName="pool", body=body)["archiveId"], body


@pytest.mark.parametrize(
    "method", [m for m in ("fork", "spawn") if m in multiprocessing.get_all_start_methods()]
)
def test_server_pool_of_four_uploads_land(glacier_server: ServedGlacier, method: str) -> None:
    glacier_server.client().create_vault(vaultName="pool")
    with multiprocessing.get_context(method).Pool(4) as pool:
        results = pool.map(upload, [(glacier_server.endpoint_url, i) for i in range(12)])
    archives = glacier_server.archives("pool")
    assert len(archives) == 12
    assert {archive_id: bytes(archives[archive_id].data) for archive_id, _ in results} == dict(
        results
    )
    assert [c.status for c in glacier_server.calls] == [201] * 13
