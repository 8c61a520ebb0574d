"""The local HTTP server: the WSGI door served threaded on loopback, for any client.

``http.server`` with ``ThreadingMixIn`` does the sockets; a small gateway runs the WSGI app
with what the standard library's ``wsgiref`` lacks: HTTP/1.1 keep-alive, chunked request
bodies, ``Expect: 100-continue`` (the 100 goes out only when the body is first read, so a
request the service rejects early never has to send its body) and streamed responses
(chunked when the length is unknown). ``serve_forever`` polls, never ``handle_request``
timeouts, which freezegun would freeze.
"""

from __future__ import annotations

import io
import os
import socket
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from ..config import GlacierConfig
from ..core.errors import GlacierError
from ..service.dispatch import error_response
from ..simulator import FAKE_CREDENTIALS, Glacier
from .wsgi import GlacierApp, status_line

POLL_INTERVAL = 0.05
#: an idle keep-alive connection is closed after this many (real) seconds
IDLE_TIMEOUT = 60.0
_MAX_LINE = 65536


class GlacierServer:
    """A Glacier double behind a real HTTP endpoint on a background thread.

    ``GlacierServer(**config)`` serves its own double (``.double``); ``with`` starts both.
    ``serving(double)`` answers with another double for a while (the pytest fixture's
    per-test view). ``endpoint_url`` is known once started.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, **config: Any) -> None:
        self.host, self.port = host, port
        self.double: Glacier = ServedGlacier(GlacierConfig.build(**config), server=self)
        self.app = GlacierApp(lambda: self.double)
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._http is None:
            raise RuntimeError("the server is not started; call start() first")
        host, port = self._http.server_name, self._http.server_port
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> GlacierServer:
        """Bind and serve on a daemon thread (the double is not started: see ``__enter__``)."""
        if self._http is not None:
            raise RuntimeError("the server is already started")
        self._http = _HTTPServer(self)
        self._thread = threading.Thread(
            target=self._http.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"pytest-glacier-server:{self._http.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections and release the port."""
        http, self._http = self._http, None
        if http is None:
            return
        http.shutdown()
        http.close_connections()
        http.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> GlacierServer:
        self.start()
        self.double.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.double.stop()
        self.stop()
        if exc_type is None:
            self.double.check()

    @contextmanager
    def serving(self, double: Glacier) -> Iterator[Glacier]:
        """Answer with ``double`` (started here) until the block ends, then check it."""
        previous, self.double = self.double, double
        try:
            with double:
                yield double
        finally:
            self.double = previous

    def report(self, error: str) -> None:
        """An exception outside the core (streaming a body, the gateway): fail the test."""
        self.double.service.internal_errors.append(error)


