"""The plain request and response objects every front door converts to and from."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, TypeAlias
from urllib.parse import parse_qsl, unquote

Body: TypeAlias = "bytes | bytearray | memoryview | IO[bytes]"
Headers: TypeAlias = "Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]]"
_UNPARSED: Any = object()


def lower_keys(headers: Headers) -> dict[str, str]:
    """Header names are case-insensitive; the core keeps them lower-case."""
    items = headers.items() if isinstance(headers, Mapping) else headers
    return {str(k).lower(): v if isinstance(v, str) else v.decode("latin-1") for k, v in items}


@dataclass(eq=False)
class Request:
    """One HTTP request as the service sees it.

    ``path`` is the raw (still percent-encoded) path, so that an encoded ``/`` inside a vault
    name or archive id never splits a segment. ``headers`` keys are lower-case.
    """

    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""
    _content: bytes | memoryview | None = field(default=None, repr=False)
    _json: Any = field(default=_UNPARSED, repr=False)

    @classmethod
    def from_url(
        cls, method: str, path_and_query: str, headers: Headers, body: Body = b""
    ) -> Request:
        path, _, query = path_and_query.partition("?")
        return cls(
            method.upper(),
            path,
            dict(parse_qsl(query, keep_blank_values=True)),
            lower_keys(headers),
            body,
        )

    @property
    def segments(self) -> list[str]:
        """Path segments, each percent-decoded after splitting."""
        path = self.path[1:] if self.path.startswith("/") else self.path
        return [unquote(s) if "%" in s else s for s in path.split("/")]

    def is_stream(self) -> bool:
        """The body is a file-like object not read yet (so it can be consumed piecewise)."""
        return self._content is None and not isinstance(self.body, bytes | bytearray | memoryview)

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes | memoryview]:
        """The body in pieces of at most ``size`` bytes; a stream body is read piecewise, once."""
        if not self.is_stream():
            view = memoryview(self.content())
            for start in range(0, len(view), size):
                yield view[start : start + size]
            return
        stream = self.body
        assert not isinstance(stream, bytes | bytearray | memoryview)
        self._content = b""  # consumed: a second reader must not see a partial body
        while piece := stream.read(size):
            yield piece

    def content(self) -> bytes | memoryview:
        """The whole body, read once; bytes-like bodies are used as they are, never copied."""
        if self._content is None:
            body = self.body
            if isinstance(body, (bytes, memoryview)):
                self._content = body
            elif isinstance(body, bytearray):
                self._content = memoryview(body)
            else:
                self._content = body.read() or b""
        return self._content

    def json(self) -> Any:
        """The body parsed as JSON, once (the call log and the handler both read it).

        ``None`` for a blank body; a malformed body raises ``ValueError`` every time it is read.
        """
        if self._json is _UNPARSED:
            text = bytes(self.content())
            try:
                # a body opening with "{" is UTF-8 (no BOM, no UTF-16/32): decoded here,
                # json skips its encoding detection
                readable = text.decode("utf-8", "surrogatepass") if text[:1] == b"{" else text
                self._json = json.loads(readable) if text.strip() else None
                if _SURROGATE_ESCAPE.search(text):
                    _check_text(self._json)
            except (ValueError, UnicodeDecodeError) as exc:
                self._json = ValueError(str(exc))
            except RecursionError:
                self._json = ValueError("the document is nested too deeply")
        if isinstance(self._json, ValueError):
            raise self._json
        return self._json


#: a ``\\uD800``-``\\uDFFF`` escape: JSON can spell a lone surrogate, which is not text
_SURROGATE_ESCAPE = re.compile(rb"\\[uU][dD][89a-fA-F]")


def _check_text(document: Any) -> None:
    """ValueError when a string of ``document`` holds a lone surrogate (not valid Unicode)."""
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("a string holds a lone surrogate: it is not valid Unicode") from None


#: the transport faults a front door can enact
NETWORK_KINDS = ("reset", "timeout", "truncate")


@dataclass(frozen=True)
class NetworkFault:
    """A fault below HTTP that the front door enacts on this response.

    ``reset``: the connection drops before an answer (the request was not handled);
    ``timeout``: the request was handled, but the client never gets the answer;
    ``truncate``: the body ends after ``after_bytes`` bytes.
    """

    kind: str
    after_bytes: int = 0


@dataclass(eq=False)
class Response:
    """Status, lower-case headers and a body that is bytes or a stream of chunks."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | memoryview | Iterable[bytes] = b""
    #: the error code when this is an error response, for the call log
    error_code: str | None = None
    #: what the door must do to the connection instead of (or while) answering
    network: NetworkFault | None = None

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The body as chunks of at most ``size`` bytes, slicing without copying the whole."""
        body = self.body
        if isinstance(body, bytes | memoryview):
            view = memoryview(body)
            for start in range(0, len(view), size):
                yield bytes(view[start : start + size])
        else:
            yield from body
