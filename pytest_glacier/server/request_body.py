"""``wsgi.input`` of the local server: the request body, read only as the app asks for it.

Reading ends at the body's length and goes in pieces of at most ``PIECE`` bytes, so no
declared size is ever allocated at once. The first read sends a pending ``100 Continue``, so
a request the service rejects before looking at its body never has to send that body. A
chunked body is decoded as it is read (``http1.ChunkedReader``); when its framing breaks,
the reads end and the connection keeps the error, which is answered instead (and closes).
"""

from __future__ import annotations

import io
from typing import Any

from ..core.errors import GlacierError
from .connection import Connection
from .http1 import BodyTooLarge, ChunkedReader, FramingError

#: the most bytes asked of the socket in one read
PIECE = 1 << 20


class RequestBody(io.RawIOBase):
    """The body of one request, ended at its length or at its last chunk."""

    def __init__(
        self,
        connection: Connection,
        *,
        length: int = 0,
        chunked: ChunkedReader | None = None,
        too_large: Any = None,
    ) -> None:
        super().__init__()
        self._connection = connection
        self._chunked = chunked
        self._left = length
        #: ``(size) -> GlacierError`` for a chunked body that grows past its limit
        self._too_large = too_large

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._take(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        pieces = []
        while piece := self._take(PIECE):
            pieces.append(piece)
        return b"".join(pieces)

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        return self._take(size)

    def _take(self, size: int) -> bytes:
        connection = self._connection
        if connection.framing_error is not None:
            return b""
        try:
            connection.send_continue()
            if self._chunked is not None:
                return self._chunked.read(min(size, PIECE))
            want = min(size, self._left, PIECE)
            data = connection.rfile.read(want) if want else b""
        except BodyTooLarge as error:
            self._fail(self._too_large(error.size) if self._too_large else _bad(str(error)))
            return b""
        except FramingError as error:
            self._fail(_bad(f"Malformed chunked body: {error}"))
            return b""
        except OSError:  # the client went away (or stalled): the core sees a short body
            connection.close_after()
            return b""
        if len(data) < want:  # the connection ended early
            connection.close_after()
            self._left = 0
        else:
            self._left -= len(data)
        return data

    def _fail(self, error: GlacierError) -> None:
        self._connection.framing_error = error
        self._connection.close_after()

    def settle(self) -> None:
        """Leave the connection at the next request, or mark it to close."""
        connection = self._connection
        if connection.continue_pending or not connection.keep_alive:
            connection.close_after()
            return
        if self._chunked is not None:
            if not self._chunked.done:
                connection.close_after()
            return
        # the rest is within the operation's limit (checked before any read): skip it, so a
        # client still sending its body reads the answer rather than a reset
        while self._left and self._take(PIECE):
            pass

    def prime(self) -> bool:
        """A chunked body's first chunk-size line read now (without a pending 100 Continue);
        False when it is malformed or declares too much (the error is on the connection)."""
        if self._chunked is None or self._connection.continue_pending:
            return True
        try:
            self._chunked.prime()
        except BodyTooLarge as error:
            self._fail(self._too_large(error.size) if self._too_large else _bad(str(error)))
        except FramingError as error:
            self._fail(_bad(f"Malformed chunked body: {error}"))
        except OSError:
            self._connection.close_after()
        return self._connection.framing_error is None

    def prefetch(self) -> bytes | None:
        """The whole (small) body read now, or None when its framing broke."""
        data = self.readall()
        return None if self._connection.framing_error is not None else data


def _bad(message: str) -> GlacierError:
    return GlacierError("BadRequest", message)
