"""Fixtures of the async-client tests: each client-using test runs with aiobotocore's own
session and with aioboto3's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from async_clients.aio_support import KINDS, new_client, one_attempt

from pytest_glacier import Glacier


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Which library makes the client: each test runs with both."""
    pytest.importorskip(request.param)
    return str(request.param)


@pytest_asyncio.fixture
async def aio(glacier: Glacier, kind: str) -> AsyncIterator[Any]:
    """An async glacier client made while the double is active (standard retries)."""
    async with new_client(kind) as client:
        yield client


@pytest_asyncio.fixture
async def once(glacier: Glacier, kind: str) -> AsyncIterator[Any]:
    """An async glacier client that makes one attempt per call."""
    async with new_client(kind, config=one_attempt()) as client:
        yield client
