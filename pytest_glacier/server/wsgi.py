"""The WSGI front door: environ in, core Request to ``GlacierService.handle``, Response out.

Any WSGI server can host it; ``doors/server.py`` (through ``doors/gateway.py``) is the one
we ship. The admin routes (``/_pytest_glacier/<route>``) go to the admin endpoint; every other
path, under that prefix or not, goes to the service, so it is answered as the in-process
doors answer it.
The app answers whichever double ``current()`` names at request time, so one server can
serve a fresh double per test. A transport fault is left in the environ for the server to
enact (``NETWORK_FAULT_KEY``); another WSGI server answers normally.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote

from ..core.http import Request
from . import admin
from .status import status_line

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

    from ..simulator import Glacier

#: environ keys in which servers pass the undecoded request target (ours sets RAW_URI)
_RAW_TARGET_KEYS = ("RAW_URI", "REQUEST_URI")
#: where the app leaves a transport fault (``NetworkFault``) for the server to enact
NETWORK_FAULT_KEY = "pytest_glacier.network_fault"


class GlacierApp:
    """A WSGI application answering Glacier requests from the double ``current()`` returns."""

    def __init__(self, current: Callable[[], Glacier]) -> None:
        self._current = current

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        double = self._current()
        request = to_request(environ)
        if admin.is_admin_path(request.path):
            port = environ.get("SERVER_PORT")
            response = admin.handle(
                double,
                request,
                port=int(port) if port and str(port).isdigit() else None,
                token=double.config.admin_token,
            )
        else:
            response = double.service.handle(request)
        if response.network is not None:
            environ[NETWORK_FAULT_KEY] = response.network
        start_response(status_line(response.status), list(response.headers.items()))
        return response.chunks()


def to_request(environ: WSGIEnvironment) -> Request:
    """The core request; the body stays a stream the core reads when it needs it."""
    return Request(
        environ["REQUEST_METHOD"].upper(),
        raw_path(environ),
        dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)),
        request_headers(environ),
        request_body(environ),
    )


def raw_path(environ: WSGIEnvironment) -> str:
    """The still percent-encoded path, so an encoded ``/`` never splits a segment."""
    for key in _RAW_TARGET_KEYS:
        target = environ.get(key)
        if target:
            return str(target).partition("?")[0]
    return quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/-_.~:@")


def request_headers(environ: WSGIEnvironment) -> dict[str, str]:
    """Lower-case header names, as the core keeps them."""
    headers = {
        key[5:].replace("_", "-").lower(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = str(environ[key])
    return headers


def request_body(environ: WSGIEnvironment) -> Any:
    """``wsgi.input`` itself when the server ends it at the body's end, else the body read."""
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):
        return stream
    length = environ.get("CONTENT_LENGTH")
    return stream.read(int(length)) if length else b""
