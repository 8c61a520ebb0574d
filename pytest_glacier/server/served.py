"""The double a ``GlacierServer`` answers with: what the ``glacier_server`` fixture yields.

It has every controller method of ``glacier``; its ``client()`` talks to the server, and
while it is active ``AWS_ENDPOINT_URL_GLACIER`` points there (unless already set). No
in-process door is opened: requests must really cross the socket.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..config import GlacierConfig
from ..simulator import FAKE_CREDENTIALS, Glacier

#: variables that would make a subprocess sign with other credentials or another profile
_FOREIGN_AWS_ENV = frozenset(
    {
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_ROLE_ARN",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
    }
)


class ServedGlacier(Glacier):
    """A double answered over HTTP by a ``GlacierServer``: the ``glacier_server`` fixture."""

    def __init__(
        self,
        config: GlacierConfig,
        *,
        endpoint_url: str | Callable[[], str],
        scope: str = "",
    ) -> None:
        """``endpoint_url`` is the server's URL, or a callable giving it once it is known
        (a server bound to port 0 learns its port when started)."""
        super().__init__(config, scope=scope)
        self._endpoint = endpoint_url

    @property
    def endpoint_url(self) -> str:
        endpoint = self._endpoint
        return endpoint if isinstance(endpoint, str) else endpoint()

    @property
    def env(self) -> dict[str, str]:
        """An environment for subprocesses: this one, pointed at the server, fake credentials."""
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_AWS_ENV}
        env.update(
            FAKE_CREDENTIALS,
            AWS_ENDPOINT_URL_GLACIER=self.endpoint_url,
            AWS_DEFAULT_REGION=self.region,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        )
        return env

    def client(self, region_name: str | None = None, **client_kwargs: Any) -> Any:
        client_kwargs.setdefault("endpoint_url", self.endpoint_url)
        return super().client(region_name, **client_kwargs)

    def _env_overrides(self) -> dict[str, str]:
        wanted = super()._env_overrides()
        if not os.environ.get("AWS_ENDPOINT_URL_GLACIER"):
            wanted["AWS_ENDPOINT_URL_GLACIER"] = self.endpoint_url
        return wanted

    def _open_doors(self) -> None:
        """The server is this double's door."""

    def _bind(self, client: Any) -> None:
        """Its clients talk to the server, which answers with whichever double it serves."""

    def _close_doors(self) -> None:
        """Nothing was opened."""
