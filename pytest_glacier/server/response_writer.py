"""The response side of the local server: WSGI ``start_response`` and body writes.

The header block waits for the first body write and leaves in the same send as a small body,
so a typical JSON answer is one packet. A body of unknown length is sent chunked, piece by
piece as the app yields it: a large GetJobOutput is streamed, never gathered whole. A
response to ``HEAD`` carries the headers only. Header values outside Latin-1 are sent as
UTF-8 and control characters in them percent-encoded, so no value can break the framing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from ..core.errors import GlacierError
from .connection import ClientGone, Connection
from .status import status_line

#: pieces that add up to at most this many bytes are joined into one send; larger ones are
#: sent one after another rather than copied together
COALESCE_LIMIT = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: header names as the service spells them on the wire (its REST reference prints
#: ``x-amzn-RequestId``, ``Date``, ``Location``...); the core keeps lower-case names, which
#: HTTP clients compare case-insensitively, and the ``x-amz-*`` names are lower-case at AWS too
WIRE_NAMES = {
    name.lower(): name
    for name in (
        "x-amzn-RequestId",
        "Date",
        "Location",
        "Content-Type",
        "Content-Length",
        "Content-Range",
        "Accept-Ranges",
        "Transfer-Encoding",
        "Connection",
    )
}


class ResponseWriter:
    """The ``start_response`` and body writes of one WSGI response."""

    def __init__(self, connection: Connection, method: str = "GET") -> None:
        self._connection = connection
        self._head_only = method == "HEAD"
        self._status = ""
        self._headers: list[tuple[str, str]] = []
        self._sent = False
        self._chunked = False

    @property
    def started(self) -> bool:
        """Whether the header block went out."""
        return self._sent

    def __call__(self, status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        """WSGI ``start_response``."""
        if exc_info is not None and exc_info[1] is not None and self._sent:
            raise exc_info[1].with_traceback(exc_info[2])
        self._status, self._headers = status, headers
        return self.write

    def write(self, data: bytes) -> None:
        head = self._head()
        if self._head_only:
            self._send(head)
        elif self._chunked and data:
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
        head = self._head()
        self._send(head, b"0\r\n\r\n" if self._chunked and not self._head_only else b"")

    def error(self, error: GlacierError, *, close: bool = True) -> None:
        """Answer ``error`` as the service's JSON error (unless a header block went out)."""
        if close:
            self._connection.close_after()
        if self._sent:
            self._connection.close_after()
            return
        body = error.body()
        self._status = status_line(error.status)
        self._headers = [
            ("content-type", "application/json"),
            ("content-length", str(len(body))),
        ]
        with suppress(ClientGone):
            self.write(body)
            self.finish()

    def fail(self) -> None:
        """After an exception: a 500 if nothing was sent yet, else cut the connection."""
        self.error(GlacierError("ServiceUnavailableException", "pytest_glacier server error"))

    def _head(self) -> bytes:
        """The header block the first time (deciding chunking and closing), then nothing."""
        if self._sent:
            return b""
        self._sent = True
        connection = self._connection
        if connection.continue_pending:
            connection.close_after()  # the client may never send the body
        lines = [f"HTTP/1.1 {self._status}"]
        lines += [f"{wire_name(name)}: {_value(value)}" for name, value in self._headers]
        if not any(name.lower() == "content-length" for name, _ in self._headers):
            if self._head_only:
                pass  # no body follows, whatever its length would be
            elif connection.version == "HTTP/1.1":
                self._chunked = True
                lines.append("Transfer-Encoding: chunked")
            else:
                connection.close_after()
        if not connection.keep_alive:
            lines.append("Connection: close")
        lines += ("", "")
        text = "\r\n".join(lines)
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return text.encode("utf-8")

    def _send(self, *parts: bytes) -> None:
        pieces = [part for part in parts if part]
        if sum(map(len, pieces)) <= COALESCE_LIMIT:
            if pieces:
                self._connection.send(b"".join(pieces))
        else:
            for piece in pieces:
                self._connection.send(piece)


def wire_name(name: str) -> str:
    """A header's name as the service sends it (unknown names as given)."""
    return WIRE_NAMES.get(name.lower(), name)


def _value(value: str) -> str:
    """A header value that cannot end its line: control characters percent-encoded."""
    if _CONTROL.search(value) is None:
        return value
    return _CONTROL.sub(lambda match: f"%{ord(match.group()):02X}", value)
