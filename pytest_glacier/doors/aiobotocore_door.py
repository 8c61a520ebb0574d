"""The aiobotocore front door: async clients (aiobotocore, aioboto3) answered in-process.

It mirrors the botocore door. ``AioEndpoint._do_get_response`` is wrapped while any double is
active: for a glacier request it registers our ``before-send`` hook *first* on that client's
(async) emitter, so clients made before the test are served too and we answer before moto's
handler; serialisation, signing and parsing stay aiobotocore's own. The hook hands back an
``AioAWSResponse`` whose body reads like aiohttp's response, sliced from the core's body.

``AioEndpoint._needs_retry`` is wrapped too: aiobotocore's own ``needs-retry`` handlers decide
(same attempt counting), but the ``asyncio.sleep`` it would take moves simulated time instead
(``botocore_door.retry_backoff``), so no timer of the event loop is involved. Adaptive mode's
``AsyncTokenBucket`` reads the frozen clock; a wait for its tokens is spent in simulated time.

Imported only when aiobotocore is installed; its internals are named in
``pytest_glacier/_compat/aiobotocore.py`` (and botocore's in ``_compat/botocore.py``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import weakref
from types import TracebackType
from typing import Any

from botocore.exceptions import (
    ConnectionClosedError,
    EndpointConnectionError,
    HTTPClientError,
    ReadTimeoutError,
)

from .._compat import aiobotocore as compat
from .._compat.botocore import event_emitter, needs_retry_event
from ..core.http import Response
from .botocore_door import RawBody, adopt, core_request, spend_retry, spend_token_wait
from .class_patches import ClassPatches

_HOOK_ID = "pytest_glacier.aio_before_send"
_hooked: weakref.WeakSet[Any] = weakref.WeakSet()


class AsyncBody:
    """A response body as aiobotocore reads aiohttp's ``ClientResponse``.

    ``read()`` and ``content.read(n)`` are the same reads (aiohttp's response and its stream
    reader), sliced from the core's body by ``RawBody``: a whole read of a memory-stored
    archive hands over the very bytes. A body cut by a ``truncate`` fault delivers its first
    ``after_bytes`` and then raises aiohttp's ``ClientPayloadError``, as a connection that
    ends short of its ``Content-Length`` does.
    """

    def __init__(self, url: str, response: Response) -> None:
        self.url = url
        self._declared = int(response.headers.get("content-length", 0))
        self._read = 0
        fault = response.network
        #: where a truncated body ends
        self._cut: int | None = None
        if fault is not None and fault.kind == "truncate":
            self._cut = min(fault.after_bytes, self._declared)
            response = dataclasses.replace(response, network=None)
        self._raw = RawBody(response)

    @property
    def content(self) -> AsyncBody:
        """aiohttp's stream reader of the body: it reads the same bytes."""
        return self

    async def read(self, n: int = -1) -> bytes:
        """At most ``n`` bytes (``-1``: all that is left), as aiohttp reads them."""
        cut = self._cut
        if cut is None:
            data = self._raw.read(None if n < 0 else n)
        elif n < 0 or (n > 0 and self._read == cut):
            raise compat.cut_short(cut, self._declared)
        else:
            data = self._raw.read(min(n, cut - self._read))
        self._read += len(data)
        return data

    def at_eof(self) -> bool:
        return self._read >= self._declared

    def close(self) -> None:
        self._raw.close()

    async def __aenter__(self) -> AsyncBody:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _before_send(request: Any, **_: Any) -> Any:
    service = current()
    if service is None:
        return None
    prepared = core_request(request)
    try:
        compat.refuse_unsendable(prepared.headers)
    except ValueError as error:  # what aiobotocore raises when aiohttp refuses, nothing sent
        raise HTTPClientError(error=error) from None
    response = service.handle(prepared)
    fault = response.network
    if fault is not None and fault.kind == "reset" and request.method in compat.RESENT_AFTER_RESET:
        # aiohttp sends an idempotent request once more when its connection drops
        request.reset_stream()
        response = service.handle(core_request(request))
        fault = response.network
    if fault is not None and (fault.kind != "truncate" or not request.stream_output):
        # what aiobotocore's HTTP session raises for aiohttp's errors: a reset connection is
        # an OS error; a body cut short is a payload error when it is read, and the session
        # reads every non-streaming body before answering
        if fault.kind == "reset":
            raise EndpointConnectionError(endpoint_url=request.url)
        if fault.kind == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        raise ConnectionClosedError(endpoint_url=request.url)
    body = AsyncBody(request.url, response)
    return compat.AioAWSResponse(request.url, response.status, response.headers, body)


async def _do_get_response(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
    if _patches and operation_model.service_model.endpoint_prefix == "glacier":
        emitter = event_emitter(self)
        if emitter not in _hooked:
            emitter.register_first("before-send.glacier", _before_send, unique_id=_HOOK_ID)
            _hooked.add(emitter)
    return await _patches.original(*compat.DO_GET_RESPONSE)(self, request, operation_model, context)


async def _needs_retry(
    self: Any,
    attempts: int,
    operation_model: Any,
    request_dict: Any,
    response: Any = None,
    caught_exception: Any = None,
) -> bool:
    """aiobotocore's retry decision for glacier, with the sleep spent in simulated time."""
    service = current()
    if service is None or operation_model.service_model.endpoint_prefix != "glacier":
        original = _patches.original(*compat.NEEDS_RETRY)
        return bool(
            await original(
                self, attempts, operation_model, request_dict, response, caught_exception
            )
        )
    name, details = needs_retry_event(
        self, attempts, operation_model, request_dict, response, caught_exception
    )
    retried = spend_retry(service, await event_emitter(self).emit(name, **details), attempts)
    if retried:
        await asyncio.sleep(0)  # the pause stays a point where the loop's other tasks run
    return retried


async def _acquire(self: Any, amount: float, block: bool) -> Any:
    """Take rate-limit tokens; a wait for them under the frozen clock moves simulated time."""
    spend_token_wait(current(), self, amount, block)
    return await _patches.original(*compat.ACQUIRE)(self, amount, block)


async def _create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
    """Every aiobotocore client is built here: a glacier client made while a double is
    active belongs to that double, as a botocore client does."""
    client = await _patches.original(*compat.CREATE_CLIENT)(self, *args, **kwargs)
    adopt(client)
    return client


_patches = ClassPatches(
    [
        (*compat.DO_GET_RESPONSE, _do_get_response),
        (*compat.NEEDS_RETRY, _needs_retry),
        (*compat.ACQUIRE, _acquire),
        (*compat.CREATE_CLIENT, _create_client),
    ]
)
current = _patches.current
activate = _patches.activate
deactivate = _patches.deactivate
