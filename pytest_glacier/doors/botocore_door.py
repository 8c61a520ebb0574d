"""The botocore front door: a ``before-send`` hook that answers glacier requests in-process.

``Endpoint._do_get_response`` is wrapped while any double is active. For a glacier request it
makes sure our hook is registered *first* on that client's event emitter (so clients created
before the test are served too, and we answer before moto's ``mock_aws`` handler), then lets
botocore carry on: serialisation, signing and parsing stay botocore's own.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.endpoint import Endpoint

from ..core.http import Request, Response, lower_keys

if TYPE_CHECKING:
    from ..service.dispatch import GlacierService

_HOOK_ID = "pytest_glacier.before_send"
_lock = threading.Lock()
_active: list[GlacierService] = []
_hooked: weakref.WeakSet[Any] = weakref.WeakSet()
_original_do_get_response: Any = None


class RawBody:
    """What botocore reads a response body from: ``read(amt)`` and ``stream()``."""

    def __init__(self, response: Response) -> None:
        self._chunks = response.chunks()
        self._pending = b""

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        if amt is None:
            data = self._pending + b"".join(self._chunks)
            self._pending = b""
            return data
        parts, have = [self._pending], len(self._pending)
        while have < amt:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            have += len(chunk)
        data = b"".join(parts)
        self._pending = data[amt:]
        return data[:amt]

    def stream(self, amt: int = 1 << 16, decode_content: bool = True) -> Any:
        while chunk := self.read(amt):
            yield chunk

    def close(self) -> None:
        self._chunks = iter(())


def _before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    service = current()
    if service is None:
        return None
    parts = urlsplit(request.url)
    path = parts.path + ("?" + parts.query if parts.query else "")
    core_request = Request.from_url(
        request.method, path, lower_keys(request.headers), request.body or b""
    )
    response = service.handle(core_request)
    return AWSResponse(request.url, response.status, response.headers, RawBody(response))


def _do_get_response(self: Endpoint, request: Any, operation_model: Any, context: Any) -> Any:
    if _active and operation_model.service_model.endpoint_prefix == "glacier":
        emitter = self._event_emitter
        if emitter not in _hooked:
            emitter.register_first("before-send.glacier", _before_send, unique_id=_HOOK_ID)
            _hooked.add(emitter)
    return _original_do_get_response(self, request, operation_model, context)


def current() -> GlacierService | None:
    """The innermost active double, if any."""
    return _active[-1] if _active else None


def activate(service: GlacierService) -> None:
    global _original_do_get_response
    with _lock:
        if not _active:
            _original_do_get_response = Endpoint._do_get_response
            Endpoint._do_get_response = _do_get_response
        _active.append(service)


def deactivate(service: GlacierService) -> None:
    with _lock:
        _active.remove(service)
        if not _active:
            Endpoint._do_get_response = _original_do_get_response
