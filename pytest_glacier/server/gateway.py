"""The HTTP-to-WSGI gateway of the local server: one connection, its requests in a row.

``http1`` frames each request strictly; this handler checks the declared body size against
the operation's limit (``limits``) before anything of the body is read, then runs the
listener's WSGI app with what the standard library's ``wsgiref`` lacks: HTTP/1.1 keep-alive,
chunked request bodies, ``Expect: 100-continue`` (the 100 goes out only when the body is
first read) and streamed responses (``response_writer``). A request that cannot be framed
gets a 400 JSON error and the connection is closed; nothing a client sends reaches the
double as an internal error.

Imports go one way: this module uses ``connection``, ``request_body``, ``response_writer``
and ``network_faults``, and none of them imports it.
"""

from __future__ import annotations

import io
import socket
import sys
import traceback
from contextlib import suppress
from socketserver import BaseRequestHandler
from typing import TYPE_CHECKING, Any

from ..core.errors import GlacierError
from .connection import ClientGone, Connection
from .http1 import ChunkedReader, FramingError, Head, read_head
from .limits import MAX_DOCUMENT_SIZE, body_limit, operation_of, too_large
from .network_faults import enact
from .request_body import RequestBody
from .response_writer import ResponseWriter
from .wsgi import NETWORK_FAULT_KEY

if TYPE_CHECKING:
    from .listener import Listener

#: an idle keep-alive connection is closed after this many (real) seconds
IDLE_TIMEOUT = 60.0
#: after answering and before closing, how long (real seconds) and how many bytes of what
#: the client still sends are read and dropped, so it reads the answer, not a reset
LINGER_SECONDS = 2.0
LINGER_BYTES = 16 * 1024 * 1024


class GatewayHandler(BaseRequestHandler):
    """One connection: HTTP/1.1 requests in a row, each handed to the WSGI app."""

    server: Listener

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(IDLE_TIMEOUT)
        rfile = sock.makefile("rb")
        connection = Connection(sock, rfile)
        try:
            while self._one(connection):
                pass
        except ClientGone:
            pass
        finally:
            _linger(sock)
            rfile.close()

    def _one(self, connection: Connection) -> bool:
        """Answer one request; whether the connection goes on."""
        try:
            head = read_head(connection.rfile)
        except FramingError as error:
            connection.close_after()
            ResponseWriter(connection).error(GlacierError("BadRequest", str(error)))
            return False
        except OSError:  # the client went away or stayed idle too long
            return False
        if head is None:
            return False
        connection.begin(
            head.version, keep_alive=_keep_alive(head), expect_continue=_expects_continue(head)
        )
        writer = ResponseWriter(connection, head.method)
        hosts = head.values("host")
        if head.version == "HTTP/1.1" and len(hosts) != 1:
            connection.continue_pending = False
            writer.error(GlacierError("BadRequest", "An HTTP/1.1 request needs one Host header"))
            return False
        operation = operation_of(head.method, head.target)
        limit = body_limit(operation)
        if head.length is not None and head.length > limit:
            connection.continue_pending = False  # refused: the body is never asked for
            writer.error(too_large(operation, head.length))
            return False
        body = RequestBody(
            connection,
            length=head.length or 0,
            chunked=ChunkedReader(connection.rfile, limit) if head.chunked else None,
            too_large=lambda size: too_large(operation, size),
        )
        stream: Any = body
        if head.chunked and limit <= MAX_DOCUMENT_SIZE:
            data = body.prefetch()  # a small document: its framing is checked before the core
            if data is None:
                assert connection.framing_error is not None
                writer.error(connection.framing_error)
                return False
            stream = io.BytesIO(data)
        elif not body.prime():
            assert connection.framing_error is not None
            writer.error(connection.framing_error)
            return False
        self._serve(connection, writer, self._environ(head, stream))
        body.settle()
        return connection.keep_alive

    def _serve(self, connection: Connection, writer: ResponseWriter, environ: Any) -> None:
        try:
            result = self.server.app(environ, writer)
            try:
                fault = environ.get(NETWORK_FAULT_KEY)
                if fault is not None:
                    enact(fault, connection, writer, result)
                    return
                if connection.framing_error is None:
                    for chunk in result:
                        writer.write(chunk)
            finally:
                getattr(result, "close", lambda: None)()
            if connection.framing_error is not None:
                writer.error(connection.framing_error)
            else:
                writer.finish()
        except ClientGone:
            connection.close_after()
        except Exception:
            self.server.report(traceback.format_exc())
            writer.fail()

    def _environ(self, head: Head, stream: Any) -> dict[str, Any]:
        target = head.target
        if "://" in target.partition("?")[0]:  # absolute-form: the path is what routes
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": head.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "RAW_URI": target,
            "QUERY_STRING": query,
            "SERVER_NAME": self.server.server_name,
            "SERVER_PORT": str(self.server.server_port),
            "SERVER_PROTOCOL": head.version,
            "REMOTE_ADDR": str(self.client_address[0]),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": stream,
            "wsgi.input_terminated": True,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        if head.length is not None and head.get("content-length") is not None:
            environ["CONTENT_LENGTH"] = str(head.length)  # its one value, as framed
        for name, value in head.headers:
            if "_" in name or name == "content-length":
                continue  # ``Content_Length`` must not pass for ``Content-Length``
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        if head.chunked:
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return environ


def _tokens(head: Head, name: str) -> set[str]:
    return {token.strip().lower() for value in head.values(name) for token in value.split(",")}


def _keep_alive(head: Head) -> bool:
    if head.version != "HTTP/1.1":
        return False
    return "close" not in _tokens(head, "connection")


def _expects_continue(head: Head) -> bool:
    return head.version == "HTTP/1.1" and "100-continue" in _tokens(head, "expect")


def _linger(sock: socket.socket) -> None:
    """End our side in order, then drop what the client still sends for a short while."""
    with suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(LINGER_SECONDS)
        left = LINGER_BYTES
        while left > 0:
            data = sock.recv(65536)
            if not data:
                break
            left -= len(data)
