"""Every botocore internal the package relies on, in one place.

botocore's one public transport hook is the ``before-send`` event; the botocore door also
needs to reach clients made before the test, to spend retry sleeps and rate-limit waits in
simulated time, and to read request headers fast. These are the undocumented names that
takes; each has its test in ``tests/test_compat.py``. Checked from botocore 1.31 (the
declared floor) to the newest release.

* ``Endpoint._do_get_response(request, operation_model, context)``: wrapped while a double
  is active, to register the before-send hook first on the endpoint's emitter.
* ``Endpoint._needs_retry(attempts, operation_model, request_dict, response=None,
  caught_exception=None)``: wrapped, to spend the retry sleep in simulated time. It emits
  ``needs-retry.<service id>.<operation>`` with the keywords of ``needs_retry_event`` on the
  endpoint's ``_event_emitter``, and retries when ``botocore.hooks.first_non_none_response``
  of the answers is neither None nor False.
* ``botocore.client.ClientCreator.create_client(service_name, region_name, ...)``: what
  ``Session.create_client`` calls to build every client; wrapped while a double is active,
  to tie a glacier client made then to that double.
* ``botocore.retries.bucket.TokenBucket._acquire(amount, block)``: adaptive mode's wait for
  tokens, wrapped; its ``_refill()`` and ``_sleep_amount(amount)`` tell the wait's length.
* ``botocore.awsrequest.HeadersDict``: its ``_dict`` maps ``_HeaderKey`` objects (with the
  lower-case name in ``_lower``) to values (``header_items``; any other shape is read
  through ``items()``).
* A before-send answer's ``raw`` is read as urllib3's response: ``read(amt)`` and
  ``stream(amt)``; a body cut short raises urllib3's ``ProtocolError`` wrapping
  ``IncompleteRead`` (``short_read``), which botocore's ``StreamingBody`` turns into its
  own streaming error.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.client import ClientCreator
from botocore.endpoint import Endpoint
from botocore.hooks import first_non_none_response
from botocore.retries.bucket import TokenBucket
from urllib3.exceptions import IncompleteRead, ProtocolError

#: the methods the botocore door wraps while a double is active: (class, name)
DO_GET_RESPONSE = (Endpoint, "_do_get_response")
NEEDS_RETRY = (Endpoint, "_needs_retry")
ACQUIRE = (TokenBucket, "_acquire")
CREATE_CLIENT = (ClientCreator, "create_client")


def event_emitter(endpoint: Any) -> Any:
    """The event emitter of a botocore (or aiobotocore) endpoint: its client's."""
    return endpoint._event_emitter


def needs_retry_event(
    endpoint: Any,
    attempts: int,
    operation_model: Any,
    request_dict: Any,
    response: Any,
    caught_exception: Any,
) -> tuple[str, dict[str, Any]]:
    """The ``needs-retry`` event botocore's (and aiobotocore's) endpoint emits for an attempt:
    its name and keywords."""
    service_id = operation_model.service_model.service_id.hyphenize()
    return f"needs-retry.{service_id}.{operation_model.name}", {
        "response": response,
        "endpoint": endpoint,
        "operation": operation_model,
        "attempts": attempts,
        "caught_exception": caught_exception,
        "request_dict": request_dict,
    }


def retry_delay(answers: Any) -> Any:
    """What the ``needs-retry`` handlers' answers ask for: None or False for no retry."""
    return first_non_none_response(answers)


def token_shortfall(bucket: Any, amount: float) -> float:
    """Seconds a rate-limit bucket (botocore's or aiobotocore's) would wait for ``amount``
    tokens, after refilling it as of its clock's now (0 or less: no wait)."""
    bucket._refill()
    return float(bucket._sleep_amount(amount))


def header_items(headers: Any) -> Iterable[tuple[str, Any]]:
    """The (lower-case name, value) pairs of a prepared request's headers.

    ``HeadersDict.items()`` builds a case-insensitive key object per lookup (about 10 µs a
    request); the pairs are read from its own dict of those keys when it has that shape.
    """
    try:
        return [(key._lower, value) for key, value in headers._dict.items()]
    except AttributeError:
        return list(headers.items())


def short_read(received: int, declared: int) -> ProtocolError:
    """What urllib3 raises when a body read to its end stops ``received`` bytes into its
    ``declared`` length: botocore's ``StreamingBody`` (and requests) turn it into their own
    error."""
    return ProtocolError(
        f"Connection broken: IncompleteRead({received} bytes read, "
        f"{declared - received} more expected)",
        IncompleteRead(received, declared - received),
    )


__all__ = [
    "ACQUIRE",
    "CREATE_CLIENT",
    "DO_GET_RESPONSE",
    "NEEDS_RETRY",
    "ClientCreator",
    "Endpoint",
    "TokenBucket",
    "event_emitter",
    "header_items",
    "needs_retry_event",
    "retry_delay",
    "short_read",
    "token_shortfall",
]
