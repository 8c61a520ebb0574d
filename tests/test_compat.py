"""One test per botocore, freezegun and responses internal that ``pytest_glacier._compat``
relies on: when a release moves or reshapes one, its test fails and says which name changed
and which module to update. (aiobotocore's: ``tests/async_clients/test_aio_compat.py``.)

Each test exercises the installed library directly, without a double active.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import re
import sys
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import botocore.session
import freezegun
import freezegun.api
import pytest
import requests
import requests.adapters
import responses
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import BotoCoreError
from botocore.response import StreamingBody

from pytest_glacier._compat import botocore as boto_compat
from pytest_glacier._compat import freezegun as freeze_compat
from pytest_glacier._compat import responses as responses_compat

UTC = dt.timezone.utc


def changed(library: str, name: str, detail: str) -> str:
    """The failure message: what changed, and where pytest_glacier names it."""
    version = sys.modules[library].__dict__.get("__version__", "?")
    return (
        f"{library} {version}: {name} {detail}; pytest_glacier relies on it through "
        f"pytest_glacier/_compat/{library}.py, which must be updated for this release"
    )


def parameters(owner: type, name: str) -> list[str]:
    function = getattr(owner, name, None)
    assert callable(function), f"no longer exists (on {owner.__module__}.{owner.__qualname__})"
    return list(inspect.signature(function).parameters)


def expect_method(library: str, owner: type, name: str, expected: list[str]) -> None:
    where = f"{owner.__qualname__}.{name}"
    try:
        found = parameters(owner, name)
    except AssertionError as error:
        pytest.fail(changed(library, where, str(error)))
    assert found == expected, changed(
        library, where, f"takes ({', '.join(found)}), not ({', '.join(expected)})"
    )


def glacier_client(**config: Any) -> Any:
    return botocore.session.Session().create_client(
        "glacier",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config) if config else None,
    )


def answer(status: int, body: bytes = b"{}") -> Callable[..., AWSResponse]:
    """A before-send handler answering every request with ``status``."""

    def handler(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, status, {"content-length": str(len(body))}, Raw(body))

    return handler


class Raw:
    """Only what the package's response bodies offer botocore: ``read`` and ``stream``."""

    def __init__(self, data: bytes, error: Exception | None = None) -> None:
        self._data = io.BytesIO(data)
        self._error = error

    def read(self, amt: int | None = None, decode_content: bool = True) -> bytes:
        if self._error is not None and amt is None:
            raise self._error
        return self._data.read(amt)

    def stream(self, amt: int = 1 << 16, decode_content: bool = True) -> Iterator[bytes]:
        while chunk := self.read(amt):
            yield chunk


# -- botocore ---------------------------------------------------------------------------------
def test_botocore_endpoint_do_get_response() -> None:
    owner, name = boto_compat.DO_GET_RESPONSE
    expect_method("botocore", owner, name, ["self", "request", "operation_model", "context"])


def test_botocore_endpoint_needs_retry() -> None:
    owner, name = boto_compat.NEEDS_RETRY
    expected = ["self", "attempts", "operation_model", "request_dict", "response"]
    expect_method("botocore", owner, name, [*expected, "caught_exception"])
    defaults = inspect.signature(getattr(owner, name)).parameters
    assert defaults["response"].default is None and defaults["caught_exception"].default is None, (
        changed("botocore", "Endpoint._needs_retry", "no longer defaults response and exception")
    )


def test_botocore_client_creator_create_client() -> None:
    owner, name = boto_compat.CREATE_CLIENT
    expected = ["self", "service_name", "region_name", "is_secure", "endpoint_url", "verify"]
    expected += ["credentials", "scoped_config", "api_version", "client_config", "auth_token"]
    expect_method("botocore", owner, name, expected)


def test_botocore_endpoint_event_emitter_is_the_clients() -> None:
    client = glacier_client()
    emitter = getattr(client._endpoint, "_event_emitter", None)
    assert emitter is not None, changed("botocore", "Endpoint._event_emitter", "is gone")
    assert boto_compat.event_emitter(client._endpoint) is client.meta.events, changed(
        "botocore", "Endpoint._event_emitter", "is no longer the client's event emitter"
    )


