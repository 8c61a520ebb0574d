"""Every aiobotocore (and aiohttp) internal the async door relies on, in one place.

aiobotocore has no public transport hook besides ``before-send``, so the door leans on a few
of its internals; when a release moves one, this is the only module to change. Tested with
aiobotocore 2.25 (aioboto3 15.5) and 3.10; each name below has its test in
``tests/async_clients/test_aio_compat.py``.

* ``AioEndpoint._do_get_response(request, operation_model, context)`` and
  ``AioEndpoint._needs_retry(attempts, operation_model, request_dict, response,
  caught_exception)`` are coroutines wrapped while a double is active; the endpoint's
  emitter is ``_event_emitter`` (an async emitter: ``await emit(...)``) as in botocore, and
  the ``needs-retry`` event it emits has botocore's name and keywords
  (``botocore.needs_retry_event``).
* ``AioClientCreator.create_client(service_name, region_name, ...)``: the coroutine every
  aiobotocore (and aioboto3) client is built by, wrapped to tie a glacier client made while
  a double is active to that double.
* ``AsyncTokenBucket._acquire(amount, block)``: adaptive mode's wait for tokens; its
  ``_refill()`` and ``_sleep_amount(amount)`` are botocore's (``botocore.token_shortfall``).
* A before-send answer is an ``AioAWSResponse(url, status, headers, raw)``. aiobotocore reads
  ``raw`` as it reads aiohttp's ``ClientResponse``: ``await raw.read()`` for a whole body,
  ``await raw.content.read(n)`` (``-1``: to the end) and ``raw.content.at_eof()`` behind its
  streaming body, ``raw.url`` in its timeout errors, ``async with raw`` (2.x), ``raw.close()``.
* aiohttp (3.9 and later) sends a request with an idempotent method once more when its
  connection drops before the answer, unseen by aiobotocore (``RESENT_AFTER_RESET``).
* ``aiohttp.http_writer._serialize_headers(status_line, headers)`` is aiohttp's own check of
  a request's header values before anything is sent (``refuse_unsendable``): its rule has
  changed across releases (3.14 refuses every control character but tab).
* aiohttp's ``ClientPayloadError`` is what a body cut short of its length raises there
  (``cut_short``, in aiohttp 3.14's words).
"""

from __future__ import annotations

from collections.abc import Mapping

from aiobotocore.awsrequest import AioAWSResponse
from aiobotocore.client import AioClientCreator
from aiobotocore.endpoint import AioEndpoint
from aiobotocore.retries.bucket import AsyncTokenBucket
from aiohttp import ClientPayloadError
from aiohttp.http_writer import _serialize_headers

#: the coroutine methods the door wraps while a double is active: (class, name)
DO_GET_RESPONSE = (AioEndpoint, "_do_get_response")
NEEDS_RETRY = (AioEndpoint, "_needs_retry")
ACQUIRE = (AsyncTokenBucket, "_acquire")
CREATE_CLIENT = (AioClientCreator, "create_client")
#: the methods aiohttp repeats once when a connection drops (RFC 9112's idempotent ones)
RESENT_AFTER_RESET = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


def refuse_unsendable(headers: Mapping[str, str]) -> None:
    """Raise aiohttp's ``ValueError`` for header values aiohttp would refuse to send."""
    _serialize_headers("POST / HTTP/1.1", headers)


def cut_short(received: int, declared: int) -> ClientPayloadError:
    """What aiohttp raises when a body ends after ``received`` of its ``declared`` bytes."""
    return ClientPayloadError(
        "Response payload is not completed: <ContentLengthError: 400, message='Not enough data "
        f"to satisfy content length header (received {received} of {declared} bytes).'>"
    )


__all__ = [
    "ACQUIRE",
    "CREATE_CLIENT",
    "DO_GET_RESPONSE",
    "NEEDS_RETRY",
    "RESENT_AFTER_RESET",
    "AioAWSResponse",
    "AioClientCreator",
    "AsyncTokenBucket",
    "cut_short",
    "refuse_unsendable",
]
