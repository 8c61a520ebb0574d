"""The admin endpoint of the local server: JSON in and out under ``/_pytest_glacier/``.

It lets a test that is not Python (or runs in another process) drive the double the way the
``glacier`` fixture does: move the clock, inject faults, read notifications, calls and the
timeline, reset. Every route calls the controller's own public method; nothing here knows
Glacier rules.

Only the route names of ``ROUTES`` are admin paths (``is_admin_path``); any other path under
the prefix is an ordinary Glacier request, answered as every door answers it. Admin requests
are guarded (``guard``) so that a web page open in a browser cannot drive a running server:
a request carrying a browser's ``Origin`` (or ``Sec-Fetch-Site``) header, or a ``Host``
that is not the server's own address (DNS rebinding), is refused with 403; a ``POST`` must
say ``Content-Type: application/json`` (a browser cannot send that cross-origin without a
preflight, which this endpoint never grants); and when an admin token is configured
(``admin_token``, ``--admin-token``), each request must carry it.
"""

from __future__ import annotations

import base64
import dataclasses
import hmac
import ipaddress
import json
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core.clock import iso_ms
from ..core.http import Request, Response

if TYPE_CHECKING:
    from ..simulator import Glacier

PREFIX = "/_pytest_glacier/"
ADVANCE_KEYS = ("seconds", "minutes", "hours", "days")
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
#: one ``advance`` moves the clock by at most this many seconds (100 years of 365 days)
MAX_ADVANCE_SECONDS = 100 * 365 * 86400
#: the header that carries the admin token (``Authorization: Bearer <token>`` also works)
TOKEN_HEADER = "x-pytest-glacier-admin-token"
#: an admin body is at most this deep (JSON nesting) and this large
MAX_DEPTH = 32
MAX_BODY = 64 * 1024


class AdminError(Exception):
    """A request the admin endpoint refuses; rendered as ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_admin_path(path: str) -> bool:
    """Whether ``path`` is one of the admin routes (any other path is a Glacier request)."""
    return path.startswith(PREFIX) and path[len(PREFIX) :].rstrip("/") in ROUTES


def handle(
    double: Glacier, request: Request, *, port: int | None = None, token: str | None = None
) -> Response:
    """Answer one admin request; ``port`` is the server's own (for the ``Host`` check)."""
    name = request.path[len(PREFIX) :].strip("/")
    try:
        guard(request, port=port, token=token)
        routes = ROUTES.get(name)
        if routes is None:
            raise AdminError(
                404, f"Unknown admin route {request.path!r}; routes: {', '.join(_route_list())}"
            )
        action = routes.get(request.method)
        if action is None:
            raise AdminError(
                405, f"{request.path} takes {' or '.join(routes)}, not {request.method}"
            )
        if request.method == "POST":
            _check_content_type(request)
        status, payload = 200, action(double, _json(request))
    except AdminError as error:
        status, payload = error.status, {"error": str(error)}
    body = json.dumps(payload, default=str).encode()
    return Response(
        status, {"content-type": "application/json", "content-length": str(len(body))}, body
    )


def guard(request: Request, *, port: int | None, token: str | None) -> None:
    """Refuse (403) admin requests a browser page could have sent, and wrong tokens."""
    headers = request.headers
    origin = headers.get("origin")
    if origin is not None:
        raise AdminError(403, f"admin requests from a browser page are refused (Origin: {origin})")
    site = headers.get("sec-fetch-site")
    if site is not None and site != "none":
        raise AdminError(403, f"admin requests from a browser page are refused ({site})")
    host = headers.get("host")
    if host is not None and not _own_host(host, port):
        raise AdminError(
            403, f"admin requests must name this server's own address as Host, not {host!r}"
        )
    if token is not None:
        sent = headers.get(TOKEN_HEADER)
        bearer = headers.get("authorization", "")
        if sent is None and bearer[:7].lower() == "bearer ":
            sent = bearer[7:].strip()
        if sent is None or not hmac.compare_digest(sent.encode(), token.encode()):
            raise AdminError(
                403, f"this server's admin endpoint needs its token (header {TOKEN_HEADER})"
            )


def _own_host(host: str, port: int | None) -> bool:
    """``localhost`` or an IP address, with the server's port: a name is DNS rebinding."""
    if host.startswith("["):
        name, closed, rest = host[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            return False
        port_text = rest[1:]
    else:
        name, _, port_text = host.partition(":")
    if port_text and not (port_text.isascii() and port_text.isdigit() and len(port_text) <= 5):
        return False
    if port is not None and (int(port_text) if port_text else 80) != port:
        return False
    if name.lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _check_content_type(request: Request) -> None:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/json" and not (
        kind.startswith("application/") and kind.endswith("+json")
    ):
        raise AdminError(
            415, f"admin POST requests take Content-Type: application/json, not {kind or 'none'!r}"
        )


