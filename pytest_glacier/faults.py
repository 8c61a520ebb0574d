"""Fault injection: rules that answer requests with errors, fail jobs or add simulated latency.

Rules are count-based and consulted in the order they were added, so every decision depends
only on the requests a test makes, never on wall time or a global random state. A rule with a
finite ``times`` that is not used up by the end of the test is reported (strict by default,
``optional=True`` opts a rule out), as pytest-httpx does for unrequested responses.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import inspect
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, Protocol, TypeVar, overload

from .core.errors import DEFAULT_MESSAGES, ERROR_CODES, GlacierError, error_response
from .core.http import NETWORK_KINDS, NetworkFault, Response
from .core.routes import OPERATIONS, operation_has_json
from .core.usage import ended

if TYPE_CHECKING:
    from .service.engine.context import Context
    from .service.engine.dispatch import GlacierService

JOB_FAILED_MESSAGE = "The job failed."
#: codes that model a condition botocore's retries cannot clear: Expedited capacity is counted
#: over 5-minute windows, so a retry seconds later meets the same refusal. An injected rule
#: with such a code answers every attempt of a call it refused (same amz-sdk-invocation-id)
#: and counts the call once; other codes count and answer single attempts.
CALL_SCOPED_CODES = frozenset({"InsufficientCapacityException"})
#: botocore's longest backoff in standard mode; legacy mode grows 1, 2, 4, 8 s the same way
SPEC_KEYS = ("code", "operation", "times", "match", "message", "status", "optional")
DOCS = "docs/faults.md#unused-rules"


class FaultMatchError(RuntimeError):
    """A rule's ``match`` raised: a bug in the test, reported as the double's internal error."""


class UnusedFaultRules(AssertionError):
    """Rules with a finite ``times`` were not used up by the end of the test."""


@dataclass(frozen=True)
class FaultRequest:
    """What a request rule's ``match`` callable sees."""

    operation: str
    #: path, query and JSON body members, as in ``Call.params``
    params: Mapping[str, Any]
    #: lower-case header names
    headers: Mapping[str, str]
    #: the parsed JSON body, ``None`` when the body is not JSON
    body: Any
    region: str


Matcher = Callable[[Any], bool] | Mapping[str, Any]


class Rule:
    """What every rule shares: a scope, a count, a condition and how often it was used."""

    verb = "rule"

    def __init__(
        self,
        *,
        operation: str | None,
        times: int | None,
        match: Matcher | None,
        optional: bool,
    ) -> None:
        self.operation = _check_operation(operation)
        self.times = _check_times(times)
        self.match = _check_match(match)
        if not isinstance(optional, bool):
            raise TypeError(f"optional must be True or False, got {optional!r}")
        self.optional = optional
        self._hits = 0

    @property
    def hits(self) -> int:
        """How many requests (or jobs) this rule acted on."""
        return self._hits

    @property
    def used_up(self) -> bool:
        return self.times is not None and self._hits >= self.times

    def applies(self, operation: str | None, subject: Callable[[], Any]) -> bool:
        """Whether this rule acts now; ``subject`` builds what ``match`` looks at, lazily."""
        if self.used_up or (self.operation is not None and self.operation != operation):
            return False
        if self.match is None:
            return True
        value = subject()
        try:
            if callable(self.match):
                return bool(self.match(value))
            fields = value.params if isinstance(value, FaultRequest) else value
            return all(k in fields and fields[k] == v for k, v in self.match.items())
        except Exception as error:
            raise FaultMatchError(
                f"the match of {self!r} raised {type(error).__name__}: {error}"
            ) from error

    def claim(self) -> None:
        self._hits += 1

    def _arguments(self) -> list[str]:
        out = []
        if self.operation is not None:
            out.append(f"operation={self.operation!r}")
        out.append(f"times={self.times!r}")
        if self.match is not None:
            name = getattr(self.match, "__name__", None) if callable(self.match) else None
            out.append(f"match={name}" if name else f"match={self.match!r}")
        return out

    def __repr__(self) -> str:
        return f"{self.verb}({', '.join(self._arguments())})"


