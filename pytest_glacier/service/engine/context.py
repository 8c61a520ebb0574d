"""What a handler gets: the request, its route parameters and the state it may touch."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...core.errors import GlacierError, not_found
from ...core.http import NetworkFault, Request, Response
from ...core.routes import SUCCESS_STATUS
from .state import Backend, RegionState, Vault
from .validation import without_nulls

#: ``Context.document`` before the body was read
UNREAD: Any = object()


def read_document(request: Request) -> Any:
    """The JSON body without its null members, or the error that reading it raised."""
    try:
        document = request.json()
        content = request.content()
        # JSON spells null only as these four bytes: a body without them has nothing to drop
        if isinstance(content, bytes) and b"null" not in content:
            return document
        return without_nulls(document)
    except (ValueError, RecursionError) as error:
        return error


@dataclass(eq=False)
class Context:
    request: Request
    operation: str
    params: dict[str, str]
    backend: Backend
    region: RegionState
    #: a transport fault to enact on the answer, once the handler ran
    network: NetworkFault | None = None
    #: simulated latency the fault rules add before the request is served
    latency: dt.timedelta = dt.timedelta()
    #: set by the fault rules when a new job may be failed: DescribeJob dict -> StatusMessage
    fail_job: Callable[[dict[str, Any]], str | None] | None = None
    #: the request's instant, read from the clock once (again only after injected latency)
    _now: dt.datetime | None = None
    #: the JSON body as the service reads it (``read_document``), read once per request
    document: Any = UNREAD

    @property
    def account_id(self) -> str:
        return self.region.account_id

    def now(self) -> dt.datetime:
        now = self._now
        if now is None:
            now = self._now = self.backend.now()
        return now

    def clock_moved(self) -> None:
        self._now = None

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)

    def vault_arn(self, name: str | None = None) -> str:
        return self.region.arn(self.params["vaultName"] if name is None else name)

    def vault(self) -> Vault:
        """The vault named in the path, or the service's 404."""
        name = self.params["vaultName"]
        vault = self.region.vaults.get(name)
        if vault is None:
            raise not_found(f"Vault not found for ARN: {self.vault_arn(name)}")
        return vault

    def json_body(self) -> Any:
        """The parsed JSON body, ``None`` when empty; malformed JSON is a SerializationException.

        Members whose value is ``null`` are absent, as the service reads them
        (``validation.without_nulls``).
        """
        if self.document is UNREAD:
            self.document = read_document(self.request)
        document = self.document
        if isinstance(document, RecursionError):
            raise GlacierError(
                "SerializationException", "Malformed JSON body: the document is nested too deeply"
            )
        if isinstance(document, ValueError):
            raise GlacierError("SerializationException", f"Malformed JSON body: {document}")
        return document

    def reply(
        self,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        json_text: bytes | None = None,
        status: int | None = None,
    ) -> Response:
        """The operation's success response (its documented status unless told otherwise).

        ``json_body`` is encoded here; ``json_text`` is a body already encoded as JSON.
        """
        out = dict(headers or {})
        body = b""
        if isinstance(json_body, dict):  # null members are omitted, as the service does
            json_body = {key: value for key, value in json_body.items() if value is not None}
        if json_body is not None:
            json_text = json.dumps(json_body, separators=(",", ":")).encode()
        if json_text is not None:
            body = json_text
            out["content-type"] = "application/json"
        return Response(SUCCESS_STATUS[self.operation] if status is None else status, out, body)


Handler = Callable[[Context], Response]