def test_botocore_needs_retry_event_name_and_keywords() -> None:
    client = glacier_client(retries={"mode": "standard", "max_attempts": 1})
    client.meta.events.register_first("before-send.glacier", answer(500))
    seen: list[tuple[str, dict[str, Any]]] = []

    def record(event_name: str, **details: Any) -> None:
        seen.append((event_name, details))

    client.meta.events.register("needs-retry.glacier.ListVaults", record)
    with pytest.raises(Exception):  # noqa: B017 - the 500 itself is not what is tested
        client.list_vaults()
    assert seen, changed("botocore", "the needs-retry event", "is no longer emitted")
    name, details = seen[0]
    operation = client.meta.service_model.operation_model("ListVaults")
    expected_name, expected = boto_compat.needs_retry_event(
        client._endpoint, 1, operation, None, None, None
    )
    assert name == expected_name, changed(
        "botocore", "the needs-retry event", f"is named {name!r}, not {expected_name!r}"
    )
    assert set(details) == set(expected), changed(
        "botocore", "the needs-retry event", f"has keywords {sorted(details)}"
    )
    assert details["endpoint"] is client._endpoint and details["attempts"] == 1


def test_botocore_first_non_none_response() -> None:
    def handler() -> None:
        """A stand-in for an event handler."""

    message = changed("botocore", "botocore.hooks.first_non_none_response", "answers otherwise")
    assert boto_compat.retry_delay([(handler, None), (handler, 0.5)]) == 0.5, message
    assert boto_compat.retry_delay([(handler, None)]) is None, message
    assert boto_compat.retry_delay([]) is None, message


def test_botocore_token_bucket_acquire() -> None:
    owner, name = boto_compat.ACQUIRE
    expect_method("botocore", owner, name, ["self", "amount", "block"])


def test_botocore_token_bucket_refill_and_sleep_amount() -> None:
    class Clock:
        now = 100.0

        def current_time(self) -> float:
            return self.now

    clock = Clock()
    try:
        bucket = boto_compat.TokenBucket(max_rate=2, clock=clock)
        bucket.acquire(amount=bucket.available_capacity, block=False)
        shortfall = boto_compat.token_shortfall(bucket, 1)
        clock.now += shortfall
        later = boto_compat.token_shortfall(bucket, 1)
    except (AttributeError, TypeError) as error:
        pytest.fail(changed("botocore", "TokenBucket._refill/_sleep_amount", f"fail: {error}"))
    assert shortfall == pytest.approx(0.5), changed(
        "botocore", "TokenBucket._sleep_amount", f"says {shortfall} s for 1 token at 2/s"
    )
    assert later == pytest.approx(0), changed(
        "botocore", "TokenBucket._refill", "does not refill from the bucket's clock"
    )


def test_botocore_headers_dict_internals() -> None:
    prepared = AWSRequest(
        "PUT", "https://glacier.us-east-1.amazonaws.com/-/vaults/v", headers={"X-Amz-Foo": "1"}
    ).prepare()
    headers = prepared.headers
    assert isinstance(getattr(headers, "_dict", None), dict), changed(
        "botocore", "HeadersDict._dict", "is gone (headers would be read the slow way)"
    )
    assert all(hasattr(key, "_lower") for key in headers._dict), changed(
        "botocore", "_HeaderKey._lower", "is gone (headers would be read the slow way)"
    )
    assert ("x-amz-foo", "1") in list(boto_compat.header_items(headers))


def test_botocore_reads_a_before_send_body_with_read_and_stream() -> None:
    response = AWSResponse("https://example.com/", 200, {}, Raw(b"abc" * 10))
    assert response.content == b"abc" * 10, changed(
        "botocore", "AWSResponse.content", "no longer reads raw.stream()"
    )
    body = StreamingBody(Raw(b"abcdef"), 6)
    assert (body.read(4), body.read()) == (b"abcd", b"ef"), changed(
        "botocore", "StreamingBody", "no longer reads raw.read(amt)"
    )


