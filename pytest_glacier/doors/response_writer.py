"""The response side of the local server: WSGI ``start_response`` and body writes.

The header block waits for the first body write and leaves in the same send as a small body,
so a typical JSON answer is one packet. A body of unknown length is sent chunked, piece by
piece as the app yields it: a large GetJobOutput is streamed, never gathered whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

from ..core.errors import GlacierError, error_response
from .wsgi import status_line

if TYPE_CHECKING:
    from .gateway import GatewayHandler
    from .request_body import RequestBody

#: pieces that add up to at most this many bytes are joined into one send; larger ones are
#: sent one after another rather than copied together
COALESCE_LIMIT = 64 * 1024


class ClientGone(Exception):
    """The client closed the connection while its response was being written."""


class ResponseWriter:
    """The ``start_response`` and body writes of one WSGI response."""

    def __init__(self, handler: GatewayHandler, body: RequestBody) -> None:
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
        head = self._head()
        if self._chunked and data:
            self._send(head, b"%x\r\n" % len(data), data, b"\r\n")
        else:
            self._send(head, data)

    def write_at_most(self, body: Iterable[bytes], limit: int) -> None:
        """The header block and the body's first ``limit`` bytes, and nothing after."""
        self.write(b"")  # the header block, even when nothing of the body goes out
        for chunk in body:
            if limit <= 0:
                return
            piece = chunk[:limit]
            limit -= len(piece)
            self.write(piece)

    def finish(self) -> None:
        self._send(self._head(), b"0\r\n\r\n" if self._chunked else b"")

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

    def _head(self) -> bytes:
        """The header block the first time (deciding chunking and closing), then nothing."""
        if self._sent:
            return b""
        self._sent = True
        handler = self._handler
        if self._body.continue_pending:
            handler.close_connection = True  # the client may never send the body
        lines = [f"{handler.protocol_version} {self._status}"]
        lines += [f"{name}: {value}" for name, value in self._headers]
        if not any(name.lower() == "content-length" for name, _ in self._headers):
            if handler.request_version >= "HTTP/1.1":
                self._chunked = True
                lines.append("transfer-encoding: chunked")
            else:
                handler.close_connection = True
        if handler.close_connection:
            lines.append("connection: close")
        lines += ("", "")
        return "\r\n".join(lines).encode("latin-1")

    def _send(self, *parts: bytes) -> None:
        pieces = [part for part in parts if part]
        with _to_client():
            if sum(map(len, pieces)) <= COALESCE_LIMIT:
                if pieces:
                    self._handler.wfile.write(b"".join(pieces))
            else:
                for piece in pieces:
                    self._handler.wfile.write(piece)


@contextmanager
def _to_client() -> Iterator[None]:
    """Socket errors while answering mean the client went away, not a bug of the double."""
    try:
        yield
    except OSError as error:
        raise ClientGone from error
