"""The botocore front door: a ``before-send`` hook that answers glacier requests in-process.

``Endpoint._do_get_response`` is wrapped while any double is active. For a glacier request it
makes sure our hook is registered *first* on that client's event emitter (so clients created
before the test are served too, and we answer before moto's ``mock_aws`` handler), then lets
botocore carry on: serialisation, signing and parsing stay botocore's own.

``Endpoint._needs_retry`` is wrapped too: botocore decides whether to retry a glacier request
exactly as it would (same ``needs-retry`` handlers, same attempt counting), but the sleep it
would take moves simulated time instead of costing wall time (``retry_backoff``).
Adaptive mode's client-side rate limiter (``TokenBucket``) reads the frozen clock, so under it
a wait for tokens would never end; it too is spent in simulated time.

The botocore internals this takes are named in ``pytest_glacier/_compat/botocore.py``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import weakref
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl, urlsplit

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.exceptions import ConnectionClosedError, HTTPClientError, ReadTimeoutError

from .._compat import botocore as compat
from ..core.http import Request, Response, lower_keys
from ..core.usage import ended
from .class_patches import ClassPatches

if TYPE_CHECKING:
    from ..service.engine.dispatch import GlacierService

_HOOK_ID = "pytest_glacier.before_send"
#: botocore's standard-mode ceiling for one retry sleep
RETRY_BACKOFF_CAP = dt.timedelta(seconds=20)
_hooked: weakref.WeakSet[Any] = weakref.WeakSet()


class RawBody:
    """What botocore reads a response body from: ``read(amt)`` and ``stream()``.

    A bytes-like body is sliced directly: reading it whole hands over the very ``bytes``
    object (a memory-stored archive is never copied) or one copy of a view's bytes.
    """

    def __init__(self, response: Response) -> None:
        body = response.body
        self._whole = body if isinstance(body, bytes | memoryview) else None
        self._offset = 0
        self._chunks = iter(()) if self._whole is not None else response.chunks()
        self._pending = b""
        #: a truncated body: (bytes still to deliver, bytes delivered, bytes declared)
        fault = response.network
        self._cut: list[int] | None = None
        if fault is not None and fault.kind == "truncate":
            declared = int(response.headers.get("content-length", 0))
            self._cut = [min(fault.after_bytes, declared), 0, declared]

    def _read_whole(self, whole: bytes | memoryview, amt: int | None) -> bytes:
        start = self._offset
        end = len(whole) if amt is None else min(len(whole), start + amt)
        self._offset = end
        if start == 0 and end == len(whole) and type(whole) is bytes:
            return whole
        return bytes(memoryview(whole)[start:end])

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        cut = self._cut
        if cut is None:
            return self._read(amt)
        left, delivered, declared = cut
        if amt is None:
            # urllib3 reading to the end raises this when the body ends short of its length
            raise compat.short_read(left + delivered, declared)
        data = self._read(min(amt, left))  # then end of stream: botocore finds it short
        cut[0], cut[1] = left - len(data), delivered + len(data)
        return data

    def _read(self, amt: int | None) -> bytes:
        if self._whole is not None:
            return self._read_whole(self._whole, amt)
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
        self._whole = None


def _before_send(request: AWSPreparedRequest, **_: Any) -> AWSResponse | None:
    service = current()
    if service is None:
        return None
    prepared = core_request(request)
    _refuse_unsendable(prepared.headers)
    response = service.handle(prepared)
    fault = response.network
    if fault is not None and fault.kind != "truncate":
        # what botocore's HTTP layer raises for a read timeout and a dropped connection
        if fault.kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        raise ConnectionClosedError(endpoint_url=request.url)
    return AWSResponse(request.url, response.status, response.headers, RawBody(response))


#: what http.client refuses to send in a header value: a line break not followed by folding
_ILLEGAL_HEADER_VALUE = re.compile(r"\n(?![ \t])|\r(?![ \t\n])")


def _refuse_unsendable(headers: dict[str, str]) -> None:
    """A header value with a line break never leaves a real client: http.client refuses it
    and botocore raises ``HTTPClientError`` before anything is sent. So it is here."""
    for value in headers.values():
        if ("\n" in value or "\r" in value) and _ILLEGAL_HEADER_VALUE.search(value):
            error = ValueError(f"Invalid header value {value.encode('latin-1', 'replace')!r}")
            raise HTTPClientError(error=error)


def core_request(request: AWSPreparedRequest) -> Request:
    """The core's request for a prepared botocore (or aiobotocore) request."""
    parts = urlsplit(request.url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True)) if parts.query else {}
    headers = lower_keys(compat.header_items(request.headers))
    return Request(request.method, parts.path, query, headers, request.body or b"")


def _do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
    if _patches and operation_model.service_model.endpoint_prefix == "glacier":
        emitter = compat.event_emitter(self)
        if emitter not in _hooked:
            emitter.register_first("before-send.glacier", _before_send, unique_id=_HOOK_ID)
            _hooked.add(emitter)
    return _patches.original(*compat.DO_GET_RESPONSE)(self, request, operation_model, context)


