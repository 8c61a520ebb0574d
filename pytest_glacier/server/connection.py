"""One client connection of the local server: its socket and the state its requests share.

The request reader (``request_body``), the response writer (``response_writer``) and the
transport faults (``network_faults``) all take this object; it is the one owner of what they
decide together: whether the connection is kept after this answer, whether a
``100 Continue`` is still owed, which HTTP version the request spoke, and whether the
request's framing broke while its body was read (the answer is then a 400 and a close).
"""

from __future__ import annotations

import socket
from typing import BinaryIO

from ..core.errors import GlacierError


class ClientGone(Exception):
    """The client closed the connection while its response was being written."""


class Connection:
    """A socket, its buffered reader, and the per-request state of the request on it."""

    def __init__(self, sock: socket.socket, rfile: BinaryIO) -> None:
        self.socket = sock
        self.rfile = rfile
        #: whether the connection stays open after the current answer
        self.keep_alive = True
        #: the current request's HTTP version ("HTTP/1.1" or "HTTP/1.0")
        self.version = "HTTP/1.1"
        #: the request asked ``Expect: 100-continue`` and the 100 is not sent yet
        self.continue_pending = False
        #: set when the body's framing broke while the app read it: answer this instead
        self.framing_error: GlacierError | None = None

    def begin(self, version: str, *, keep_alive: bool, expect_continue: bool) -> None:
        """A new request on this connection."""
        self.version = version
        self.keep_alive = keep_alive
        self.continue_pending = expect_continue
        self.framing_error = None

    def close_after(self) -> None:
        self.keep_alive = False

    def send(self, data: bytes) -> None:
        """Write to the client; a socket error means it went away (``ClientGone``)."""
        try:
            self.socket.sendall(data)
        except OSError as error:
            raise ClientGone from error

    def send_continue(self) -> None:
        if self.continue_pending:
            self.continue_pending = False
            self.send(b"HTTP/1.1 100 Continue\r\n\r\n")