class FaultRule(Rule):
    """Answer the next ``times`` matching requests (None: all) with the error ``code``.

    ``match`` is a callable on a ``FaultRequest`` or a dict of expected parameter values
    (path, query and JSON body members, as in ``calls``). A rule not used up by the end
    of the test fails it unless ``optional=True``.
    """

    verb = "inject"

    def __init__(
        self,
        code: str,
        *,
        operation: str | None = None,
        times: int | None = 1,
        match: Matcher | None = None,
        message: str | None = None,
        status: int | None = None,
        optional: bool = False,
    ) -> None:
        if code not in ERROR_CODES:
            raise ValueError(
                f"Unknown Glacier error code {code!r} for inject().{_hint(code, ERROR_CODES)} "
                f"Known codes: {', '.join(ERROR_CODES)}"
            )
        if message is not None and not isinstance(message, str):
            raise TypeError(f"message must be a string, got {message!r}")
        if status is not None and (
            isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599
        ):
            raise ValueError(f"status must be an HTTP error status 400..599, got {status!r}")
        super().__init__(operation=operation, times=times, match=match, optional=optional)
        self.code = code
        self.message = DEFAULT_MESSAGES[code] if message is None else message
        self.error = GlacierError(code, self.message, status=status)

    @property
    def status(self) -> int:
        return self.error.status

    @classmethod
    def from_spec(cls, spec: Any) -> FaultRule:
        """A rule from a marker/config ``faults`` entry: inject()'s keywords plus ``code``."""
        if not isinstance(spec, Mapping):
            raise TypeError(f"a faults entry must be a dict, got {spec!r}")
        unknown = [key for key in spec if key not in SPEC_KEYS]
        if unknown:
            raise TypeError(
                f"Unknown key {unknown[0]!r} in a faults entry.{_hint(unknown[0], SPEC_KEYS)} "
                f"Valid keys: {', '.join(SPEC_KEYS)}"
            )
        if "code" not in spec:
            raise TypeError(f"a faults entry needs a 'code', got {dict(spec)!r}")
        return cls(**spec)

    def _arguments(self) -> list[str]:
        return [repr(self.code), *super()._arguments()]


class JobFaultRule(Rule):
    """Make the next ``times`` matching new jobs end Failed at their completion time.

    ``match`` is a callable on the job's DescribeJob dict or a dict of expected fields.
    """

    verb = "fail_jobs"

    def __init__(
        self,
        *,
        times: int | None = 1,
        match: Matcher | None = None,
        message: str | None = None,
        optional: bool = False,
    ) -> None:
        if message is not None and not isinstance(message, str):
            raise TypeError(f"message must be a string, got {message!r}")
        super().__init__(operation=None, times=times, match=match, optional=optional)
        self.message = JOB_FAILED_MESSAGE if message is None else message


class LatencyRule(Rule):
    """Move simulated time by ``delta`` (a timedelta or seconds) before matching requests."""

    verb = "add_latency"

    def __init__(
        self,
        delta: dt.timedelta | float,
        *,
        operation: str | None = None,
        times: int | None = None,
        match: Matcher | None = None,
        optional: bool = False,
    ) -> None:
        if isinstance(delta, bool) or not isinstance(delta, dt.timedelta | int | float):
            raise TypeError(f"delta must be a timedelta or a number of seconds, got {delta!r}")
        step = delta if isinstance(delta, dt.timedelta) else dt.timedelta(seconds=delta)
        if step < dt.timedelta():
            raise ValueError(f"latency cannot be negative, got {delta!r}")
        super().__init__(operation=operation, times=times, match=match, optional=optional)
        self.delta = step

    def _arguments(self) -> list[str]:
        return [repr(self.delta), *super()._arguments()]