def test_botocore_turns_urllib3_short_read_into_its_own_error() -> None:
    body = StreamingBody(Raw(b"ab", error=boto_compat.short_read(2, 6)), 6)
    with pytest.raises(BotoCoreError) as raised:
        body.read()
    assert type(raised.value).__module__ == "botocore.exceptions", changed(
        "botocore", "StreamingBody.read", "no longer wraps urllib3's ProtocolError"
    )


# -- freezegun --------------------------------------------------------------------------------
def test_freezegun_freeze_factories_is_the_live_stack() -> None:
    stack = freeze_compat.factories()
    assert isinstance(stack, list), changed("freezegun", "api.freeze_factories", "is no list")
    assert stack == [], changed("freezegun", "api.freeze_factories", "is not empty unfrozen")
    with freezegun.freeze_time("2020-01-02 03:04:05"):
        assert len(stack) == 1, changed(
            "freezegun", "api.freeze_factories", "is not the live stack of freezes"
        )
        instant = stack[-1]()
        assert instant == dt.datetime(2020, 1, 2, 3, 4, 5), changed(
            "freezegun", "a freeze factory", f"gives {instant!r}, not the naive UTC instant"
        )
        stack[-1].tick(dt.timedelta(seconds=5))
        assert dt.datetime.now(UTC) == dt.datetime(2020, 1, 2, 3, 4, 10, tzinfo=UTC), changed(
            "freezegun", "a freeze factory's tick(delta)", "does not move frozen time"
        )
    assert stack == []


def test_freezegun_monotonic_is_the_frozen_timestamp() -> None:
    moment = dt.datetime(2021, 5, 6, 7, 8, 9, 250000, tzinfo=UTC)
    with freezegun.freeze_time(moment):
        monotonic = time.monotonic()
    assert monotonic == pytest.approx(freeze_compat.monotonic_at(moment), abs=1e-6), changed(
        "freezegun", "fake_monotonic", "is no longer the frozen instant's POSIX timestamp"
    )


def test_freezegun_get_cached_module_attributes() -> None:
    lister = getattr(freezegun.api, "_get_cached_module_attributes", None)
    assert callable(lister), changed("freezegun", "api._get_cached_module_attributes", "is gone")
    assert list(inspect.signature(lister).parameters) == ["module"], changed(
        "freezegun", "api._get_cached_module_attributes", "takes other parameters"
    )
    module = types.ModuleType("pytest_glacier_compat_probe")
    module.clock = time.time  # type: ignore[attr-defined]
    assert ("clock", time.time) in list(lister(module)), changed(
        "freezegun", "api._get_cached_module_attributes", "no longer lists (name, value) pairs"
    )
    assert freeze_compat.walk_can_be_narrowed(), changed(
        "freezegun", "api.sys / api._get_cached_module_attributes", "have another shape"
    )


def test_freezegun_real_time_object_ids_name_the_objects_its_walk_rebinds() -> None:
    ids = freeze_compat.real_time_ids()
    assert ids is not None, changed("freezegun", "api._real_time_object_ids", "is gone")
    for real in (time.time, time.monotonic, time.gmtime, dt.datetime, dt.date):
        assert id(real) in ids, changed(
            "freezegun", "api._real_time_object_ids", f"no longer holds {real!r}"
        )


@pytest.fixture
def probe() -> Iterator[types.ModuleType]:
    """A module holding the real ``time.time`` under a name of its own."""
    module = types.ModuleType("pytest_glacier_compat_probe")
    module.clock = time.time  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    yield module
    del sys.modules[module.__name__]