def _needs_retry(
    self: Any,
    attempts: int,
    operation_model: Any,
    request_dict: Any,
    response: Any = None,
    caught_exception: Any = None,
) -> bool:
    """botocore's retry decision for glacier, with the sleep spent in simulated time."""
    service = current()
    if service is None or operation_model.service_model.endpoint_prefix != "glacier":
        original = _patches.original(*compat.NEEDS_RETRY)
        return bool(
            original(self, attempts, operation_model, request_dict, response, caught_exception)
        )
    name, details = compat.needs_retry_event(
        self, attempts, operation_model, request_dict, response, caught_exception
    )
    return spend_retry(service, compat.event_emitter(self).emit(name, **details), attempts)


def spend_retry(service: GlacierService, answers: Any, attempts: int) -> bool:
    """Whether the ``needs-retry`` handlers' ``answers`` ask for a retry; its backoff is spent
    in simulated time instead of a sleep."""
    delay = compat.retry_delay(answers)
    if delay is None or delay is False:
        return False
    spend(service, retry_backoff(attempts))
    return True


def retry_backoff(attempts: int) -> dt.timedelta:
    """The simulated time one botocore retry sleep takes: its backoff ceiling, no jitter.

    botocore sleeps ``random() * 2 ** (attempts - 1)`` seconds (capped at 20 s in standard
    mode); the double moves its clock by the ceiling instead, so time stays deterministic.
    """
    return min(dt.timedelta(seconds=2 ** min(attempts - 1, 8)), RETRY_BACKOFF_CAP)


def spend(service: GlacierService, delta: dt.timedelta) -> None:
    """Spend a client-side wait (retry backoff, rate limit) in simulated time, not wall time."""
    backend = service.backend
    with backend.lock:
        backend.clock.advance(delta)


class _Owner(Protocol):
    """The controller a client was made by (``glacier.client()``)."""

    service: GlacierService

    def _require_live(self, action: str) -> None: ...


def _create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Every botocore client is built here: a glacier client made while a double is active
    belongs to that double (``bind``), as ``glacier.client()``'s do."""
    client = _patches.original(*compat.CREATE_CLIENT)(self, *args, **kwargs)
    adopt(client)
    return client


def adopt(client: Any) -> None:
    """Bind a client just made (botocore's or aiobotocore's) to the active double if it is a
    glacier client."""
    service = current()
    owner = _owners.get(service) if service is not None else None
    if owner is not None and client.meta.service_model.endpoint_prefix == "glacier":
        bind(client, owner)


def _acquire(self: Any, amount: float = 1, block: bool = True) -> Any:
    """Take rate-limit tokens; a wait for them under the frozen clock moves simulated time."""
    spend_token_wait(current(), self, amount, block)
    return _patches.original(*compat.ACQUIRE)(self, amount, block)


def spend_token_wait(
    service: GlacierService | None, bucket: Any, amount: float, block: bool
) -> None:
    """The wait a rate-limit bucket (botocore's or aiobotocore's) would take for ``amount``
    tokens, spent in simulated time under the frozen clock (which its refill reads)."""
    if service is not None and block and service.backend.clock.mode == "frozen":
        shortfall = compat.token_shortfall(bucket, amount)
        if shortfall > 0:
            # whole milliseconds, rounded up, so the refill after it surely covers ``amount``
            spend(service, dt.timedelta(milliseconds=math.ceil(shortfall * 1000) + 1))


_patches = ClassPatches(
    [
        (*compat.DO_GET_RESPONSE, _do_get_response),
        (*compat.NEEDS_RETRY, _needs_retry),
        (*compat.ACQUIRE, _acquire),
        (*compat.CREATE_CLIENT, _create_client),
    ]
)
current = _patches.current
#: the controller behind each active double's service, for the clients made meanwhile
_owners: weakref.WeakKeyDictionary[GlacierService, _Owner] = weakref.WeakKeyDictionary()


def activate(service: GlacierService, owner: _Owner) -> None:
    """Serve glacier requests from ``service``; clients made meanwhile belong to ``owner``."""
    _owners[service] = owner
    _patches.activate(service)


def deactivate(service: GlacierService) -> None:
    _patches.deactivate(service)
    _owners.pop(service, None)


#: what a client of an ended double is refused, naming the fix
_LATE_CLIENT = (
    "send a request with this client, made while that double was active (make the client in "
    "the test that uses it, or before any double starts to follow whichever is active)"
)


def bind(client: Any, owner: _Owner) -> None:
    """Tie a client made by ``glacier.client()``, or while its double was active, to that
    double: once it has ended, the client's requests are refused with a clear error, never
    served by a later double nor sent to AWS. The double is held weakly, so a kept client
    does not keep it alive. (A client made before any double follows the active one.)"""
    owner_ref = weakref.ref(owner)

    def guard(**_: Any) -> None:
        __tracebackhide__ = True
        double, active = owner_ref(), _patches.active
        if double is not None and active and active[-1] is double.service:
            return  # its double answers: the common case, in one test per request
        if double is None:
            raise ended(_LATE_CLIENT)
        double._require_live(_LATE_CLIENT)
        raise ended(f"{_LATE_CLIENT}: another double is active now")

    client.meta.events.register_first("before-send.glacier", guard, unique_id=f"{_HOOK_ID}-bound")
