"""The admin endpoint lets no web page in: Origin, Host, content type and the optional token."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from pytest_glacier.server.server import GlacierServer, ServedGlacier

pytestmark = pytest.mark.timeout(60)


def send(server: ServedGlacier | GlacierServer, raw: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(server.endpoint_url)
    assert parts.hostname and parts.port
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(raw.encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode().split("\r\n")
            headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
            if "content-length" in headers and len(body) >= int(headers["content-length"]):
                return int(lines[0].split()[1]), headers, body
    raise AssertionError(f"no complete answer: {data!r}")


def own_host(server: ServedGlacier | GlacierServer) -> str:
    return urlsplit(server.endpoint_url).netloc


def post(
    server: ServedGlacier | GlacierServer,
    route: str,
    body: str = '{"seconds": 60}',
    *,
    host: str | None = None,
    content_type: str | None = "application/json",
    extra: str = "",
) -> tuple[int, dict[str, str], bytes]:
    lines = [f"POST /_pytest_glacier/{route} HTTP/1.1", f"Host: {host or own_host(server)}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    lines.append(f"Content-Length: {len(body.encode())}")
    raw = "\r\n".join(lines) + "\r\n" + extra + "\r\n" + body
    return send(server, raw)


def error_of(answer: tuple[int, dict[str, str], bytes]) -> tuple[int, str]:
    status, headers, body = answer
    assert headers["content-type"] == "application/json"
    payload = json.loads(body)
    assert set(payload) == {"error"}
    return status, payload["error"]


def test_browser_shaped_cross_origin_post_is_refused(glacier_server: ServedGlacier) -> None:
    """What a page at evil.example sends with fetch(..., {method: "POST", mode: "no-cors"})."""
    answer = post(
        glacier_server,
        "reset",
        "",
        content_type="text/plain;charset=UTF-8",
        extra="Origin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\n"
        "Sec-Fetch-Mode: no-cors\r\nReferer: https://evil.example/page\r\n",
    )
    status, message = error_of(answer)
    assert status == 403 and "browser" in message
    glacier_server.client().create_vault(vaultName="kept")
    assert post(glacier_server, "advance", extra="Origin: https://evil.example\r\n")[0] == 403
    assert list(glacier_server.vaults()) == ["kept"]
    assert glacier_server.now().isoformat().startswith("2024-01-01T00:00:00")


def test_form_post_to_advance_is_refused(glacier_server: ServedGlacier) -> None:
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        None,
    ):
        status, message = error_of(post(glacier_server, "advance", content_type=content_type))
        assert status == 415 and "application/json" in message
    assert glacier_server.now().minute == 0


def test_foreign_host_is_refused_dns_rebinding(glacier_server: ServedGlacier) -> None:
    port = urlsplit(glacier_server.endpoint_url).port
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{(port or 0) + 1}"):
        status, message = error_of(post(glacier_server, "advance", host=host))
        assert status == 403 and "Host" in message
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert post(glacier_server, "advance", host=host)[0] == 200
    assert glacier_server.now().minute == 3


def test_get_routes_are_guarded_too(glacier_server: ServedGlacier) -> None:
    raw = (
        f"GET /_pytest_glacier/calls HTTP/1.1\r\nHost: {own_host(glacier_server)}\r\n"
        "Origin: https://evil.example\r\n\r\n"
    )
    assert send(glacier_server, raw)[0] == 403
    raw = f"GET /_pytest_glacier/now HTTP/1.1\r\nHost: {own_host(glacier_server)}\r\n\r\n"
    assert send(glacier_server, raw)[0] == 200


def test_json_post_from_a_tool_is_served(glacier_server: ServedGlacier) -> None:
    status, _, body = post(
        glacier_server, "advance", content_type="application/json; charset=utf-8"
    )
    assert status == 200 and json.loads(body)["now"] == "2024-01-01T00:01:00.000Z"


@pytest.mark.glacier(admin_token="s3cret")
def test_admin_token_from_the_marker_is_required(glacier_server: ServedGlacier) -> None:
    status, message = error_of(post(glacier_server, "advance"))
    assert status == 403 and "token" in message
    assert post(glacier_server, "advance", extra="x-pytest-glacier-admin-token: nope\r\n")[0] == 403
    assert (
        post(glacier_server, "advance", extra="x-pytest-glacier-admin-token: s3cret\r\n")[0] == 200
    )
    assert post(glacier_server, "advance", extra="Authorization: Bearer s3cret\r\n")[0] == 200
    assert glacier_server.now().minute == 2
    glacier_server.client().create_vault(vaultName="v")  # the service itself needs no token


def test_admin_token_of_a_glacier_server() -> None:
    with GlacierServer(admin_token="tok") as server:
        assert post(server, "reset", "")[0] == 403
        assert post(server, "reset", "", extra="x-pytest-glacier-admin-token: tok\r\n")[0] == 200


def test_paths_under_the_prefix_that_are_not_admin_routes_reach_the_service(
    glacier_server: ServedGlacier,
) -> None:
    raw = (
        f"GET /_pytest_glacier/vaults HTTP/1.1\r\nHost: {own_host(glacier_server)}\r\n"
        "x-amz-glacier-version: 2012-06-01\r\n\r\n"
    )
    status, _, body = send(glacier_server, raw)
    assert (status, json.loads(body)["code"]) == (403, "AccessDeniedException")
