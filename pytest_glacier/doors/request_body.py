"""``wsgi.input`` of the local server: the request body, read only as the app asks for it.

Reading ends at the body's length, and the first read sends a pending ``100 Continue``, so a
request the service rejects before looking at its body never has to send that body.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .gateway import GatewayHandler

#: longest chunk-size or trailer line accepted in a chunked body
MAX_LINE = 65536


class RequestBody(io.RawIOBase):
    """The body of one request, ended at its length (or fully read already, when chunked)."""

    def __init__(
        self,
        handler: GatewayHandler,
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
                self._handler.send_continue()
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


def dechunk(rfile: Any) -> bytes:
    """The body of a ``Transfer-Encoding: chunked`` request, trailers skipped."""
    parts: list[bytes] = []
    while True:
        line = rfile.readline(MAX_LINE + 1)
        if not line.endswith(b"\n"):
            raise ValueError("chunk size line missing or too long")
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(parts)
        chunk = rfile.read(size)
        if len(chunk) != size or rfile.readline(MAX_LINE + 1) not in (b"\r\n", b"\n"):
            raise ValueError("chunk shorter than its size")
        parts.append(chunk)
