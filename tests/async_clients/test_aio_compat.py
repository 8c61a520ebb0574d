"""One test per aiobotocore (and aiohttp) internal that ``pytest_glacier._compat.aiobotocore``
relies on: when a release moves or reshapes one, its test fails and says which name changed.

Runs in the async environment only (aiobotocore pins its own botocore); each test exercises
the installed library directly, without a double active.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import pytest

pytest.importorskip("aiobotocore")
aiohttp = pytest.importorskip("aiohttp")

import aiobotocore.session  # noqa: E402
from aiobotocore.response import StreamingBody  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402

from pytest_glacier._compat import aiobotocore as compat  # noqa: E402
from pytest_glacier._compat.botocore import (  # noqa: E402
    event_emitter,
    needs_retry_event,
    token_shortfall,
)

pytestmark = pytest.mark.timeout(60)


def changed(library: str, name: str, detail: str) -> str:
    """The failure message: what changed, and where pytest_glacier names it."""
    version = getattr(sys.modules[library], "__version__", "?")
    return (
        f"{library} {version}: {name} {detail}; pytest_glacier relies on it through "
        "pytest_glacier/_compat/aiobotocore.py, which must be updated for this release"
    )


def expect_coroutine(owner: type, name: str, expected: list[str]) -> None:
    where = f"{owner.__qualname__}.{name}"
    function = getattr(owner, name, None)
    assert callable(function), changed("aiobotocore", where, "is gone")
    assert inspect.iscoroutinefunction(function), changed("aiobotocore", where, "is no coroutine")
    found = list(inspect.signature(function).parameters)
    assert found == expected, changed(
        "aiobotocore", where, f"takes ({', '.join(found)}), not ({', '.join(expected)})"
    )


def new_client(**config: Any) -> Any:
    return aiobotocore.session.get_session().create_client(
        "glacier",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config) if config else None,
    )


class Body:
    """Only what the async door's response body offers: aiohttp's reads."""

    def __init__(self, data: bytes, url: str = "https://example.com/") -> None:
        self._data = data
        self.url = url

    @property
    def content(self) -> Body:
        return self

    async def read(self, n: int = -1) -> bytes:
        data, self._data = (self._data, b"") if n < 0 else (self._data[:n], self._data[n:])
        return data

    def at_eof(self) -> bool:
        return not self._data

    def close(self) -> None:
        self._data = b""

    async def __aenter__(self) -> Body:
        return self

    async def __aexit__(self, *_: Any) -> None:
        self.close()


def test_aio_endpoint_do_get_response() -> None:
    expect_coroutine(*compat.DO_GET_RESPONSE, ["self", "request", "operation_model", "context"])


def test_aio_client_creator_create_client() -> None:
    expected = ["self", "service_name", "region_name", "is_secure", "endpoint_url", "verify"]
    expected += ["credentials", "scoped_config", "api_version", "client_config", "auth_token"]
    expect_coroutine(*compat.CREATE_CLIENT, expected)


def test_aio_endpoint_needs_retry() -> None:
    expected = ["self", "attempts", "operation_model", "request_dict", "response"]
    expect_coroutine(*compat.NEEDS_RETRY, [*expected, "caught_exception"])


def test_aio_token_bucket_acquire_refill_and_sleep_amount() -> None:
    expect_coroutine(*compat.ACQUIRE, ["self", "amount", "block"])

    class Clock:
        now = 100.0

        def current_time(self) -> float:
            return self.now

    clock = Clock()
    bucket = compat.AsyncTokenBucket(max_rate=2, clock=clock)
    try:
        bucket._refill()
        bucket._current_capacity = 0
        shortfall = token_shortfall(bucket, 1)
        clock.now += shortfall
        later = token_shortfall(bucket, 1)
    except (AttributeError, TypeError) as error:
        pytest.fail(changed("aiobotocore", "AsyncTokenBucket._refill/_sleep_amount", str(error)))
    assert shortfall == pytest.approx(0.5) and later == pytest.approx(0), changed(
        "aiobotocore", "AsyncTokenBucket._refill/_sleep_amount", "measure the wait otherwise"
    )


@pytest.mark.asyncio
async def test_aio_endpoint_event_emitter_and_needs_retry_event() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    def record(event_name: str, **details: Any) -> None:
        seen.append((event_name, details))

    def answer(request: Any, **_: Any) -> Any:
        return compat.AioAWSResponse(request.url, 500, {"content-length": "2"}, Body(b"{}"))

    async with new_client(retries={"mode": "standard", "max_attempts": 1}) as client:
        assert event_emitter(client._endpoint) is client.meta.events, changed(
            "aiobotocore", "AioEndpoint._event_emitter", "is no longer the client's emitter"
        )
        client.meta.events.register_first("before-send.glacier", answer)
        client.meta.events.register("needs-retry.glacier.ListVaults", record)
        with pytest.raises(Exception):  # noqa: B017 - the 500 itself is not what is tested
            await client.list_vaults()
        operation = client.meta.service_model.operation_model("ListVaults")
        expected_name, expected = needs_retry_event(
            client._endpoint, 1, operation, None, None, None
        )
    assert seen, changed("aiobotocore", "the needs-retry event", "is no longer emitted")
    name, details = seen[0]
    assert (name, set(details)) == (expected_name, set(expected)), changed(
        "aiobotocore", "the needs-retry event", f"is {name!r} with {sorted(details)}"
    )


@pytest.mark.asyncio
async def test_aio_response_reads_raw_as_aiohttp_response() -> None:
    response = compat.AioAWSResponse("https://example.com/", 200, {}, Body(b"abc" * 4))
    assert isinstance(response, AWSResponse)
    content = await response.content
    assert content == b"abc" * 4, changed(
        "aiobotocore", "AioAWSResponse.content", "no longer awaits raw.read()"
    )
    body = StreamingBody(Body(b"abcdef"), 6)
    assert (await body.read(4), await body.read()) == (b"abcd", b"ef"), changed(
        "aiobotocore", "StreamingBody", "no longer reads raw.content.read(n)"
    )


def test_aiohttp_resends_idempotent_methods_after_a_reset() -> None:
    import aiohttp.client

    methods = getattr(aiohttp.client, "IDEMPOTENT_METHODS", None)
    assert methods is not None and set(methods) == compat.RESENT_AFTER_RESET, changed(
        "aiohttp", "client.IDEMPOTENT_METHODS", f"is {methods!r}"
    )


def test_aiohttp_client_payload_error_is_a_short_body() -> None:
    error = compat.cut_short(2, 6)
    assert isinstance(error, aiohttp.ClientPayloadError), changed(
        "aiohttp", "ClientPayloadError", "is gone"
    )
    assert "received 2 of 6 bytes" in str(error)


@pytest.mark.parametrize("value", ["two\nlines", "carriage\rreturn", "folded\r\n more", "nul\x00"])
def test_aiohttp_refuses_control_characters_in_header_values(value: str) -> None:
    with pytest.raises(ValueError, match=r"control character|[Nn]ewline"):
        compat.refuse_unsendable({"x-amz-archive-description": value})
    compat.refuse_unsendable({"x-amz-archive-description": "tab\tand café"})
