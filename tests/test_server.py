"""The local server and the ``glacier_server`` fixture, through real clients over loopback."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import socket
import threading
import tracemalloc
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config
from botocore.utils import calculate_tree_hash

from pytest_glacier import mock_glacier
from pytest_glacier.core.http import Response
from pytest_glacier.server.listener import Listener
from pytest_glacier.server.server import GlacierServer, ServedGlacier

NO_RETRY = Config(retries={"total_max_attempts": 1})
MIB = 1024 * 1024


def admin(server: ServedGlacier, method: str, route: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{server.endpoint_url}/_pytest_glacier/{route}",
        data=data,
        method=method,
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:  # the same error, its socket closed now
        body = error.read()
        error.close()
        raise urllib.error.HTTPError(
            error.url, error.code, error.msg, error.headers, io.BytesIO(body)
        ) from None


def address(endpoint_url: str) -> tuple[str, int]:
    parts = urlsplit(endpoint_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


def connect(server: ServedGlacier) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(*address(server.endpoint_url), timeout=30)


def upload_headers(data: bytes) -> dict[str, str]:
    return {
        "x-amz-glacier-version": "2012-06-01",
        "x-amz-content-sha256": hashlib.sha256(data).hexdigest(),
        "x-amz-sha256-tree-hash": calculate_tree_hash(io.BytesIO(data)),
    }


# -- the fixture -----------------------------------------------------------------------------
def test_server_endpoint_is_loopback_http(glacier_server: ServedGlacier) -> None:
    parts = urlsplit(glacier_server.endpoint_url)
    assert (parts.scheme, parts.hostname) == ("http", "127.0.0.1")
    assert parts.port


def test_server_client_round_trip_over_http(glacier_server: ServedGlacier) -> None:
    client = glacier_server.client(config=NO_RETRY)
    assert client.meta.endpoint_url == glacier_server.endpoint_url
    client.create_vault(vaultName="photos")
    out = client.upload_archive(vaultName="photos", body=b"x" * (2 * MIB + 7))
    archive = glacier_server.archives("photos")[out["archiveId"]]
    assert (archive.size, archive.tree_hash) == (2 * MIB + 7, out["checksum"])
    assert [c.operation for c in glacier_server.calls] == ["CreateVault", "UploadArchive"]


def test_server_boto3_client_made_in_test_reaches_server(glacier_server: ServedGlacier) -> None:
    client = boto3.client("glacier")
    assert client.meta.endpoint_url == glacier_server.endpoint_url
    client.create_vault(vaultName="v")
    assert list(glacier_server.vaults()) == ["v"]


def test_server_env_points_subprocesses_at_server(
    glacier_server: ServedGlacier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "production")
    env = glacier_server.env
    assert env["AWS_ENDPOINT_URL_GLACIER"] == glacier_server.endpoint_url
    assert env["AWS_ACCESS_KEY_ID"] == "AKIAPYTESTGLACIER000"
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert "AWS_PROFILE" not in env
    assert env["PATH"]


@pytest.mark.glacier(region="eu-west-1", account_id="111122223333")
def test_server_marker_configures_server_double(
    glacier_server: ServedGlacier, request: pytest.FixtureRequest
) -> None:
    assert "glacier" not in request.fixturenames
    client = glacier_server.client()
    out = client.create_vault(vaultName="v")
    assert out["location"] == "/111122223333/vaults/v"
    assert glacier_server.vaults("eu-west-1")["v"].arn.startswith("arn:aws:glacier:eu-west-1:")


def test_server_answers_the_same_as_in_process(glacier_server: ServedGlacier) -> None:
    def errors(client: Any) -> list[Any]:
        out = []
        for name in ("missing", "bad name!"):
            try:
                client.describe_vault(vaultName=name)
            except client.exceptions.ClientError as error:
                out.append(
                    (error.response["Error"], error.response["ResponseMetadata"]["HTTPStatusCode"])
                )
        return out

    over_http = errors(glacier_server.client(config=NO_RETRY))
    with mock_glacier() as double:
        in_process = errors(double.client(config=NO_RETRY))
    assert over_http == in_process
    assert len(over_http) == 2


def test_server_time_follows_fixture_advance(glacier_server: ServedGlacier) -> None:
    client = glacier_server.client()
    glacier_server.advance(hours=2)
    client.create_vault(vaultName="v")
    assert client.describe_vault(vaultName="v")["CreationDate"] == "2024-01-01T02:00:00.000Z"
    assert admin(glacier_server, "GET", "now") == {"now": "2024-01-01T02:00:00.000Z"}


def test_server_ids_are_seeded_by_test(glacier_server: ServedGlacier) -> None:
    client = glacier_server.client()
    client.create_vault(vaultName="v")
    first = client.upload_archive(vaultName="v", body=b"a")["archiveId"]
    glacier_server.reset()
    client.create_vault(vaultName="v")
    assert client.upload_archive(vaultName="v", body=b"a")["archiveId"] == first


# -- the admin endpoint ----------------------------------------------------------------------
def test_admin_advance_moves_clock(glacier_server: ServedGlacier) -> None:
    out = admin(glacier_server, "POST", "advance", {"seconds": 90})
    assert out == {"now": "2024-01-01T00:01:30.000Z", "completed": []}
    assert glacier_server.now().isoformat() == "2024-01-01T00:01:30+00:00"


def test_admin_advance_rejects_unknown_key(glacier_server: ServedGlacier) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        admin(glacier_server, "POST", "advance", {"weeks": 1})
    assert caught.value.code == 400
    assert json.loads(caught.value.read()) == {
        "error": "advance takes seconds, minutes, hours, days; got 'weeks'"
    }


def test_admin_calls_lists_recorded_requests(glacier_server: ServedGlacier) -> None:
    glacier_server.client().create_vault(vaultName="v")
    (call,) = admin(glacier_server, "GET", "calls")
    assert call["operation"] == "CreateVault"
    assert (call["status"], call["error_code"]) == (201, None)
    assert call["params"] == {"accountId": "-", "vaultName": "v"}


def test_admin_reset_forgets_state(glacier_server: ServedGlacier) -> None:
    client = glacier_server.client()
    client.create_vault(vaultName="v")
    admin(glacier_server, "POST", "advance", {"hours": 1})
    assert admin(glacier_server, "POST", "reset") == {"now": "2024-01-01T00:00:00.000Z"}
    assert client.list_vaults()["VaultList"] == []
    assert [c.operation for c in glacier_server.calls] == ["ListVaults"]


def test_admin_faults_inject_and_list(glacier_server: ServedGlacier) -> None:
    client = glacier_server.client(config=NO_RETRY)
    client.create_vault(vaultName="v")
    rule = {
        "code": "ThrottlingException",
        "operation": "DescribeVault",
        "match": {"vaultName": "v"},
    }
    assert admin(glacier_server, "POST", "faults", rule) == {
        "kind": "inject",
        "code": "ThrottlingException",
        "operation": "DescribeVault",
        "message": "Rate exceeded",
        "status": 400,
        "times": 1,
        "match": {"vaultName": "v"},
        "optional": False,
        "hits": 0,
    }
    with pytest.raises(client.exceptions.ClientError) as caught:
        client.describe_vault(vaultName="v")
    assert caught.value.response["Error"]["Code"] == "ThrottlingException"
    assert client.describe_vault(vaultName="v")["VaultName"] == "v"
    (listed,) = admin(glacier_server, "GET", "faults")
    assert listed["hits"] == 1
    assert glacier_server.fault_rules[0].hits == 1


def test_admin_faults_lists_rules_from_the_fixture(glacier_server: ServedGlacier) -> None:
    glacier_server.add_latency(30, operation="ListVaults")
    glacier_server.client().list_vaults()
    (listed,) = admin(glacier_server, "GET", "faults")
    assert listed == {
        "kind": "add_latency",
        "operation": "ListVaults",
        "seconds": 30.0,
        "times": None,
        "match": None,
        "optional": False,
        "hits": 1,
    }


def test_admin_faults_rejects_unknown_code(glacier_server: ServedGlacier) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        admin(glacier_server, "POST", "faults", {"code": "Throttled"})
    assert caught.value.code == 400
    assert json.loads(caught.value.read())["error"].startswith(
        "Unknown Glacier error code 'Throttled' for inject()."
    )
    assert glacier_server.fault_rules == ()


def test_admin_notifications_after_advance(glacier_server: ServedGlacier) -> None:
    client = glacier_server.client()
    client.create_vault(vaultName="v")
    topic = "arn:aws:sns:us-east-1:123456789012:restores"
    client.set_vault_notifications(
        vaultName="v",
        vaultNotificationConfig={"SNSTopic": topic, "Events": ["ArchiveRetrievalCompleted"]},
    )
    archive = client.upload_archive(vaultName="v", body=b"data")["archiveId"]
    job = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive, "Tier": "Expedited"},
    )["jobId"]
    assert admin(glacier_server, "GET", "notifications") == []
    (completed,) = admin(glacier_server, "POST", "advance", {"minutes": 5})["completed"]
    (note,) = admin(glacier_server, "GET", "notifications")
    assert note["topic"] == topic
    assert note["message"]["JobId"] == completed["JobId"] == job
    assert note["message"]["StatusCode"] == "Succeeded"


def test_admin_unknown_route_is_a_glacier_request(glacier_server: ServedGlacier) -> None:
    """Only the admin routes are admin paths: another one is answered as every door does."""
    with pytest.raises(urllib.error.HTTPError) as caught:
        admin(glacier_server, "GET", "clock")
    assert caught.value.code == 400
    assert json.loads(caught.value.read())["code"] == "BadRequest"


def test_admin_wrong_method_is_405(glacier_server: ServedGlacier) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        admin(glacier_server, "GET", "reset")
    assert caught.value.code == 405


# -- HTTP details ----------------------------------------------------------------------------
def test_server_keeps_connection_alive(glacier_server: ServedGlacier) -> None:
    connection = connect(glacier_server)
    headers = {"x-amz-glacier-version": "2012-06-01"}
    for name in ("a", "b"):
        connection.request("PUT", f"/-/vaults/{name}", headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 201
    connection.close()
    assert sorted(glacier_server.vaults()) == ["a", "b"]


def test_server_accepts_chunked_request_body(glacier_server: ServedGlacier) -> None:
    glacier_server.client().create_vault(vaultName="v")
    data = bytes(range(256)) * 5000
    connection = connect(glacier_server)
    chunks = iter([data[:1000], data[1000:700000], data[700000:]])
    connection.request(
        "POST",
        "/-/vaults/v/archives",
        body=chunks,
        headers=upload_headers(data),
        encode_chunked=True,
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 201
    archive_id = response.getheader("x-amz-archive-id")
    assert archive_id is not None
    assert bytes(glacier_server.archives("v")[archive_id].data) == data


def test_server_rejects_malformed_chunked_body(glacier_server: ServedGlacier) -> None:
    with socket.create_connection(address(glacier_server.endpoint_url), timeout=30) as sock:
        sock.sendall(
            b"POST /-/vaults/v/archives HTTP/1.1\r\nHost: x\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 400 ")
    assert glacier_server.calls == ()


def _raw_request(server: ServedGlacier, head: bytes) -> socket.socket:
    sock = socket.create_connection(address(server.endpoint_url), timeout=30)
    sock.sendall(head)
    return sock


def _head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: glacier",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_server_sends_100_continue_when_body_is_read(glacier_server: ServedGlacier) -> None:
    glacier_server.client().create_vault(vaultName="v")
    data = b"expect me" * 1000
    headers = {**upload_headers(data), "Content-Length": str(len(data)), "Expect": "100-continue"}
    with _raw_request(glacier_server, _head("POST", "/-/vaults/v/archives", headers)) as sock:
        reader = sock.makefile("rb")
        assert reader.readline() == b"HTTP/1.1 100 Continue\r\n"
        assert reader.readline() == b"\r\n"
        sock.sendall(data)
        assert reader.readline().startswith(b"HTTP/1.1 201 ")
    (archive,) = glacier_server.archives("v").values()
    assert bytes(archive.data) == data


def test_server_rejects_before_100_continue_and_closes(glacier_server: ServedGlacier) -> None:
    data = b"never sent"
    headers = {**upload_headers(data), "Content-Length": str(len(data)), "Expect": "100-continue"}
    with _raw_request(glacier_server, _head("POST", "/-/vaults/none/archives", headers)) as sock:
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ")
    assert b"connection: close" in head.lower()
    assert json.loads(body)["code"] == "ResourceNotFoundException"


def test_server_streams_responses_of_unknown_length(glacier_server: ServedGlacier) -> None:
    release = threading.Event()

    def body() -> Iterator[bytes]:
        yield b"a" * MIB
        assert release.wait(30), "the client never saw the first chunk"
        yield b"b" * MIB

    glacier_server.service.interceptors.append(
        lambda ctx: Response(200, {"content-type": "application/octet-stream"}, body())
    )
    connection = connect(glacier_server)
    connection.request("GET", "/-/vaults", headers={"x-amz-glacier-version": "2012-06-01"})
    response = connection.getresponse()
    assert response.getheader("transfer-encoding") == "chunked"
    assert response.read(MIB) == b"a" * MIB  # arrived while the body was still being made
    release.set()
    assert response.read() == b"b" * MIB
    connection.close()


def test_server_streams_large_job_output_without_a_whole_copy(
    glacier_server: ServedGlacier,
) -> None:
    client = glacier_server.client()
    client.create_vault(vaultName="v")
    data = bytes(range(256)) * (24 * MIB // 256)
    archive = client.upload_archive(vaultName="v", body=data)
    job = client.initiate_job(
        vaultName="v",
        jobParameters={"Type": "archive-retrieval", "ArchiveId": archive["archiveId"]},
    )["jobId"]
    glacier_server.complete_jobs()
    digest = hashlib.sha256()
    tracemalloc.start()
    try:
        output = client.get_job_output(vaultName="v", jobId=job)
        for chunk in output["body"].iter_chunks(MIB):
            digest.update(chunk)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert digest.digest() == hashlib.sha256(data).digest()
    assert peak < 8 * MIB  # the 24 MiB output was never copied whole


def test_server_keeps_encoded_slash_in_path(glacier_server: ServedGlacier) -> None:
    connection = connect(glacier_server)
    connection.request("PUT", "/-/vaults/a%2Fb", headers={"x-amz-glacier-version": "2012-06-01"})
    response = connection.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["message"] == "Invalid vault name: a/b"
    connection.close()


# -- the GlacierServer class -----------------------------------------------------------------
def test_glacier_server_class_serves_its_own_double() -> None:
    with GlacierServer(seed=7) as server:
        client = boto3.client(
            "glacier",
            endpoint_url=server.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id="a",
            aws_secret_access_key="b",
        )
        client.create_vault(vaultName="v")
        assert list(server.double.vaults()) == ["v"]
        url = server.endpoint_url
    with pytest.raises(RuntimeError, match="not started"):
        server.endpoint_url  # noqa: B018
    with pytest.raises(OSError):
        socket.create_connection(address(url), timeout=5)


def test_glacier_server_stop_closes_idle_keep_alive_connections() -> None:
    server = GlacierServer().start()
    connection = http.client.HTTPConnection(*address(server.endpoint_url), timeout=30)
    connection.request("GET", "/_pytest_glacier/now")
    connection.getresponse().read()
    server.stop()  # returns although the connection is still open
    connection.close()


def test_listener_turns_off_nagle_on_accepted_connections() -> None:
    seen: list[int] = []

    class Probe(BaseHTTPRequestHandler):
        def handle(self) -> None:
            seen.append(self.request.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    errors: list[str] = []
    listener = Listener(
        ("127.0.0.1", 0), Probe, app=lambda environ, start_response: [], report=errors.append
    )
    thread = threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        where = (listener.server_name, listener.server_port)
        with socket.create_connection(where, timeout=30) as sock:
            assert sock.recv(1) == b""  # the probe closed it after looking
    finally:
        listener.shutdown()
        listener.server_close()
        thread.join()
    assert seen and seen[0] != 0
    assert errors == []


def test_header_names_have_the_services_case(glacier_server: Any) -> None:
    """The server sends ``x-amzn-RequestId``, ``Date``, ``Location``... as the service spells
    them (the core's names are lower-case)."""
    client = glacier_server.client()
    client.create_vault(vaultName="cased")
    parts = glacier_server.endpoint_url.split("//", 1)[1]
    host, port = parts.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(
        "POST",
        "/-/vaults/cased/jobs",
        body=b'{"Type": "inventory-retrieval"}',
        headers={"x-amz-glacier-version": "2012-06-01"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    names = [name for name, _ in response.getheaders()]
    assert response.status == 202
    assert names[:2] == ["Location", "x-amz-job-id"] or "Location" in names
    for name in ("x-amzn-RequestId", "Date", "Location", "x-amz-job-id", "Content-Length"):
        assert name in names, names
    assert all(name == name.lower() or name in WIRE for name in names), names


WIRE = {"x-amzn-RequestId", "Date", "Location", "Content-Type", "Content-Length", "Connection"}
