"""The local server under hostile input: a conformance table through raw sockets.

Each row is one request a careless or hostile client can send (issue 14, items 1-9), with
the answer the server must give: the status, the AWS error code in the JSON body (or
``None`` when the answer is a success), and whether the connection must close. After every
row the server still answers a normal request on a new connection, and the double recorded
no internal error. Items 10 and 11 (admin protection, SigV4) have their own files.
"""

from __future__ import annotations

import hashlib
import io
import json
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from botocore.config import Config
from botocore.utils import calculate_tree_hash

from pytest_glacier import mock_glacier
from pytest_glacier.core.http import Request
from pytest_glacier.server.listener import BACKLOG, Listener
from pytest_glacier.server.server import ServedGlacier

pytestmark = pytest.mark.timeout(60)

GIB = 1024**3
V = "x-amz-glacier-version: 2012-06-01\r\n"
NO_RETRY = Config(retries={"total_max_attempts": 1})


def address(server: ServedGlacier) -> tuple[str, int]:
    parts = urlsplit(server.endpoint_url)
    assert parts.hostname is not None and parts.port is not None
    return parts.hostname, parts.port


@dataclass
class Answer:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    #: the server ended the connection after this answer
    closed: bool = False
    #: every byte received, for rows that check what was not sent
    raw: bytes = b""

    @property
    def code(self) -> str | None:
        if self.status < 300:
            return None
        return str(json.loads(self.body)["code"])


