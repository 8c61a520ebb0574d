"""The local HTTP server: the WSGI door served threaded on loopback, for any client.

``GlacierServer`` ties the parts together and owns their lifetime: the ``listener`` (sockets,
threads), the ``gateway`` (HTTP to WSGI), the ``wsgi`` app (WSGI to the core) and the double
it answers with (``served``). ``serve_forever`` polls, never ``handle_request`` timeouts,
which freezegun would freeze.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from ..config import GlacierConfig
from ..simulator import Glacier
from .gateway import GatewayHandler
from .listener import Listener
from .served import ServedGlacier
from .wsgi import GlacierApp

__all__ = ["GlacierServer", "ServedGlacier"]

POLL_INTERVAL = 0.05


class GlacierServer:
    """A Glacier double behind a real HTTP endpoint on a background thread.

    ``GlacierServer(**config)`` serves its own double (``.double``); ``with`` starts both.
    ``serving(double)`` answers with another double for a while (the pytest fixture's
    per-test view). ``endpoint_url`` is known once started.
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, **config: Any) -> None:
        self.host, self.port = host, port
        self.double: Glacier = ServedGlacier(
            GlacierConfig.build(**config), endpoint_url=lambda: self.endpoint_url
        )
        self.app = GlacierApp(lambda: self.double)
        self._listener: Listener | None = None
        self._thread: threading.Thread | None = None

    @property
    def endpoint_url(self) -> str:
        if self._listener is None:
            raise RuntimeError("the server is not started; call start() first")
        host, port = self._listener.server_name, self._listener.server_port
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> GlacierServer:
        """Bind and serve on a daemon thread (the double is not started: see ``__enter__``)."""
        if self._listener is not None:
            raise RuntimeError("the server is already started")
        self._listener = Listener(
            (self.host, self.port), GatewayHandler, app=self.app, report=self.report
        )
        self._thread = threading.Thread(
            target=self._listener.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name=f"pytest-glacier-server:{self._listener.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, drop open connections and release the port."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        listener.shutdown()
        listener.close_connections()
        listener.server_close()
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> GlacierServer:
        if self._listener is None:  # ``start()`` may have bound it already
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
        self.double.report_internal_error(error)