def test_freezegun_walk_reads_api_sys_and_the_attribute_lister(probe: types.ModuleType) -> None:
    listed: list[str] = []

    def attributes(module: types.ModuleType, original: Callable[[types.ModuleType], Any]) -> Any:
        listed.append(module.__name__)
        return original(module)

    real = time.time
    for view, patched in (({}, False), ({probe.__name__: probe}, True)):
        listed.clear()
        freezer = freezegun.freeze_time("2020-01-01")
        with freeze_compat.narrowed_walk(view, attributes):
            freezer.start()
        try:
            faked = probe.clock is not real
        finally:
            freezer.stop()
        assert faked is patched, changed(
            "freezegun", "the start() walk", "does not read sys.modules through api.sys"
        )
        assert listed == list(view), changed(
            "freezegun", "the start() walk", "does not list attributes through the lister"
        )
        assert freeze_compat.walk_can_be_narrowed()


def test_freezegun_freezer_ignore_undo_changes_and_modules_at_start(
    probe: types.ModuleType,
) -> None:
    freezer = freezegun.freeze_time("2020-01-01", ignore=["some_module"])
    assert "some_module" in freeze_compat.ignored(freezer), changed(
        "freezegun", "_freeze_time.ignore", "does not hold the ignored prefixes"
    )
    real = time.time
    freezer.start()
    try:
        assert (probe, "clock", real) in freeze_compat.rebound(freezer), changed(
            "freezegun", "_freeze_time.undo_changes", "does not list (module, name, real value)"
        )
        assert isinstance(freezer.modules_at_start, set), changed(
            "freezegun", "_freeze_time.modules_at_start", "is no set of module names"
        )
        late = types.ModuleType("pytest_glacier_compat_late")
        late.clock = time.time  # type: ignore[attr-defined]  # the fake, imported under freeze
        sys.modules[late.__name__] = late
        freeze_compat.saw_every_module(freezer)
        freezer.modules_at_start.discard(late.__name__)
    finally:
        freezer.stop()
        del_late = sys.modules.pop("pytest_glacier_compat_late", None)
    assert del_late is not None and del_late.clock is real, changed(
        "freezegun", "_freeze_time.stop()", "does not restore modules not in modules_at_start"
    )
    assert probe.clock is real


# -- responses --------------------------------------------------------------------------------
URL = "https://glacier.us-east-1.amazonaws.com/-/vaults"


def prepared(url: str) -> requests.PreparedRequest:
    return requests.Request("GET", url).prepare()


def test_responses_find_match() -> None:
    owner, name = responses_compat.FIND_MATCH
    expect_method("responses", owner, name, ["self", "request"])
    mock = responses.RequestsMock(assert_all_requests_are_fired=False)
    registered = mock.add(responses.GET, URL, body=b"[]")
    found = getattr(mock, name)(prepared(URL))
    missed = getattr(mock, name)(prepared(URL + "/other"))
    shape = "returns (match or None, reasons)"
    assert isinstance(found, tuple) and found[0] is registered, changed("responses", name, shape)
    assert isinstance(missed, tuple) and missed[0] is None, changed("responses", name, shape)
    assert isinstance(missed[1], list), changed("responses", name, shape)


def test_responses_real_adapter_send_and_pattern_passthru(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def send(adapter: Any, request: Any, **_: Any) -> requests.Response:
        sent.append(request.url)
        response = requests.Response()
        response.status_code = 204
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    try:
        mock = responses_compat.passing_mock(re.compile(""))
    except TypeError as error:
        pytest.fail(changed("responses", "RequestsMock(real_adapter_send=...)", str(error)))
    with mock:
        status = requests.get(URL).status_code
    assert (status, sent) == (204, [URL]), changed(
        "responses", "RequestsMock(real_adapter_send=...)", "does not pass on to that send"
    )


def test_responses_callback_body_may_be_a_buffered_reader() -> None:
    def callback(request: Any) -> tuple[int, dict[str, str], io.BufferedReader]:
        return 200, {"x-amz-foo": "1"}, io.BufferedReader(io.BytesIO(b"streamed"))

    with responses.RequestsMock() as mock:
        mock.add(responses.CallbackResponse("GET", URL, callback=callback, content_type=None))
        response = requests.get(URL, stream=True)
        body = b"".join(response.iter_content(3))
    assert (body, response.headers.get("x-amz-foo")) == (b"streamed", "1"), changed(
        "responses", "CallbackResponse", "no longer streams a BufferedReader body"
    )
