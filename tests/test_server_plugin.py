"""``glacier_server`` as a plugin: one server per session or xdist worker, errors reach tests."""

from __future__ import annotations

import pytest

pytest.importorskip("xdist")

RECORD_ENDPOINTS = """
import os

def test_{name}(glacier_server, worker_id):
    client = glacier_server.client()
    assert client.list_vaults()["VaultList"] == []  # a cleared view: nothing from other tests
    client.create_vault(vaultName="{name}")
    with open(os.path.join({out!r}, "{name}"), "w") as f:
        f.write(worker_id + " " + glacier_server.endpoint_url)
"""


def test_server_is_shared_by_the_session_and_cleared_per_test(pytester: pytest.Pytester) -> None:
    out = pytester.mkdir("out")
    for i in range(3):
        pytester.makepyfile(**{f"test_m{i}": RECORD_ENDPOINTS.format(name=f"t{i}", out=str(out))})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    seen = {p.read_text() for p in out.iterdir()}
    assert len(seen) == 1, seen


def test_server_one_per_xdist_worker_without_port_clash(pytester: pytest.Pytester) -> None:
    out = pytester.mkdir("out")
    for i in range(6):
        pytester.makepyfile(**{f"test_m{i}": RECORD_ENDPOINTS.format(name=f"t{i}", out=str(out))})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "xdist", "-n", "2")
    result.assert_outcomes(passed=6)
    by_worker: dict[str, set[str]] = {}
    for path in out.iterdir():
        worker, url = path.read_text().split()
        by_worker.setdefault(worker, set()).add(url)
    assert sorted(by_worker) == ["gw0", "gw1"]
    assert all(len(urls) == 1 for urls in by_worker.values()), by_worker
    assert len(set.union(*by_worker.values())) == 2


def test_server_internal_error_fails_the_test_that_caused_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_breaks(glacier_server):
            glacier_server.service.interceptors.append(lambda ctx: 1 / 0)
            client = glacier_server.client(config=__import__("botocore.config").config.Config(
                retries={"total_max_attempts": 1}))
            try:
                client.list_vaults()
            except client.exceptions.ClientError as error:
                assert error.response["Error"]["Code"] == "ServiceUnavailableException"

        def test_after(glacier_server):
            assert glacier_server.client().list_vaults()["VaultList"] == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_breaks*",
            "*InternalError: pytest_glacier raised while answering a request:",
            "*ZeroDivisionError: division by zero",
        ]
    )


def test_server_error_while_streaming_fails_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import http.client
        from urllib.parse import urlsplit
        from pytest_glacier.core.http import Response

        def broken():
            yield b"partial"
            raise RuntimeError("stream broke")

        def test_stream(glacier_server):
            glacier_server.service.interceptors.append(lambda ctx: Response(200, {}, broken()))
            parts = urlsplit(glacier_server.endpoint_url)
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            connection.request("GET", "/-/vaults", headers={"x-amz-glacier-version": "2012-06-01"})
            response = connection.getresponse()
            try:
                response.read()
            except http.client.IncompleteRead:
                pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*RuntimeError: stream broke"])