class NetworkRule(Rule):
    """A transport fault on the next ``times`` matching requests (None: all).

    ``"reset"``: the connection drops before the request is handled (nothing changes);
    ``"timeout"``: the request is handled, then the client times out waiting for the
    answer (its retry repeats the request); ``"truncate"``: the response body ends after
    ``after_bytes`` bytes. Matched and checked at teardown like ``inject()``.
    """

    verb = "inject_network"

    def __init__(
        self,
        kind: str,
        *,
        operation: str | None = None,
        times: int | None = 1,
        match: Matcher | None = None,
        after_bytes: int | None = None,
        optional: bool = False,
    ) -> None:
        if kind not in NETWORK_KINDS:
            raise ValueError(
                f"Unknown network fault {kind!r}.{_hint(str(kind), NETWORK_KINDS)} "
                f"Kinds: {', '.join(NETWORK_KINDS)}"
            )
        if after_bytes is not None and (
            kind != "truncate"
            or isinstance(after_bytes, bool)
            or not isinstance(after_bytes, int)
            or after_bytes < 0
        ):
            raise ValueError(
                "after_bytes is a byte count >= 0 for kind='truncate', "
                f"got {after_bytes!r} for kind={kind!r}"
            )
        super().__init__(operation=operation, times=times, match=match, optional=optional)
        self.kind = kind
        self.fault = NetworkFault(kind, after_bytes or 0)

    def _arguments(self) -> list[str]:
        extra = [f"after_bytes={self.fault.after_bytes}"] if self.kind == "truncate" else []
        return [repr(self.kind), *super()._arguments(), *extra]


class Faults:
    """The rules of one double, installed as its interceptor and job-fault hook."""

    def __init__(self, service: GlacierService) -> None:
        # weak: the service holds our hooks, so a strong link back would make a reference
        # cycle that only the garbage collector frees (one per test, for every test)
        self._service_ref = weakref.ref(service)
        self._lock = threading.RLock()
        self.rules: list[Rule] = []
        #: invocation id -> the call-scoped rule that refused that call
        self._refused_calls: dict[str, FaultRule] = {}
        #: cleared when the test already failed, so teardown does not pile on
        self.strict = True
        #: set when the double ends: no rule may be added any more
        self.ended = False
        service.interceptors.append(self.intercept)

    @property
    def _service(self) -> GlacierService:
        service = self._service_ref()
        assert service is not None, "the double these fault rules belong to is gone"
        return service

    def add(self, rule: AnyRule) -> AnyRule:
        __tracebackhide__ = True
        if self.ended:
            raise ended(f"add the rule {rule!r}")
        with self._lock:
            self.rules.append(rule)
        return rule

    # -- the interceptor and the job hook --------------------------------------------------
    def intercept(self, ctx: Context) -> Response | None:
        """Add matching latency, then answer with the first matching fault rule, if any."""
        if not self.rules:
            return None
        invocation = ctx.header("amz-sdk-invocation-id")
        refused = self._refused_calls.get(invocation) if invocation else None
        if refused is not None:
            return error_response(refused.error)
        view: list[FaultRequest] = []

        def subject() -> FaultRequest:
            if not view:
                view.append(_request_view(ctx))
            return view[0]

        with self._lock:
            latency = dt.timedelta()
            for rule in self.rules:
                if isinstance(rule, LatencyRule) and rule.applies(ctx.operation, subject):
                    rule.claim()
                    latency += rule.delta
            network = next(
                (
                    r
                    for r in self.rules
                    if isinstance(r, NetworkRule) and r.applies(ctx.operation, subject)
                ),
                None,
            )
            if network is not None:
                network.claim()
                ctx.network = network.fault
            answer = (
                None
                if network is not None and network.kind == "reset"
                else next(
                    (
                        r
                        for r in self.rules
                        if isinstance(r, FaultRule) and r.applies(ctx.operation, subject)
                    ),
                    None,
                )
            )
            if answer is not None:
                answer.claim()
                if invocation and answer.code in CALL_SCOPED_CODES:
                    self._refused_calls[invocation] = answer
        ctx.latency += latency
        if ctx.operation == "InitiateJob" and any(isinstance(r, JobFaultRule) for r in self.rules):
            ctx.fail_job = self.fail_job
        if ctx.network is not None and ctx.network.kind == "reset":
            return Response(0, network=ctx.network)  # dropped before it reached the service
        return None if answer is None else error_response(answer.error)

    def fail_job(self, job: dict[str, Any]) -> str | None:
        """The StatusMessage the new job should fail with, or None to let it succeed."""
        with self._lock:
            for rule in self.rules:
                if isinstance(rule, JobFaultRule) and rule.applies(None, lambda: job):
                    rule.claim()
                    return rule.message
        return None

    # -- teardown ----------------------------------------------------------------------------
    def unused(self) -> list[Rule]:
        """Rules with a finite ``times`` that are not used up and not optional."""
        return [r for r in self.rules if r.times is not None and not r.used_up and not r.optional]

    def verify_used(self) -> None:
        __tracebackhide__ = True
        left = self.unused() if self.strict else []
        if left:
            lines = "\n".join(f"  {r!r}: used {r.hits} of {r.times} times" for r in left)
            raise UnusedFaultRules(
                f"pytest_glacier: {len(left)} fault rule(s) with a finite 'times' were not "
                f"used up:\n{lines}\nPass optional=True to a rule that may go unused "
                f"(see {DOCS})."
            )


