"""Transport faults on the local server's connections, for real clients to meet.

``reset`` closes the connection with a TCP reset and no answer; ``timeout`` sends nothing
and holds the connection until the client gives up (its read timeout) or ``HOLD_LIMIT``
passes; ``truncate`` sends the header block and the first ``after_bytes`` of the body, then
ends the connection in order, short of its ``Content-Length``.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable
from contextlib import suppress

from ..core.http import NetworkFault
from .connection import ClientGone, Connection
from .response_writer import ResponseWriter

#: the longest (real) time a held answer keeps its connection and thread
HOLD_LIMIT = 300.0


def enact(
    fault: NetworkFault, connection: Connection, writer: ResponseWriter, body: Iterable[bytes]
) -> None:
    connection.close_after()
    sock = connection.socket
    if fault.kind == "truncate":
        with suppress(ClientGone):
            writer.write_at_most(body, fault.after_bytes)
        return  # an orderly end of stream, short of the declared length
    if fault.kind == "timeout":
        _hold(sock)
    with suppress(OSError):
        # linger 0: close() sends a reset, not an orderly end of stream; the reader's file
        # shares the descriptor, so it closes too, or the gateway would end the stream in order
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.rfile.close()
        sock.close()


def _hold(sock: socket.socket) -> None:
    """Answer nothing until the client closes the connection (or the hold limit)."""
    sock.settimeout(HOLD_LIMIT)
    with suppress(OSError):
        while sock.recv(65536):
            pass
