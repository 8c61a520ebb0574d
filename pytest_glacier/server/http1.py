"""Strict HTTP/1.1 request framing for the local server (RFC 9112), with bounded reads.

``read_head`` reads a request line and its header block and decides how the body is framed;
``ChunkedReader`` decodes a ``Transfer-Encoding: chunked`` body piece by piece. Anything the
grammar does not allow raises ``FramingError``: the server then answers 400 and closes,
because where one message ends is no longer certain. The rules, each one RFC 9112's:

* one framing per message: ``Content-Length`` and ``Transfer-Encoding`` together are refused;
* ``Content-Length`` is ASCII digits only, and every copy of it says the same;
* ``Transfer-Encoding`` is exactly ``chunked``; chunk sizes are hex digits only, bounded;
* no whitespace before a header's colon, no obsolete line folding, no control characters;
* limits on the request line, on each header line, on the header block and on the count.

Header names are lower-cased; values are decoded as Latin-1 (every byte kept, as WSGI does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

#: the longest request line (method, target, version) accepted
MAX_REQUEST_LINE = 16 * 1024
#: the longest single header line accepted
MAX_HEADER_LINE = 16 * 1024
#: the whole header block (or trailer block) at most this many bytes
MAX_HEADER_BYTES = 64 * 1024
#: at most this many header fields (or trailer fields)
MAX_HEADERS = 100
#: the longest chunk-size line (with its extensions)
MAX_CHUNK_LINE = 4096
#: empty lines tolerated before a request line (RFC 9112 2.2: SHOULD ignore at least one)
MAX_LEADING_EMPTY = 4

_TOKEN = rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_REQUEST_LINE = re.compile(rb"(" + _TOKEN + rb") ([\x21-\x7e]+) HTTP/([0-9])\.([0-9])")
_HEADER = re.compile(
    rb"(" + _TOKEN + rb"):[ \t]*((?:[\x21-\x7e\x80-\xff](?:[ \t\x21-\x7e\x80-\xff]*"
    rb"[\x21-\x7e\x80-\xff])?)?)[ \t]*"
)
_DIGITS = re.compile(rb"[0-9]{1,19}")
_CHUNK_LINE = re.compile(
    rb"([0-9A-Fa-f]{1,16})((?:[ \t]*;[ \t]*"
    + _TOKEN
    + rb"(?:[ \t]*=[ \t]*(?:"
    + _TOKEN
    + rb'|"[^"\\\r\n]*"))?)*)[ \t]*'
)


class FramingError(ValueError):
    """The message cannot be read as HTTP/1.1: answer 400 and close the connection."""


@dataclass
class Head:
    """A request line and its headers, with the body's framing decided."""

    method: str
    target: str
    version: str
    #: (lower-case name, value) in the order received
    headers: list[tuple[str, str]]
    #: the declared body length, or None when chunked
    length: int | None
    chunked: bool

    def get(self, name: str) -> str | None:
        """The first value of header ``name`` (lower-case), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def values(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key == name]


def _line(rfile: BinaryIO, limit: int, what: str) -> bytes:
    """One line without its end (CRLF, or a bare LF as RFC 9112 allows); b"" at EOF."""
    line = rfile.readline(limit + 1)
    if not line:
        return b""
    if len(line) > limit or not line.endswith(b"\n"):
        if len(line) > limit:
            raise FramingError(f"the {what} is longer than {limit} bytes")
        raise FramingError(f"the connection ended inside the {what}")
    line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
    if b"\r" in line:
        raise FramingError(f"a bare CR in the {what}")
    return line


def read_head(rfile: BinaryIO) -> Head | None:
    """The next request's head, None when the client closed the connection between requests."""
    for _ in range(MAX_LEADING_EMPTY + 1):
        raw = rfile.readline(MAX_REQUEST_LINE + 1)
        if not raw:
            return None
        if raw not in (b"\r\n", b"\n"):
            break
    else:
        raise FramingError("too many empty lines before the request line")
    if len(raw) > MAX_REQUEST_LINE:
        raise FramingError(f"the request line is longer than {MAX_REQUEST_LINE} bytes")
    if not raw.endswith(b"\n"):
        raise FramingError("the connection ended inside the request line")
    line = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
    match = _REQUEST_LINE.fullmatch(line)
    if match is None:
        raise FramingError(f"malformed request line: {_shown(line)}")
    method, target, major, minor = match.groups()
    if (major, minor) not in ((b"1", b"1"), (b"1", b"0")):
        raise FramingError(f"HTTP version {major.decode()}.{minor.decode()} is not supported")
    version = "HTTP/1.1" if minor == b"1" else "HTTP/1.0"
    headers = read_fields(rfile, "header")
    return _framed(method.decode(), target.decode("ascii"), version, headers)