def advance(double: Glacier, body: Mapping[str, Any]) -> Any:
    """``{"seconds": N}`` (or minutes/hours/days): the jobs that completed, and the new now."""
    unknown = [key for key in body if key not in ADVANCE_KEYS]
    if unknown:
        raise AdminError(400, f"advance takes {', '.join(ADVANCE_KEYS)}; got {unknown[0]!r}")
    step = {key: body[key] for key in ADVANCE_KEYS if key in body}
    total = 0.0
    for key, value in step.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise AdminError(400, f"{key} must be a number >= 0, got {value!r}")
        total += float(value) * _UNIT_SECONDS[key]
        if not math.isfinite(total) or total > MAX_ADVANCE_SECONDS:
            raise AdminError(
                400,
                f"advance moves the clock by 0 to {MAX_ADVANCE_SECONDS} seconds (100 years) "
                f"at a time; got {key}={value!r}",
            )
    try:
        completed = double.advance(**step)
    except (OverflowError, ValueError) as error:
        raise AdminError(400, f"the clock cannot move that far: {error}") from None
    return {"now": iso_ms(double.now()), "completed": completed}


def now(double: Glacier, body: Mapping[str, Any]) -> Any:
    return {"now": iso_ms(double.now())}


def inject(double: Glacier, body: Mapping[str, Any]) -> Any:
    """inject()'s keywords plus ``code``; ``match`` can only be a dict here."""
    spec = dict(body)
    code = spec.pop("code", None)
    if not isinstance(code, str):
        raise AdminError(400, f"a fault needs a 'code' string, got {code!r}")
    try:
        rule = double.inject(code, **spec)
    except (TypeError, ValueError) as error:
        raise AdminError(400, str(error)) from None
    return describe_rule(rule)


def inject_network(double: Glacier, body: Mapping[str, Any]) -> Any:
    """inject_network()'s keywords, its ``kind`` among them; ``match`` only a dict."""
    spec = dict(body)
    kind = spec.pop("kind", None)
    if not isinstance(kind, str):
        raise AdminError(400, f"a network fault needs a 'kind' string, got {kind!r}")
    try:
        rule = double.inject_network(kind, **spec)
    except (TypeError, ValueError) as error:
        raise AdminError(400, str(error)) from None
    return describe_rule(rule)


def faults(double: Glacier, body: Mapping[str, Any]) -> Any:
    return [describe_rule(rule) for rule in double.fault_rules]


def notifications(double: Glacier, body: Mapping[str, Any]) -> Any:
    return [dataclasses.asdict(note) for note in double.notifications]


def calls(double: Glacier, body: Mapping[str, Any]) -> Any:
    return [dataclasses.asdict(call) for call in double.calls]


def timeline(double: Glacier, body: Mapping[str, Any]) -> Any:
    """``glacier.timeline``: the kept events, and how many were dropped at index ``gap``."""
    events = double.timeline
    return {
        "events": [
            {"at": iso_ms(e.at), "kind": e.kind, "summary": e.summary, "details": e.details}
            for e in events
        ],
        "dropped": events.dropped,
        "gap": events.gap,
    }


def s3_objects(double: Glacier, body: Mapping[str, Any]) -> Any:
    """What select jobs wrote: ``{"s3://bucket/key": base64 of the bytes}``."""
    return {url: base64.b64encode(data).decode() for url, data in double.s3_objects.items()}


def reset(double: Glacier, body: Mapping[str, Any]) -> Any:
    double.reset()
    return {"now": iso_ms(double.now())}


def describe_rule(rule: Any) -> dict[str, Any]:
    """A rule as JSON: its kind, arguments and ``hits``; a callable match shows its name."""
    match = rule.match
    if callable(match):
        match = getattr(match, "__name__", repr(match))
    out: dict[str, Any] = {"kind": rule.verb}
    for name in ("code", "operation", "message", "status"):
        if hasattr(rule, name):
            out[name] = getattr(rule, name)
    if hasattr(rule, "delta"):
        out["seconds"] = rule.delta.total_seconds()
    if hasattr(rule, "fault"):
        out.update(fault=rule.fault.kind, after_bytes=rule.fault.after_bytes)
    out.update(times=rule.times, match=match, optional=rule.optional, hits=rule.hits)
    return out


def _json(request: Request) -> Mapping[str, Any]:
    content = bytes(request.content())
    if not content.strip():
        return {}
    if len(content) > MAX_BODY:
        raise AdminError(400, f"the body is larger than {MAX_BODY} bytes")
    if _depth(content) > MAX_DEPTH:
        raise AdminError(400, f"the body is nested deeper than {MAX_DEPTH} levels")
    try:
        body = json.loads(content, parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise AdminError(400, f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise AdminError(400, f"the body must be a JSON object, got {body!r}")
    return body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth(content: bytes) -> int:
    """How deep the brackets of a JSON text nest (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in content:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


Action = Callable[["Glacier", Mapping[str, Any]], Any]
ROUTES: dict[str, dict[str, Action]] = {
    "advance": {"POST": advance},
    "now": {"GET": now},
    "faults": {"GET": faults, "POST": inject},
    "network_faults": {"POST": inject_network},
    "notifications": {"GET": notifications},
    "calls": {"GET": calls},
    "timeline": {"GET": timeline},
    "s3_objects": {"GET": s3_objects},
    "reset": {"POST": reset},
}


def _route_list() -> list[str]:
    return [f"{method} {PREFIX}{name}" for name, table in ROUTES.items() for method in table]
