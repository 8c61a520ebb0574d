"""The HTTP status line text (``"404 Not Found"``) shared by the WSGI app and the server."""

from __future__ import annotations

from http import HTTPStatus


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"