def read_fields(rfile: BinaryIO, what: str) -> list[tuple[str, str]]:
    """A header (or trailer) block up to its empty line, within the limits."""
    fields: list[tuple[str, str]] = []
    total = 0
    while True:
        line = _line(rfile, MAX_HEADER_LINE, f"{what} block")
        total += len(line) + 2
        if total > MAX_HEADER_BYTES:
            raise FramingError(f"the {what} block is larger than {MAX_HEADER_BYTES} bytes")
        if not line:
            return fields
        if line[:1] in (b" ", b"\t"):
            raise FramingError(f"obsolete line folding in the {what} block")
        match = _HEADER.fullmatch(line)
        if match is None:
            raise FramingError(f"malformed {what} line: {_shown(line)}")
        if len(fields) >= MAX_HEADERS:
            raise FramingError(f"more than {MAX_HEADERS} {what} fields")
        fields.append((match.group(1).decode().lower(), match.group(2).decode("latin-1")))


def _framed(method: str, target: str, version: str, headers: list[tuple[str, str]]) -> Head:
    encodings = [value for name, value in headers if name == "transfer-encoding"]
    lengths = [value for name, value in headers if name == "content-length"]
    if encodings:
        if lengths:
            raise FramingError("both Content-Length and Transfer-Encoding: one framing only")
        if version == "HTTP/1.0":
            raise FramingError("Transfer-Encoding in an HTTP/1.0 request")
        if len(encodings) != 1 or encodings[0].strip().lower() != "chunked":
            raise FramingError(
                f"Transfer-Encoding must be exactly 'chunked', got {', '.join(encodings)!r}"
            )
        return Head(method, target, version, headers, None, True)
    declared: set[bytes] = set()
    for value in lengths:
        for part in value.encode("latin-1").split(b","):
            part = part.strip(b" \t")
            if _DIGITS.fullmatch(part) is None:
                raise FramingError(f"Content-Length must be ASCII digits, got {_shown(part)}")
            declared.add(part.lstrip(b"0") or b"0")
    if len(declared) > 1:
        raise FramingError("Content-Length values disagree")
    length = int(declared.pop()) if declared else 0
    return Head(method, target, version, headers, length, False)


class ChunkedReader:
    """The data of a chunked body, piece by piece; at most ``limit`` bytes in all."""

    def __init__(self, rfile: BinaryIO, limit: int) -> None:
        self._rfile = rfile
        self._limit = limit
        self._left_in_chunk = 0
        self._total = 0
        self.done = False

    def prime(self) -> None:
        """Read the first chunk-size line now, so a malformed one is refused before the app."""
        if not self.done and self._left_in_chunk == 0 and self._total == 0:
            self._next_chunk()

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes of data; b"" at the body's end. FramingError when malformed."""
        if self.done or size == 0:
            return b""
        if self._left_in_chunk == 0:
            self._next_chunk()
            if self.done:
                return b""
        data = self._rfile.read(min(size, self._left_in_chunk))
        if not data:
            raise FramingError("the connection ended inside a chunk")
        self._left_in_chunk -= len(data)
        self._total += len(data)
        if self._left_in_chunk == 0 and self._rfile.readline(3) not in (b"\r\n", b"\n"):
            raise FramingError("a chunk is longer than its size")
        return data

    def _next_chunk(self) -> None:
        line = _line(self._rfile, MAX_CHUNK_LINE, "chunk-size line")
        match = _CHUNK_LINE.fullmatch(line)
        if match is None:
            raise FramingError(f"malformed chunk-size line: {_shown(line)}")
        chunk = int(match.group(1), 16)
        if chunk == 0:
            read_fields(self._rfile, "trailer")
            self.done = True
            return
        if self._total + chunk > self._limit:
            raise BodyTooLarge(self._total + chunk)
        self._left_in_chunk = chunk


class BodyTooLarge(FramingError):
    """A chunked body declared more than its operation takes."""

    def __init__(self, size: int) -> None:
        super().__init__(f"the chunked body declares at least {size} bytes")
        self.size = size


def _shown(data: bytes) -> str:
    text = repr(data[:80])[2:-1]
    return f"'{text}...'" if len(data) > 80 else f"'{text}'"
