"""The HTTP-to-WSGI gateway of the local server: one connection, its requests in a row.

``http.server`` parses each request; this handler runs the listener's WSGI app on it with what
the standard library's ``wsgiref`` lacks: HTTP/1.1 keep-alive, chunked request bodies,
``Expect: 100-continue`` (the 100 goes out only when the body is first read) and streamed
responses (see ``response_writer``).
"""

from __future__ import annotations

import sys
import traceback
from http.server import BaseHTTPRequestHandler
from typing import Any

from .listener import Listener
from .network_faults import enact
from .request_body import RequestBody, dechunk
from .response_writer import ClientGone, ResponseWriter
from .wsgi import NETWORK_FAULT_KEY

#: an idle keep-alive connection is closed after this many (real) seconds
IDLE_TIMEOUT = 60.0


class GatewayHandler(BaseHTTPRequestHandler):
    """One connection: HTTP/1.1 requests in a row, each handed to the WSGI app."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    server: Listener
    #: the request asked ``Expect: 100-continue`` and the 100 is not sent yet
    _continue_pending = False

    def handle_expect_100(self) -> bool:
        self._continue_pending = True  # sent when the app first reads the body
        return True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the double records every call in ``calls``."""

    def send_continue(self) -> None:
        self.wfile.write(f"{self.protocol_version} 100 Continue\r\n\r\n".encode())

    def _serve(self) -> None:
        body = self._body()
        if body is None:
            return
        writer = ResponseWriter(self, body)
        environ = self._environ(body)
        try:
            result = self.server.app(environ, writer)
            try:
                fault = environ.get(NETWORK_FAULT_KEY)
                if fault is not None:
                    enact(fault, self, writer, result)
                    return
                for chunk in result:
                    writer.write(chunk)
            finally:
                getattr(result, "close", lambda: None)()
            writer.finish()
        except ClientGone:
            self.close_connection = True
        except Exception:
            self.server.report(traceback.format_exc())
            writer.fail()
        body.settle()

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _serve

    def _body(self) -> RequestBody | None:
        """The request body reader, or None after answering 400 to a malformed one."""
        pending, self._continue_pending = self._continue_pending, False
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            if pending:
                self.send_continue()
            try:
                return RequestBody(self, data=dechunk(self.rfile))
            except ValueError as error:
                self.close_connection = True
                self.send_error(400, f"Malformed chunked body: {error}")
                return None
        length = self.headers.get("content-length", "0").strip() or "0"
        if not length.isdigit():
            self.close_connection = True
            self.send_error(400, f"Bad Content-Length: {length!r}")
            return None
        return RequestBody(self, length=int(length), continue_pending=pending)

    def _environ(self, body: RequestBody) -> dict[str, Any]:
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
