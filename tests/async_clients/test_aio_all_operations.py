"""Every one of the 33 operations answers an async client exactly as it answers botocore.

The suite's own tables (``tests/test_all_operations.py``: one success and one error per
operation) run twice, each time in a fresh double with the same seed and scope: once through
a botocore client, once through an async one. The parsed answers must be equal in full
(status, headers, request ids, archive / job / upload / lock ids, tree hashes, error codes,
messages and bodies), and so must the two doubles' call records.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from async_clients.aio_support import new_client, one_attempt
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_glacier import Glacier, mock_glacier

pytest.importorskip("aiobotocore")

# the tables of tests/test_all_operations.py (tests/ is on sys.path, as for its ``support``)
import test_all_operations as tables

pytestmark = pytest.mark.timeout(60)


class Blocking:
    """An async client behind the tables' plain calls: its own loop runs in a thread started
    while the double is active, and each call is awaited there to completion."""

    def __init__(self, kind: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="client loop")
        self._thread.start()
        self._context = new_client(kind, config=one_attempt())
        self._client = self._await(self._context.__aenter__())
        self.exceptions = self._client.exceptions

    def _await(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        method = getattr(self._client, operation)

        def call(**params: Any) -> Any:
            answer = self._await(method(**params))
            if "body" in answer:
                answer["body"] = self._await(answer["body"].read())
            return answer

        return call

    def close(self) -> None:
        self._await(self._context.__aexit__(None, None, None))
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._loop.close()


class Plain:
    """A botocore client with the same single attempt, streaming bodies read the same way."""

    def __init__(self, glacier: Glacier) -> None:
        self._client = glacier.client(
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"})
        )
        self.exceptions = self._client.exceptions

    def __getattr__(self, operation: str) -> Callable[..., Any]:
        method = getattr(self._client, operation)

        def call(**params: Any) -> Any:
            answer = method(**params)
            if "body" in answer:
                answer["body"] = answer["body"].read()
            return answer

        return call

    def close(self) -> None:
        self._client.close()


def outcome(make: Callable[[Glacier], Any], run: tables.Call) -> tuple[Any, list[Any]]:
    """What ``run`` gets from a fresh double through ``make``'s client, and the calls made."""
    with mock_glacier() as glacier:
        client = make(glacier)
        try:
            answer: Any = run(client, glacier)
        except ClientError as error:
            answer = (type(error).__name__, error.response)
        finally:
            client.close()
        calls = [(c.operation, c.status, c.error_code, c.request_id) for c in glacier.calls]
    return answer, calls


@pytest.mark.parametrize("operation", sorted(tables.MODEL_OPERATIONS))
@pytest.mark.parametrize("table", ["success", "error"])
def test_an_async_client_gets_botocores_answer(kind: str, table: str, operation: str) -> None:
    run = tables.SUCCESS[operation] if table == "success" else tables.ERRORS[operation][1]
    expected, expected_calls = outcome(Plain, run)
    answer, calls = outcome(lambda _: Blocking(kind), run)
    assert answer == expected
    assert calls == expected_calls
    if table == "error":
        assert answer[1]["Error"]["Code"] == tables.ERRORS[operation][0]
