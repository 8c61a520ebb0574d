"""The service core: one request in, one response out, for every front door.

Steps, one concern each: resolve the route, apply the common rules (API version, account,
region), let interceptors (fault injection) answer first, run the handler, render errors,
record the call. Vault policies (lock and access policy) are checked right before the
handler, under the same lock. Nothing but a Response leaves ``handle``: an unexpected
exception becomes a 500 ServiceUnavailableException and is kept in ``internal_errors`` so the
test fails loudly.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import threading
import traceback
from collections.abc import Callable
from typing import Any

from ...core.errors import GlacierError, error_response, missing
from ...core.http import Request, Response
from ...core.routes import operation_has_json, resolve
from ...records import Call
from ..jobs.schedule import settle as settle_jobs
from ..policies.evaluation import enforce as enforce_policies
from .context import UNREAD, Context, Handler, read_document
from .registry import handler_for
from .signatures import caller_account
from .state import Backend

API_VERSION = "2012-06-01"
_SCOPE = re.compile(r"Credential=[^/,]+/\d{8}/([a-z0-9-]+)/glacier/aws4_request")
#: the service's own host names: an unsigned request's region is in them
_HOST = re.compile(r"glacier(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?(?::\d+)?")

#: operations that hash large bodies before taking the state lock themselves
SELF_LOCKING = frozenset({"UploadArchive", "UploadMultipartPart"})

Interceptor = Callable[[Context], "Response | None"]


class GlacierService:
    """Answers Glacier HTTP requests from one Backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.calls: list[Call] = []
        #: calls forgotten from the start of ``calls`` (config ``calls_kept``)
        self.calls_dropped = 0
        self._calls_kept = backend.config.calls_kept
        self.internal_errors: list[str] = []
        #: run before the handler; the first non-None response answers the request
        self.interceptors: list[Interceptor] = []
        #: told of every request as it starts (after due jobs are settled)
        self.observers: list[Callable[[], None]] = []
        self._calls_lock = threading.Lock()
        #: (instant, its Date header): frozen time repeats the same instant call after call
        self._date: tuple[Any, str] = (None, "")

    def handle(self, request: Request) -> Response:
        request_id = self.backend.ids.request_id()
        operation, params = "Unknown", dict(request.query)
        document: Any = UNREAD
        context: Context | None = None
        try:
            route = resolve(request.method, request.segments, request.query)
            operation = route.operation
            params.update(route.params)
            if operation_has_json(operation):
                document = read_document(request)
                if isinstance(document, dict):
                    params.update(document)
            context = self._context(request, operation, route.params)
            context.document = document
            response = self._run(context)
        except GlacierError as error:
            response = error_response(error)
        except Exception:
            self.internal_errors.append(traceback.format_exc())
            response = error_response(
                GlacierError(
                    "ServiceUnavailableException",
                    "pytest_glacier hit an internal error; the test will fail with its traceback",
                )
            )
        if context is not None and context.network is not None and response.network is None:
            response.network = context.network
        self._finish(response, request_id, context.now() if context else self.backend.now())
        fault = response.network.kind if response.network is not None else None
        call = Call(operation, response.status, response.error_code, params, request_id, fault)
        with self._calls_lock:
            calls = self.calls
            calls.append(call)
            kept = self._calls_kept
            if kept is not None and len(calls) >= 2 * kept:
                # a new list: snapshots of the old one (``glacier.calls``) stay as they were
                self.calls = calls[-kept:]
                self.calls_dropped += len(calls) - kept
        return response

    def _context(self, request: Request, operation: str, params: dict[str, str]) -> Context:
        version = request.headers.get("x-amz-glacier-version")
        if version is None:
            raise missing("API version")
        if version != API_VERSION:
            raise GlacierError("InvalidParameterValueException", f"Invalid API version: {version}")
        account = params.get("accountId", "")
        config = self.backend.config
        caller = caller_account(request, config)  # config.account_id unless verifying SigV4
        if account not in ("-", caller):
            raise GlacierError("AccessDeniedException", f"Access denied for account ID: {account}")
        region = self.backend.region_state(_region(request, config.region), caller)
        return Context(request, operation, params, self.backend, region)

    def _run(self, context: Context) -> Response:
        backend = self.backend
        settle_jobs(backend, context.now())
        for observe in self.observers:
            observe()
        answer = None
        for intercept in self.interceptors:
            answer = intercept(context)
            if answer is not None:
                break
        if context.latency:
            with backend.lock:
                backend.clock.advance(context.latency)
            context.clock_moved()
            settle_jobs(backend, context.now())
        if answer is not None:
            return answer
        handler = handler_for(context.operation)
        if context.operation in SELF_LOCKING:
            with self.backend.lock:
                enforce_policies(context)
            return handler(context)
        with self.backend.lock:
            enforce_policies(context)
            return handler(context)

    def _date_header(self, now: dt.datetime) -> str:
        moment, text = self._date
        if moment != now:
            text = email.utils.format_datetime(now, usegmt=True)
            self._date = (now, text)
        return text

    def _finish(self, response: Response, request_id: str, now: dt.datetime) -> None:
        headers = response.headers
        headers["x-amzn-requestid"] = request_id
        headers["date"] = self._date_header(now)
        if isinstance(response.body, bytes | memoryview):
            headers["content-length"] = str(len(response.body))


def _region(request: Request, configured: str) -> str:
    """The SigV4 credential scope's region, else the one in a service host name, else ours."""
    scope = _SCOPE.search(request.headers.get("authorization", ""))
    if scope:
        return scope.group(1)
    host = _HOST.fullmatch(request.headers.get("host", ""))
    return host.group(1) if host else configured


__all__ = ["GlacierService", "Handler", "Interceptor"]
