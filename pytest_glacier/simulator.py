"""The controller behind the ``glacier`` fixture and ``mock_glacier``."""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Mapping
from contextlib import ContextDecorator
from types import MappingProxyType, TracebackType
from typing import Any

from .config import GlacierConfig
from .records import Call
from .service.dispatch import GlacierService
from .service.state import Archive, Backend, Vault

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAPYTESTGLACIER000",
    "AWS_SECRET_ACCESS_KEY": "pytest-glacier-fake-secret-key",
}


class InternalError(AssertionError):
    """A bug inside the double surfaced as a test failure, never as a service fault."""


class Glacier(ContextDecorator):
    """A running Glacier double: make clients, move time, inspect state, inject faults.

    Exposed so tests can annotate the fixture; build it with ``mock_glacier(**config)``.
    """

    def __init__(self, config: GlacierConfig, *, scope: str = "") -> None:
        self.config = config
        self.backend = Backend(config, scope)
        self.service = GlacierService(self.backend)
        self._saved_env: dict[str, str | None] = {}
        self._active = False

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Glacier:
        from .doors import botocore_door

        if self._active:
            raise RuntimeError("this Glacier double is already active")
        self.backend.clock.start()
        self._set_env()
        botocore_door.activate(self.service)
        self._active = True
        return self

    def stop(self) -> None:
        from .doors import botocore_door

        if not self._active:
            return
        self._active = False
        botocore_door.deactivate(self.service)
        self._restore_env()
        self.backend.clock.stop()

    def __enter__(self) -> Glacier:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        if exc_type is None:
            self.check()

    def check(self) -> None:
        """Raise if the double itself failed while answering a request."""
        __tracebackhide__ = True
        if self.service.internal_errors:
            errors = "\n".join(self.service.internal_errors)
            raise InternalError(f"pytest_glacier raised while answering a request:\n{errors}")

    def _set_env(self) -> None:
        wanted = dict(FAKE_CREDENTIALS) if not os.environ.get("AWS_ACCESS_KEY_ID") else {}
        wanted.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        if not os.environ.get("AWS_DEFAULT_REGION"):
            wanted["AWS_DEFAULT_REGION"] = self.config.region
        for key, value in wanted.items():
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = value

    def _restore_env(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()

    # -- clients -----------------------------------------------------------------------------
    def client(self, region_name: str | None = None, **client_kwargs: Any) -> Any:
        """A botocore glacier client with fake static credentials (no credential lookup)."""
        client_kwargs.setdefault("aws_access_key_id", FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"])
        client_kwargs.setdefault("aws_secret_access_key", FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        return _shared_session().create_client(
            "glacier", region_name=region_name or self.config.region, **client_kwargs
        )

    # -- identity and time -------------------------------------------------------------------
    @property
    def account_id(self) -> str:
        return self.config.account_id

    @property
    def region(self) -> str:
        return self.config.region

    def now(self) -> dt.datetime:
        return self.backend.now()

    def advance(
        self,
        delta: dt.timedelta | None = None,
        *,
        seconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
    ) -> list[dict[str, Any]]:
        """Move simulated time forward; returns the jobs that completed (DescribeJob dicts)."""
        step = (delta or dt.timedelta()) + dt.timedelta(
            seconds=seconds, minutes=minutes, hours=hours, days=days
        )
        with self.backend.lock:
            self.backend.clock.advance(step)
        return []

    # -- observation -------------------------------------------------------------------------
    @property
    def calls(self) -> tuple[Call, ...]:
        """Every request answered, in order (each retry attempt separately)."""
        return tuple(self.service.calls)

    def vaults(self, region: str | None = None) -> Mapping[str, Vault]:
        """Read-only view of the vaults of ``region`` (default: the configured one)."""
        return MappingProxyType(self.backend.region_state(region or self.region).vaults)

    def archives(self, vault_name: str, region: str | None = None) -> Mapping[str, Archive]:
        """Read-only view of one vault's archives (bytes in ``.data``, ``.tree_hash``)."""
        return MappingProxyType(self.vaults(region)[vault_name].archives)


@functools.cache
def _shared_session() -> Any:
    """One botocore session for all controllers: its loader caches the parsed service model."""
    import botocore.session

    return botocore.session.Session()


def mock_glacier(**config: Any) -> Glacier:
    """The double as a context manager or decorator, for code outside pytest."""
    __tracebackhide__ = True
    return Glacier(GlacierConfig.build(**config))


__all__ = ["Glacier", "InternalError", "mock_glacier"]