class ServedGlacier(Glacier):
    """A double answered over HTTP by a ``GlacierServer``: the ``glacier_server`` fixture.

    It has every controller method of ``glacier``; its ``client()`` talks to the server,
    and while it is active ``AWS_ENDPOINT_URL_GLACIER`` points there (unless already set).
    No in-process door is opened: requests must really cross the socket.
    """

    def __init__(self, config: GlacierConfig, *, server: GlacierServer, scope: str = "") -> None:
        super().__init__(config, scope=scope)
        self.server = server

    @property
    def endpoint_url(self) -> str:
        return self.server.endpoint_url

    @property
    def env(self) -> dict[str, str]:
        """An environment for subprocesses: this one, pointed at the server, fake credentials."""
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_AWS_ENV}
        env.update(
            FAKE_CREDENTIALS,
            AWS_ENDPOINT_URL_GLACIER=self.endpoint_url,
            AWS_DEFAULT_REGION=self.region,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        return env

    def client(self, region_name: str | None = None, **client_kwargs: Any) -> Any:
        client_kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().client(region_name, **client_kwargs)

    def _env_overrides(self) -> dict[str, str]:
        wanted = super()._env_overrides()
        if not os.environ.get("AWS_ENDPOINT_URL_GLACIER"):
            wanted["AWS_ENDPOINT_URL_GLACIER"] = self.endpoint_url
        return wanted

    def _open_doors(self) -> None:
        """The server is this double's door."""

    def _close_doors(self) -> None:
        """Nothing was opened."""


#: variables that would make a subprocess sign with other credentials or another profile
_FOREIGN_AWS_ENV = frozenset(
    {
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
    }
)


class _HTTPServer(ThreadingHTTPServer):
    """Threaded, loopback, port 0 by default; remembers connections to drop them at stop."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, owner: GlacierServer) -> None:
        self.owner = owner
        self.address_family = socket.AF_INET6 if ":" in owner.host else socket.AF_INET
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__((owner.host, owner.port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would resolve the host's FQDN, which can stall on DNS
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is no bug; anything else escaping a handler fails the test."""
        if not isinstance(sys.exc_info()[1], OSError):
            self.owner.report(traceback.format_exc())

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    """One connection: HTTP/1.1 requests in a row, each handed to the WSGI app."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server: _HTTPServer
    #: the request asked ``Expect: 100-continue`` and the 100 is not sent yet
    _continue_pending = False

    def handle_expect_100(self) -> bool:
        self._continue_pending = True  # sent when the app first reads the body
        return True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the double records every call in ``calls``."""

    def _serve(self) -> None:
        body = self._body()
        if body is None:
            return
        writer = _ResponseWriter(self, body)
        try:
            result = self.server.owner.app(self._environ(body), writer)
            try:
                for chunk in result:
                    writer.write(chunk)
            finally:
                getattr(result, "close", lambda: None)()
            writer.finish()
        except ClientGone:
            self.close_connection = True
        except Exception:
            self.server.owner.report(traceback.format_exc())
            writer.fail()
        body.settle()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

    def _body(self) -> _Body | None:
        """The request body reader, or None after answering 400 to a malformed one."""
        pending, self._continue_pending = self._continue_pending, False
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            if pending:
                self._send_continue()
            try:
                return _Body(self, data=_dechunk(self.rfile))
            except ValueError as error:
                self.close_connection = True
                self.send_error(400, f"Malformed chunked body: {error}")
                return None
        length = self.headers.get("content-length", "0").strip() or "0"
        if not length.isdigit():
            self.close_connection = True
            self.send_error(400, f"Bad Content-Length: {length!r}")
            return None
        return _Body(self, length=int(length), continue_pending=pending)

    def _send_continue(self) -> None:
        self.wfile.write(f"{self.protocol_version} 100 Continue\r\n\r\n".encode())
        self.wfile.flush()

    def _environ(self, body: _Body) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "RAW_URI": self.path,
            "QUERY_STRING": query,
            "SERVER_NAME": self.server.server_name,
            "SERVER_PORT": str(self.server.server_port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": body,
            "wsgi.input_terminated": True,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ


class ClientGone(Exception):
    """The client closed the connection while its response was being written."""


class _Body(io.RawIOBase):
    """``wsgi.input``: the body, ended at its length; reading it sends a pending 100 Continue."""

    def __init__(
        self,
        handler: _Handler,
        *,
        length: int = 0,
        data: bytes | None = None,
        continue_pending: bool = False,
    ) -> None:
        super().__init__()
        self._handler = handler
        self._buffered = io.BytesIO(data) if data is not None else None
        self._left = length
        self.continue_pending = continue_pending

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._take(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self._take(-1)

    def _take(self, size: int) -> bytes:
        if self._buffered is not None:
            return self._buffered.read(size)
        want = self._left if size < 0 else min(size, self._left)
        try:
            if self.continue_pending:
                self.continue_pending = False
                self._handler._send_continue()
            data = self._handler.rfile.read(want) if want else b""
        except OSError:  # the client went away: the core sees a short body
            data, self._handler.close_connection = b"", True
        self._left = 0 if len(data) < want else self._left - len(data)
        return data

    def settle(self) -> None:
        """Leave the connection at the next request: read what the app left unread."""
        if not self.continue_pending and not self._handler.close_connection:
            while self._take(1 << 20):
                pass


class _ResponseWriter:
    """The ``start_response`` and body writes of one WSGI response."""

    def __init__(self, handler: _Handler, body: _Body) -> None:
        self._handler = handler
        self._body = body
        self._status = ""
        self._headers: list[tuple[str, str]] = []
        self._sent = False
        self._chunked = False

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        """WSGI ``start_response``."""
        if exc_info is not None and exc_info[1] is not None and self._sent:
            raise exc_info[1].with_traceback(exc_info[2])
        self._status, self._headers = status, headers
        return self.write

    def write(self, data: bytes) -> None:
        with _to_client():
            if not self._sent:
                self._send_headers()
            if data:
                wfile = self._handler.wfile
                wfile.writelines(
                    (f"{len(data):x}\r\n".encode(), data, b"\r\n") if self._chunked else (data,)
                )

    def finish(self) -> None:
        with _to_client():
            if not self._sent:
                self._send_headers()
            if self._chunked:
                self._handler.wfile.write(b"0\r\n\r\n")
            self._handler.wfile.flush()

    def fail(self) -> None:
        """After an exception: a 500 if nothing was sent yet, else cut the connection."""
        self._handler.close_connection = True
        if self._sent:
            return
        error = GlacierError("ServiceUnavailableException", "pytest_glacier server error")
        response = error_response(error)
        body = bytes(response.body) if isinstance(response.body, bytes) else b""
        response.headers["content-length"] = str(len(body))
        self._status, self._headers = status_line(response.status), list(response.headers.items())
        with suppress(ClientGone):
            self.write(body)
            self.finish()

    def _send_headers(self) -> None:
        handler = self._handler
        code, _, reason = self._status.partition(" ")
        handler.send_response_only(int(code), reason)
        if self._body.continue_pending:
            handler.close_connection = True  # the client may never send the body
        names = {name.lower() for name, _ in self._headers}
        for name, value in self._headers:
            handler.send_header(name, value)
        if "content-length" not in names:
            if handler.request_version >= "HTTP/1.1":
                self._chunked = True
                handler.send_header("transfer-encoding", "chunked")
            else:
                handler.close_connection = True
        if handler.close_connection:
            handler.send_header("connection", "close")
        handler.end_headers()
        self._sent = True


@contextmanager
def _to_client() -> Iterator[None]:
    """Socket errors while answering mean the client went away, not a bug of the double."""
    try:
        yield
    except OSError as error:
        raise ClientGone from error


def _dechunk(rfile: Any) -> bytes:
    """The body of a ``Transfer-Encoding: chunked`` request, trailers skipped."""
    parts: list[bytes] = []
    while True:
        line = rfile.readline(_MAX_LINE + 1)
        if not line.endswith(b"\n"):
            raise ValueError("chunk size line missing or too long")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while rfile.readline(_MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        chunk = rfile.read(size)
        if len(chunk) != size or rfile.readline(_MAX_LINE + 1) not in (b"\r\n", b"\n"):
            raise ValueError("chunk shorter than its size")
        parts.append(chunk)