P = ParamSpec("P")
AnyRule = TypeVar("AnyRule", bound=Rule)


class _HasFaults(Protocol):
    faults: Faults


class AddsRule(Generic[P, AnyRule]):
    """A controller method taking a rule's own parameters: it builds the rule and adds it.

    The rule class is the one place its parameters and their documentation are written.
    """

    def __init__(self, kind: Callable[P, AnyRule]) -> None:
        self._kind = kind
        self.__doc__ = kind.__doc__

    @overload
    def __get__(self, double: None, owner: type | None = None) -> AddsRule[P, AnyRule]: ...

    @overload
    def __get__(self, double: _HasFaults, owner: type | None = None) -> Callable[P, AnyRule]: ...

    def __get__(
        self, double: _HasFaults | None, owner: type | None = None
    ) -> AddsRule[P, AnyRule] | Callable[P, AnyRule]:
        if double is None:
            return self
        faults, kind = double.faults, self._kind

        @functools.wraps(kind)
        def add(*args: P.args, **kwargs: P.kwargs) -> AnyRule:
            return faults.add(kind(*args, **kwargs))

        add.__signature__ = self._signature  # type: ignore[attr-defined]
        return add

    @functools.cached_property
    def _signature(self) -> inspect.Signature:
        """The rule's parameters, returning the rule (as ``help()`` and IDEs show it)."""
        kind: Any = self._kind
        return inspect.signature(kind).replace(return_annotation=kind.__name__)


def _request_view(ctx: Context) -> FaultRequest:
    body: Any = None
    if operation_has_json(ctx.operation):
        try:
            body = ctx.request.json()
        except ValueError:
            body = None
    params: dict[str, Any] = {**ctx.request.query, **ctx.params}
    if isinstance(body, dict):
        params.update(body)
    return FaultRequest(ctx.operation, params, dict(ctx.request.headers), body, ctx.region.region)


def _check_operation(operation: str | None) -> str | None:
    if operation is not None and operation not in OPERATIONS:
        raise ValueError(
            f"Unknown Glacier operation {operation!r}.{_hint(str(operation), OPERATIONS)} "
            f"Operations: {', '.join(sorted(OPERATIONS))}"
        )
    return operation


def _check_times(times: int | None) -> int | None:
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be a positive integer or None (every time), got {times!r}")
    return times


def _check_match(match: Matcher | None) -> Matcher | None:
    if match is not None and not callable(match) and not isinstance(match, Mapping):
        raise TypeError(
            f"match must be a callable or a dict of expected parameter values, got {match!r}"
        )
    return match


def _hint(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


__all__ = [
    "AddsRule",
    "FaultMatchError",
    "FaultRequest",
    "FaultRule",
    "Faults",
    "JobFaultRule",
    "LatencyRule",
    "NetworkRule",
    "Rule",
    "UnusedFaultRules",
]
