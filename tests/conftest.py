"""Shared helpers for the suite: a client that never retries, and error assertions."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from pytest_glacier import Glacier


@pytest.fixture
def client(glacier: Glacier) -> Any:
    """A botocore client of the double that never retries (one attempt per call)."""
    # botocore's ``max_attempts`` counts retries (1 would mean two attempts); this counts all
    return glacier.client(config=Config(retries={"total_max_attempts": 1, "mode": "standard"}))


@pytest.fixture
def vault(client: Any) -> str:
    client.create_vault(vaultName="vault")
    return "vault"


@pytest.fixture
def raises_glacier() -> Any:
    """``with raises_glacier(code, status, message):`` asserts an AWS-shaped error exactly."""

    def check(code: str, status: int, message: str | None = None) -> Any:
        return _Raises(code, status, message)

    return check


class _Raises:
    def __init__(self, code: str, status: int, message: str | None) -> None:
        self.code, self.status, self.message = code, status, message
        self.response: dict[str, Any] = {}

    def __enter__(self) -> _Raises:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        __tracebackhide__ = True
        if exc is None:
            pytest.fail(f"expected {self.code} ({self.status}), but the call succeeded")
        if not isinstance(exc, ClientError):
            return False
        error = exc.response["Error"]
        self.response = exc.response
        assert (error["Code"], exc.response["ResponseMetadata"]["HTTPStatusCode"]) == (
            self.code,
            self.status,
        ), error
        if self.message is not None:
            assert error["Message"] == self.message
        return True
