"""The ``requests`` front door: a ``responses`` callback answers the Glacier endpoint.

While a double with ``requests=True`` is active, ``requests`` calls to
``https://glacier.<region>.amazonaws.com/...`` are served by the core; every other URL goes
on to whatever ``HTTPAdapter.send`` was before (the network, or a user's ``responses`` mock).
A user's own ``RequestsMock`` started later still answers its own URLs first: every
``RequestsMock`` falls back to our callback for a Glacier URL none of its mocks match, which
is why ``RequestsMock._find_match`` is wrapped while the door is open (the responses
internals this takes are named in ``pytest_glacier/_compat/responses.py``).
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..core.http import Request, Response, lower_keys

if TYPE_CHECKING:
    from ..service.engine.dispatch import GlacierService

GLACIER_URL = re.compile(r"https?://glacier(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?::\d+)?/")
#: a passthru prefix matching every URL: what our own mock does not answer goes on
_EVERY_URL = re.compile("")

_lock = threading.Lock()
_active: list[GlacierService] = []
_mock: Any = None
_original_find_match: Any = None


def activate(service: GlacierService) -> None:
    with _lock:
        if not _active:
            _install()
        _active.append(service)


def deactivate(service: GlacierService) -> None:
    with _lock:
        _active.remove(service)
        if not _active:
            _uninstall()


def current() -> GlacierService | None:
    """The innermost double with the door open, if any."""
    return _active[-1] if _active else None


def _install() -> None:
    global _mock, _original_find_match
    from .._compat import responses as compat

    _original_find_match = getattr(*compat.FIND_MATCH)
    setattr(*compat.FIND_MATCH, _find_match)
    _mock = compat.passing_mock(_EVERY_URL)
    _mock.start()


def _uninstall() -> None:
    global _mock
    from .._compat import responses as compat

    _mock.stop(allow_assert=False)
    _mock = None
    setattr(*compat.FIND_MATCH, _original_find_match)


def _find_match(mock: Any, request: Any) -> tuple[Any, list[str]]:
    """The mock's own match first; else, for a Glacier URL, our callback."""
    match, reasons = _original_find_match(mock, request)
    if match is None and current() is not None and GLACIER_URL.match(str(request.url)):
        import responses

        match = responses.CallbackResponse(
            request.method, str(request.url), callback=_answer, content_type=None
        )
    return match, reasons


def _answer(prepared: Any) -> tuple[int, dict[str, str], io.BufferedReader]:
    """The ``responses`` callback: a prepared ``requests`` request through the core."""
    service = current()
    assert service is not None, "the responses door answered after it was closed"
    parts = urlsplit(str(prepared.url))
    headers = lower_keys(prepared.headers)
    headers.setdefault("host", parts.netloc)  # urllib3 would add it on the wire
    core_request = Request.from_url(
        prepared.method,
        parts.path + ("?" + parts.query if parts.query else ""),
        headers,
        _body_bytes(prepared.body),
    )
    response = service.handle(core_request)
    fault = response.network
    if fault is not None and fault.kind != "truncate":
        import requests.exceptions

        # what requests raises when the connection drops or the read times out
        if fault.kind == "timeout":
            raise requests.exceptions.ReadTimeout(f"Read timed out: {prepared.url}")
        raise requests.exceptions.ConnectionError(
            f"Connection aborted: connection reset by peer: {prepared.url}"
        )
    return response.status, response.headers, io.BufferedReader(_ChunkStream(response))


def _body_bytes(body: Any) -> bytes:
    """requests hands over bytes, str, None, a file or an iterable of chunks."""
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body)
    if hasattr(body, "read"):
        return _body_bytes(body.read())
    return b"".join(_body_bytes(part) for part in body)


class _ChunkStream(io.RawIOBase):
    """A response body read as a file, one chunk at a time: large outputs stay streamed.

    A body cut by a ``truncate`` fault ends after ``after_bytes``; the read after that end
    raises urllib3's short-read error (requests: ``ChunkedEncodingError``) as urllib3 2 does
    by itself from the ``Content-Length`` and urllib3 1.26 (which older botocore releases pin)
    does not.
    """

    def __init__(self, response: Response) -> None:
        super().__init__()
        self._chunks: Iterator[bytes] = response.chunks()
        self._pending = memoryview(b"")
        fault = response.network
        #: where a truncated body ends: (bytes still to deliver, bytes declared)
        self._left = fault.after_bytes if fault is not None else None
        self._declared = int(response.headers.get("content-length", 0))
        self._delivered = 0
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left == 0 and self._delivered < self._declared:
            if self._ended:
                from .._compat.botocore import short_read

                raise short_read(self._delivered, self._declared)
            self._ended = True  # this read ends the body; the next one finds it short
            return 0
        while not self._pending:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        size = min(len(buffer), len(self._pending))
        if self._left is not None:
            size = min(size, self._left)
            self._left -= size
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        self._delivered += size
        return size