class Reader:
    """Reads HTTP/1.1 responses off a raw socket (content-length or chunked bodies)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""
        self.raw = b""
        self.eof = False

    def _more(self) -> bool:
        data = self.sock.recv(65536)
        if not data:
            self.eof = True
            return False
        self.buffer += data
        self.raw += data
        return True

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            if not self._more():
                raise EOFError(f"connection ended; received {self.raw[:300]!r}")
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._more():
                raise EOFError("connection ended inside a body")
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def response(self, method: str = "GET") -> Answer:
        status_line = self._line()
        assert status_line.startswith(b"HTTP/1.1 "), status_line
        headers: dict[str, str] = {}
        while line := self._line():
            name, _, value = line.decode("utf-8").partition(":")
            headers[name.strip().lower()] = value.strip()
        answer = Answer(int(status_line.split()[1]), headers)
        if method == "HEAD" or answer.status in (100, 204, 304):
            pass
        elif "content-length" in headers:
            answer.body = self._exactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding") == "chunked":
            while size := int(self._line().split(b";")[0], 16):
                answer.body += self._exactly(size)
                self._line()
            self._line()
        if headers.get("connection") == "close":
            while self._more():  # the server shuts its side at once
                pass
            answer.closed = self.eof
        answer.raw = self.raw
        return answer


def exchange(server: ServedGlacier, raw: bytes, method: str = "GET") -> Answer:
    with socket.create_connection(address(server), timeout=30) as sock:
        sock.sendall(raw)
        return Reader(sock).response(method)


def still_serves(server: ServedGlacier) -> None:
    answer = exchange(server, f"PUT /-/vaults/still-ok HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode())
    assert answer.status == 201
    assert server.internal_errors == ()


def upload_head(data: bytes, extra: str = "", path: str = "/-/vaults/v/archives") -> str:
    return (
        f"POST {path} HTTP/1.1\r\nHost: h\r\n{V}"
        f"x-amz-content-sha256: {hashlib.sha256(data).hexdigest()}\r\n"
        f"x-amz-sha256-tree-hash: {calculate_tree_hash(io.BytesIO(data))}\r\n{extra}"
    )


@pytest.fixture
def served(glacier_server: ServedGlacier) -> ServedGlacier:
    glacier_server.client().create_vault(vaultName="v")
    return glacier_server


UPLOAD = upload_head(b"hello")
JOB = f"POST /-/vaults/v/jobs HTTP/1.1\r\nHost: h\r\n{V}"
PART = f"PUT /-/vaults/v/multipart-uploads/UPLOAD HTTP/1.1\r\nHost: h\r\n{V}"
BAD = "BadRequest"
INVALID = "InvalidParameterValueException"

#: (id, raw request, status, code, connection closed)
TABLE: list[tuple[str, bytes, int, str | None, bool]] = [
    # 1. Content-Length: ASCII digits only
    ("1-unicode-digit-length", f"{UPLOAD}Content-Length: ²\r\n\r\n".encode(), 400, BAD, True),
    ("1-signed-length", f"{UPLOAD}Content-Length: +5\r\n\r\nhello".encode(), 400, BAD, True),
    ("1-hex-length", f"{UPLOAD}Content-Length: 0x5\r\n\r\nhello".encode(), 400, BAD, True),
    (
        "1-huge-digit-string",
        f"{UPLOAD}Content-Length: {'9' * 5000}\r\n\r\n".encode(),
        400,
        BAD,
        True,
    ),
    # 2. declared sizes checked against the service's limits before any read
    (
        "2-archive-50-gb",
        f"{UPLOAD}Content-Length: {50 * 10**9}\r\n\r\n".encode(),
        400,
        INVALID,
        True,
    ),
    ("2-archive-2-pow-63", f"{UPLOAD}Content-Length: {2**63}\r\n\r\n".encode(), 400, INVALID, True),
    (
        "2-archive-4-gib-plus-1",
        f"{UPLOAD}Content-Length: {4 * GIB + 1}\r\n\r\n".encode(),
        400,
        INVALID,
        True,
    ),
    (
        "2-part-over-4-gib",
        f"{PART}Content-Length: {4 * GIB + 1}\r\n\r\n".encode(),
        400,
        INVALID,
        True,
    ),
    ("2-json-body-2-mib", f"{JOB}Content-Length: {2 << 20}\r\n\r\n".encode(), 400, INVALID, True),
    # 3. chunk sizes: hex digits, bounded
    (
        "3-chunk-20-hex-digits",
        f"{UPLOAD}Transfer-Encoding: chunked\r\n\r\n{'f' * 20}\r\n".encode(),
        400,
        BAD,
        True,
    ),
    (
        "3-chunk-over-limit",
        f"{UPLOAD}Transfer-Encoding: chunked\r\n\r\n1000000000\r\n".encode(),
        400,
        INVALID,
        True,
    ),
    (
        "3-json-chunk-over-limit",
        f"{JOB}Transfer-Encoding: chunked\r\n\r\n1000000000\r\n".encode(),
        400,
        INVALID,
        True,
    ),
    (
        "3-chunk-0x-prefix",
        f"{JOB}Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n".encode(),
        400,
        BAD,
        True,
    ),
    (
        "3-chunk-longer-than-size",
        f"{JOB}Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}xx\r\n0\r\n\r\n".encode(),
        400,
        BAD,
        True,
    ),
    # 5. one framing per message
    (
        "5-length-and-chunked",
        (
            f"{JOB}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            f"PUT /-/vaults/smuggled HTTP/1.1\r\nHost: h\r\n{V}\r\n"
        ).encode(),
        400,
        BAD,
        True,
    ),
    (
        "5-two-lengths",
        f"{JOB}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{{}}x".encode(),
        400,
        BAD,
        True,
    ),
    ("5-length-list-disagrees", f"{JOB}Content-Length: 2, 3\r\n\r\n{{}}x".encode(), 400, BAD, True),
    ("5-xchunkedx", f"{JOB}Transfer-Encoding: xchunkedx\r\n\r\n0\r\n\r\n".encode(), 400, BAD, True),
    (
        "5-gzip-chunked",
        f"{JOB}Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n".encode(),
        400,
        BAD,
        True,
    ),
    ("5-space-before-colon", f"{JOB}Content-Length : 2\r\n\r\n{{}}".encode(), 400, BAD, True),
    ("5-obs-fold", f"{JOB}X-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n".encode(), 400, BAD, True),
    # 8. limits and garbage: AWS-shaped JSON, never an HTML page
    (
        "8-path-over-64-kib",
        f"GET /-/vaults/{'a' * 70000} HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode(),
        400,
        BAD,
        True,
    ),
    (
        "8-header-over-64-kib",
        f"GET /-/vaults HTTP/1.1\r\nHost: h\r\nX-Big: {'a' * 70000}\r\n\r\n".encode(),
        400,
        BAD,
        True,
    ),
    (
        "8-header-block-over-64-kib",
        (
            "GET /-/vaults HTTP/1.1\r\nHost: h\r\n"
            + "".join(f"X-{i}: {'a' * 8000}\r\n" for i in range(9))
            + "\r\n"
        ).encode(),
        400,
        BAD,
        True,
    ),
    (
        "8-over-100-headers",
        (
            "GET /-/vaults HTTP/1.1\r\nHost: h\r\n"
            + "".join(f"X-{i}: v\r\n" for i in range(101))
            + "\r\n"
        ).encode(),
        400,
        BAD,
        True,
    ),
    (
        "8-garbage-request-line",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
        400,
        BAD,
        True,
    ),
    ("8-no-version", b"GET /-/vaults\r\n\r\n", 400, BAD, True),
    ("8-http-2-0", b"GET /-/vaults HTTP/2.0\r\nHost: h\r\n\r\n", 400, BAD, True),
    (
        "8-nul-in-header",
        b"GET /-/vaults HTTP/1.1\r\nHost: h\r\nX-A: a\x00b\r\n\r\n",
        400,
        BAD,
        True,
    ),
    ("8-no-host", f"GET /-/vaults HTTP/1.1\r\n{V}\r\n".encode(), 400, BAD, True),
    (
        "8-two-hosts",
        f"GET /-/vaults HTTP/1.1\r\nHost: a\r\nHost: b\r\n{V}\r\n".encode(),
        400,
        BAD,
        True,
    ),
    # the service's own answers, with the connection kept
    ("ok-list-vaults", f"GET /-/vaults HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode(), 200, None, False),
    (
        "8-utf8-description",
        f"{UPLOAD}x-amz-archive-description: café 日本\r\nContent-Length: 5\r\n\r\nhello".encode(),
        400,
        INVALID,
        False,
    ),
    (
        "1-leading-zeros-length",
        f"{UPLOAD}Content-Length: 005\r\n\r\nhello".encode(),
        201,
        None,
        False,
    ),
    (
        "1-repeated-equal-lengths",
        f"{UPLOAD}Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello".encode(),
        201,
        None,
        False,
    ),
    (
        "3-chunked-upload",
        f"{UPLOAD}Transfer-Encoding: chunked\r\n\r\n"
        "2;ext=1\r\nhe\r\n3\r\nllo\r\n0\r\nX-T: 1\r\n\r\n".encode(),
        201,
        None,
        False,
    ),
    # 7. paths that match no route, as every door answers them
    (
        "7-empty-account",
        f"GET //vaults HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode(),
        400,
        "MissingParameterValueException",
        False,
    ),
    (
        "7-admin-prefix-account",
        f"GET /_pytest_glacier/vaults HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode(),
        403,
        "AccessDeniedException",
        False,
    ),
    ("7-asterisk", f"OPTIONS * HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode(), 400, BAD, False),
    ("7-no-route", f"GET /-/nothing/here HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode(), 400, BAD, False),
]


@pytest.mark.parametrize(
    ("raw", "status", "code", "closed"),
    [pytest.param(raw, status, code, closed, id=name) for name, raw, status, code, closed in TABLE],
)
def test_conformance_table(
    served: ServedGlacier, raw: bytes, status: int, code: str | None, closed: bool
) -> None:
    answer = exchange(served, raw)
    assert (answer.status, answer.code, answer.closed) == (status, code, closed), answer.body
    assert answer.headers.get("content-type") == (
        "application/json" if code else answer.headers.get("content-type")
    )
    assert b"<html" not in answer.raw.lower() and b"Traceback" not in answer.raw
    assert not answer.raw.startswith(b"HTTP/1.1 100"), "a refused request got 100 Continue"
    assert "smuggled" not in served.vaults()
    still_serves(served)


def test_refused_expect_continue_gets_the_error_not_100(served: ServedGlacier) -> None:
    raw = f"{UPLOAD}Expect: 100-continue\r\nContent-Length: {4 * GIB + 1}\r\n\r\n".encode()
    answer = exchange(served, raw)
    assert answer.raw.startswith(b"HTTP/1.1 400 ")
    assert (answer.code, answer.closed) == (INVALID, True)
    assert json.loads(answer.body)["message"] == f"Invalid Content-Length: {4 * GIB + 1}"
    still_serves(served)


def test_accepted_expect_continue_gets_100_then_the_answer(served: ServedGlacier) -> None:
    with socket.create_connection(address(served), timeout=30) as sock:
        sock.sendall(f"{UPLOAD}Expect: 100-continue\r\nContent-Length: 5\r\n\r\n".encode())
        reader = Reader(sock)
        assert reader.response().status == 100
        sock.sendall(b"hello")
        assert reader.response().status == 201
    still_serves(served)


def test_declared_size_allocates_nothing_before_the_body_arrives(served: ServedGlacier) -> None:
    """A 3 GiB declaration within the limit: the server waits for bytes, holding none."""
    with socket.create_connection(address(served), timeout=30) as sock:
        sock.sendall(f"{UPLOAD}Content-Length: {3 * GIB}\r\n\r\nhello".encode())
        sock.shutdown(socket.SHUT_WR)  # the body ends after 5 bytes
        answer = Reader(sock).response()
    assert answer.status == 400 and answer.code is not None  # a short body: hashes disagree
    still_serves(served)


def test_smuggled_request_after_chunks_never_runs(served: ServedGlacier) -> None:
    raw = (
        f"{JOB}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        f"PUT /-/vaults/smuggled HTTP/1.1\r\nHost: h\r\n{V}\r\n"
    ).encode()
    assert exchange(served, raw).closed
    assert "smuggled" not in served.vaults()
    assert [c.operation for c in served.calls] == ["CreateVault"]


def test_underscore_header_is_not_content_length(served: ServedGlacier) -> None:
    """``Content_Length`` is another header: the body is empty and the next bytes a request."""
    with socket.create_connection(address(served), timeout=30) as sock:
        sock.sendall(
            f"PUT /-/vaults/a HTTP/1.1\r\nHost: h\r\n{V}Content_Length: 5\r\n\r\nhello\r\n".encode()
        )
        reader = Reader(sock)
        assert reader.response().status == 201
        second = reader.response()
    assert (second.status, second.code, second.closed) == (400, BAD, True)
    still_serves(served)


def test_head_response_has_no_body(served: ServedGlacier) -> None:
    with socket.create_connection(address(served), timeout=30) as sock:
        sock.sendall(f"HEAD /-/vaults/v HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode())
        reader = Reader(sock)
        head = reader.response("HEAD")
        sock.sendall(f"GET /-/vaults/v HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode())
        get = reader.response()
    assert head.body == b"" and int(head.headers["content-length"]) > 0
    assert get.status == 200 and json.loads(get.body)["VaultName"] == "v"
    still_serves(served)


def test_select_prefix_outside_latin_1_is_answered_on_a_kept_connection(
    served: ServedGlacier, request: pytest.FixtureRequest
) -> None:
    client = served.client(config=NO_RETRY)
    request.addfinalizer(client.close)
    archive = client.upload_archive(vaultName="v", body=b"id,name\n1,a\n")["archiveId"]
    prefix = "résultats/日本/ē"
    job = client.initiate_job(
        vaultName="v",
        jobParameters={
            "Type": "select",
            "ArchiveId": archive,
            "SelectParameters": {"Expression": "select * from archive", "ExpressionType": "SQL"},
            "OutputLocation": {"S3": {"BucketName": "results-bucket", "Prefix": prefix}},
        },
    )
    assert job["jobId"] and len(served.jobs("v")) == 1
    path = f"{prefix}/{job['jobId']}/"
    # botocore reads header bytes as Latin-1: the UTF-8 the server sent, read that way
    assert job["jobOutputPath"].encode("latin-1").decode("utf-8") == path
    assert client.describe_job(vaultName="v", jobId=job["jobId"])["JobOutputPath"] == path
    assert [c.status for c in served.calls].count(202) == 1
    still_serves(served)


def test_response_header_cannot_split_the_response(
    served: ServedGlacier, request: pytest.FixtureRequest
) -> None:
    client = served.client(config=NO_RETRY)
    request.addfinalizer(client.close)
    archive = client.upload_archive(vaultName="v", body=b"id\n1\n")["archiveId"]
    job = client.initiate_job(
        vaultName="v",
        jobParameters={
            "Type": "select",
            "ArchiveId": archive,
            "SelectParameters": {"Expression": "select * from archive", "ExpressionType": "SQL"},
            "OutputLocation": {
                "S3": {"BucketName": "results-bucket", "Prefix": "p\r\nx-injected: 1"}
            },
        },
    )
    assert "x-injected" not in {k.lower() for k in job["ResponseMetadata"]["HTTPHeaders"]}
    still_serves(served)


#: item 7: paths that match no route get the same answer from the server as from the core
ODD_PATHS = [
    ("GET", "//vaults"),
    ("GET", "/_pytest_glacier/vaults"),
    ("PUT", "/_pytest_glacier/vaults/v"),
    ("GET", "/_pytest_glacier/clock"),
    ("GET", "/"),
    ("GET", "/-"),
    ("GET", "/-/vaults/"),
    ("DELETE", "/-/vaults"),
    ("PATCH", "/-/vaults/v"),
    ("GET", "/-/vaults/v/unknown"),
    ("POST", "/-/vaults/v/tags"),
    ("GET", "/-/vaults/%2e%2e/x"),
    ("GET", "/123456789012/vaults//jobs"),
]


@pytest.mark.parametrize(("method", "path"), ODD_PATHS)
def test_both_doors_answer_every_path_alike(
    glacier_server: ServedGlacier, method: str, path: str
) -> None:
    over_http = exchange(
        glacier_server,
        f"{method} {path} HTTP/1.1\r\nHost: h\r\n{V}Content-Length: 0\r\n\r\n".encode(),
    )
    with mock_glacier() as double:
        in_process = double.service.handle(
            Request.from_url(method, path, {"x-amz-glacier-version": "2012-06-01"})
        )
    assert (over_http.status, over_http.code) == (
        in_process.status,
        json.loads(bytes(in_process.body))["code"] if in_process.status >= 300 else None,  # type: ignore[arg-type]
    )


def test_listen_backlog_takes_a_burst_of_connections(served: ServedGlacier) -> None:
    assert Listener.request_queue_size >= BACKLOG >= 128
    host, port = address(served)
    sockets: list[socket.socket] = []
    errors: list[BaseException] = []

    def connect() -> None:
        try:
            sockets.append(socket.create_connection((host, port), timeout=30))
        except OSError as error:
            errors.append(error)

    threads = [threading.Thread(target=connect) for _ in range(100)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == [] and len(sockets) == 100
        sockets[0].sendall(f"GET /-/vaults HTTP/1.1\r\nHost: h\r\n{V}\r\n".encode())
        assert Reader(sockets[0]).response().status == 200
    finally:
        for sock in sockets:
            sock.close()
    still_serves(served)


# -- item 9: admin values in range; the command line's errors ----------------------------------
def admin_post(server: ServedGlacier, route: str, body: bytes) -> Answer:
    raw = (
        f"POST /_pytest_glacier/{route} HTTP/1.1\r\n"
        f"Host: {address(server)[0]}:{address(server)[1]}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    return exchange(server, raw)


@pytest.mark.parametrize(
    "body",
    [
        b'{"seconds": 1e308}',
        b'{"seconds": NaN}',
        b'{"seconds": Infinity}',
        b'{"seconds": -Infinity}',
        b'{"days": 999999999}',
        b'{"days": 36500, "seconds": 1}',
        b'{"seconds": 1e400}',
        b'{"seconds": "5"}',
        b'{"seconds": true}',
        b'{"hours": -1}',
        b'{"weeks": 1}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a": ' * 100_000 + b"1" + b"}" * 100_000,
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
    ],
    ids=lambda body: body[:24].decode("latin-1"),
)
def test_admin_advance_refuses_bad_bodies_with_400(served: ServedGlacier, body: bytes) -> None:
    answer = admin_post(served, "advance", body)
    assert answer.status == 400
    assert set(json.loads(answer.body)) == {"error"}
    assert served.now().year == 2024
    still_serves(served)


def test_admin_advance_refusal_names_the_range(served: ServedGlacier) -> None:
    answer = admin_post(served, "advance", b'{"days": 999999999}')
    assert "0 to 3153600000 seconds" in json.loads(answer.body)["error"]


@pytest.mark.parametrize(
    "body",
    [b'{"code": "ThrottlingException", "times": 1e308}', b'{"code": 5}', b'{"kind": []}', b"{}"],
)
def test_admin_fault_bodies_refused_with_400(served: ServedGlacier, body: bytes) -> None:
    for route in ("faults", "network_faults"):
        answer = admin_post(served, route, body)
        assert answer.status == 400, answer.body
        assert set(json.loads(answer.body)) == {"error"}
    still_serves(served)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_glacier", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--port", "99999"], "a port is a number from 0 to 65535"),
        (["--port", "-1"], "a port is a number from 0 to 65535"),
        (["--host", "no-such-host.invalid"], "cannot listen on 'no-such-host.invalid'"),
        (["--clock", "real", "--time-scale", "inf"], "time_scale must be a number above 0"),
        (["--clock", "real", "--time-scale", "1e308"], "at most 1e+06"),
        (["--clock", "real", "--time-scale", "nan"], "time_scale must be"),
        (["--clock", "real", "--time-scale", "x"], "not a number"),
        (["--verify-signatures", "nocolon"], "ACCESS_KEY:SECRET"),
        (["--admin-token", ""], "admin_token must be a non-empty string"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_cli_errors_exit_2_with_one_line(args: list[str], says: str) -> None:
    result = cli("serve", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_cli_version() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("pytest-glacier ") and result.stdout.count("\n") == 1


def test_cli_warns_when_listening_beyond_loopback() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_glacier", "serve", "--host", "0.0.0.0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith("http://0.0.0.0:")
        warning = process.stderr.readline()
        assert "warning: listening on 0.0.0.0, reachable from other machines" in warning
        assert "--admin-token" in warning
    finally:
        process.terminate()
        process.communicate(timeout=30)
    assert process.returncode == 0
