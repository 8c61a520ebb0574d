"""The socket layer of the local server: a threaded listener that knows nothing of Glacier.

It binds (port 0 by default) with a listen backlog of ``BACKLOG``, runs one thread per
connection with the handler class it is
given and turns off Nagle's algorithm on each accepted socket: a response written in more
than one send would otherwise wait for the client's delayed ACK (about 40 ms). It remembers
open connections so ``stop`` can drop idle keep-alive ones, and passes any unexpected
exception from a handler to ``report`` (the double then fails the test). Its connection
threads are the double's own: simulated time never waits for them.
"""

from __future__ import annotations

import socket
import sys
import threading
import traceback
from collections.abc import Callable
from contextlib import suppress
from socketserver import BaseRequestHandler, ThreadingTCPServer
from typing import TYPE_CHECKING, Any

from ..waiting.timeline import own_thread

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


#: pending connections the kernel holds before accepting (Python's default is 5)
BACKLOG = 128


class Listener(ThreadingTCPServer):
    """Threaded HTTP listener hosting one WSGI ``app`` through ``handler``."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = BACKLOG

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseRequestHandler],
        *,
        app: WSGIApplication,
        report: Callable[[str], None],
    ) -> None:
        self.app = app
        self.report = report
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        # not HTTPServer's: it would resolve the host's FQDN, which can stall on DNS
        if self.allow_reuse_address:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def get_request(self) -> tuple[socket.socket, Any]:
        connection, client_address = self.socket.accept()
        with suppress(OSError):  # not every socket family has the option
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, client_address

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with own_thread():
            super().process_request_thread(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is no bug; anything else escaping a handler is reported."""
        if not isinstance(sys.exc_info()[1], OSError):
            self.report(traceback.format_exc())

    def close_connections(self) -> None:
        """Shut down every open connection, so idle keep-alive threads end now."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
