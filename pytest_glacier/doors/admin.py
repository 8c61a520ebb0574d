"""The admin endpoint of the local server: JSON in and out under ``/_pytest_glacier/``.

It lets a test that is not Python (or runs in another process) drive the double the way the
``glacier`` fixture does: move the clock, inject faults, read notifications and calls, reset.
Every route calls the controller's own public method; nothing here knows Glacier rules.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..core.clock import iso_ms
from ..core.http import Request, Response

if TYPE_CHECKING:
    from ..simulator import Glacier

PREFIX = "/_pytest_glacier/"
ADVANCE_KEYS = ("seconds", "minutes", "hours", "days")


class AdminError(Exception):
    """A request the admin endpoint refuses; rendered as ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def handle(double: Glacier, request: Request) -> Response:
    """Answer one admin request."""
    name = request.path[len(PREFIX) :].strip("/")
    try:
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
        status, payload = 200, action(double, _json(request))
    except AdminError as error:
        status, payload = error.status, {"error": str(error)}
    body = json.dumps(payload, default=str).encode()
    return Response(
        status, {"content-type": "application/json", "content-length": str(len(body))}, body
    )


def advance(double: Glacier, body: Mapping[str, Any]) -> Any:
    """``{"seconds": N}`` (or minutes/hours/days): the jobs that completed, and the new now."""
    unknown = [key for key in body if key not in ADVANCE_KEYS]
    if unknown:
        raise AdminError(400, f"advance takes {', '.join(ADVANCE_KEYS)}; got {unknown[0]!r}")
    step = {key: body[key] for key in ADVANCE_KEYS if key in body}
    for key, value in step.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise AdminError(400, f"{key} must be a number >= 0, got {value!r}")
    completed = double.advance(**step)
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
    try:
        body = json.loads(content)
    except (ValueError, UnicodeDecodeError) as error:
        raise AdminError(400, f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise AdminError(400, f"the body must be a JSON object, got {body!r}")
    return body


Action = Callable[["Glacier", Mapping[str, Any]], Any]
ROUTES: dict[str, dict[str, Action]] = {
    "advance": {"POST": advance},
    "now": {"GET": now},
    "faults": {"GET": faults, "POST": inject},
    "network_faults": {"POST": inject_network},
    "notifications": {"GET": notifications},
    "calls": {"GET": calls},
    "reset": {"POST": reset},
}


def _route_list() -> list[str]:
    return [f"{method} {PREFIX}{name}" for name, table in ROUTES.items() for method in table]
