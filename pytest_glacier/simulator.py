"""The controller behind the ``glacier`` fixture and ``mock_glacier``."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
import sys
import threading
import warnings
from collections.abc import Mapping
from contextlib import ContextDecorator
from types import MappingProxyType, ModuleType, TracebackType
from typing import Any

from .config import GlacierConfig
from .core.usage import ClockWarning, DoubleConflict, ended
from .failure_hints import Recorder
from .faults import (
    AddsRule,
    FaultRule,
    Faults,
    JobFaultRule,
    LatencyRule,
    NetworkRule,
    Rule,
)
from .outbound import Outbound, shared_session
from .records import Call, Events, Notification, Sleep, Snapshot
from .service.engine.dispatch import GlacierService
from .service.engine.state import Archive, Backend, Vault
from .service.jobs.model import describe
from .service.jobs.schedule import settle
from .waiting.timeline import Timeline

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIAPYTESTGLACIER000",
    "AWS_SECRET_ACCESS_KEY": "pytest-glacier-fake-secret-key",
}


class InternalError(AssertionError):
    """A bug inside the double surfaced as a test failure, never as a service fault."""


#: the double whose in-process doors are open: one at a time, so the one answering is never
#: a matter of which started last
_in_process: Glacier | None = None
_in_process_lock = threading.Lock()


class Glacier(ContextDecorator):
    """A running Glacier double: make clients, move time, inspect state, inject faults.

    Exposed so tests can annotate the fixture; build it with ``mock_glacier(**config)``.
    """

    def __init__(self, config: GlacierConfig, *, scope: str = "") -> None:
        self.config = config
        #: what ids are seeded with besides ``seed`` (the test's node id); reset() keeps it
        self.scope = scope
        #: the timeline (``timeline``): told of clock moves and job completions
        self._story = Recorder(config)
        self.backend = Backend(config, self._story.schedule, scope)
        self.backend.clock = self._story.clock
        self.backend.outbound = Outbound(config)
        self.service = GlacierService(self.backend)
        #: the fault rules (``faults.rules``); the marker's ``faults`` come first
        self.faults = Faults(self.service)
        for spec in config.faults:
            self.faults.add(FaultRule.from_spec(spec))
        self._saved_env: dict[str, str | None] = {}
        self._active = False
        #: the instant the double stopped at: its views read state as of then
        self._ended_at: dt.datetime | None = None
        #: where code under test waits, while active with simulated sleeps
        self._timeline: Timeline | None = None
        self._sleeps: list[Sleep] = []
        self._story.watch(self.service, self.faults.rules, self._sleeps)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Glacier:
        """Activate the double. A double that ran before starts afresh: each activation
        (``with`` block, decorated call, test) has its own state, clock and fault rules."""
        if self._active:
            raise RuntimeError("this Glacier double is already active")
        if self._ended_at is not None:
            self._rebuild()
        if self.config.clock == "frozen" and _time_machine_travelling():
            warnings.warn(
                "a time_machine.travel() is active, but the double's frozen clock does not "
                f"follow it: it starts at {self.config.start.isoformat()} and moves only by "
                "advance(), complete_jobs() and simulated sleeps. Set its time with "
                "@pytest.mark.glacier(start=...) / mock_glacier(start=...), or let "
                "time-machine steer it with clock='real'.",
                ClockWarning,
                stacklevel=2,
            )
        walked = self.backend.clock.start()
        self._set_env()
        try:
            self._open_doors()
        except BaseException:  # another double answers: leave nothing of this one behind
            self._restore_env()
            self.backend.clock.stop()
            raise
        if self.config.clock == "frozen" and self.config.sleep == "simulated":
            self._start_waiting(walked)
        self._active = True
        return self

    def stop(self) -> None:
        if not self._active:
            return
        self._ended_at = self.backend.now()
        self.faults.ended = True
        self._active = False
        self._stop_waiting()
        self._close_doors()
        self._restore_env()
        self.backend.clock.stop()
        self.backend.store.close()

    def _start_waiting(self, walked: bool) -> None:
        """Put ``time.sleep`` and asyncio loops of code under test on simulated time."""
        from .core.freeze import sleep_bindings
        from .waiting import event_loops, sleeps

        timeline = Timeline(self.backend.now, self._advance_to, self._sleeps)
        sleeps.activate(timeline, sleep_bindings(walked))
        event_loops.activate(timeline, self.backend.now)
        self.service.observers.append(timeline.request_seen)
        self._timeline = timeline

    def _stop_waiting(self) -> None:
        timeline, self._timeline = self._timeline, None
        if timeline is not None:
            from .waiting import event_loops, sleeps

            self.service.observers.remove(timeline.request_seen)
            event_loops.deactivate(timeline)
            sleeps.deactivate(timeline)

    def _advance_to(self, moment: dt.datetime) -> None:
        """Move simulated time to ``moment`` unless it is already there (a wait ended)."""
        with self.backend.lock:
            settle(self.backend)
            step = moment - self.now()
            if step > dt.timedelta():
                self._story.clock.advance(step, "wait")
                settle(self.backend)

    def _open_doors(self) -> None:
        """Route in-process clients here: botocore always, aiobotocore when it is installed,
        ``requests`` when configured."""
        global _in_process
        from .doors import botocore_door, moto_door

        with _in_process_lock:
            if _in_process is not None:
                raise DoubleConflict(
                    "another pytest_glacier double is already active in this process: one "
                    "double answers in-process clients at a time. In a test that takes the "
                    "`glacier` fixture (or carries @pytest.mark.glacier), use that fixture "
                    "and configure it with @pytest.mark.glacier(...) instead of mock_glacier(); "
                    "otherwise end the first double's `with` block (or .stop() it) first."
                )
            _in_process = self

        botocore_door.activate(self.service, self)
        moto_door.activate(self.service)
        async_door = _aiobotocore_door()
        if async_door is not None:
            async_door.activate(self.service)
        if self.config.requests:
            from .doors import responses_door

            responses_door.activate(self.service)

    def _close_doors(self) -> None:
        global _in_process
        from .doors import botocore_door, moto_door

        with _in_process_lock:
            if _in_process is self:
                _in_process = None

        if self.config.requests:
            from .doors import responses_door

            responses_door.deactivate(self.service)
        async_door = _aiobotocore_door()
        if async_door is not None:
            async_door.deactivate(self.service)
        moto_door.deactivate(self.service)
        botocore_door.deactivate(self.service)

    def reset(self) -> None:
        """Forget all state, calls, faults and notifications; time restarts at ``start``.

        The double is rebuilt by running ``__init__`` again, so everything it wires up is
        fresh; internal errors not yet reported are kept so they still fail the test.
        """
        active = self._active
        self.stop()
        self._rebuild()
        if active:
            self.start()

    def _rebuild(self) -> None:
        errors = list(self.service.internal_errors)
        Glacier.__init__(self, self.config, scope=self.scope)
        self.service.internal_errors.extend(errors)

    def _require_live(self, action: str) -> None:
        __tracebackhide__ = True
        if self._ended_at is not None:
            raise ended(action)

    def __enter__(self) -> Glacier:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        if exc_type is None:
            self.check()
            self.faults.verify_used()

    async def __aenter__(self) -> Glacier:
        """``async with mock_glacier()``: the same double, started and stopped around the block."""
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    def check(self) -> None:
        """Raise if the double itself failed while answering a request."""
        __tracebackhide__ = True
        if self.service.internal_errors:
            errors = "\n".join(self.service.internal_errors)
            raise InternalError(f"pytest_glacier raised while answering a request:\n{errors}")

    @property
    def internal_errors(self) -> tuple[str, ...]:
        """Tracebacks of the double's own failures so far; each fails the test at its end."""
        return tuple(self.service.internal_errors)

    def report_internal_error(self, error: str) -> None:
        """Record a failure of a door outside the service (the HTTP server streaming a body):
        it fails the test at its end, as a failure inside the service does."""
        self.service.internal_errors.append(error)

    def take_internal_errors(self) -> tuple[str, ...]:
        """The failures so far, forgotten here: for a test that reports them itself (a fuzz
        harness failing one example) so the end of the test does not report them again."""
        errors = self.internal_errors
        self.service.internal_errors.clear()
        return errors

    def _env_overrides(self) -> dict[str, str]:
        """Environment variables set while active (the user's own values win)."""
        wanted = dict(FAKE_CREDENTIALS) if not os.environ.get("AWS_ACCESS_KEY_ID") else {}
        wanted.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        if not os.environ.get("AWS_DEFAULT_REGION"):
            wanted["AWS_DEFAULT_REGION"] = self.config.region
        return wanted

    def _set_env(self) -> None:
        for key, value in self._env_overrides().items():
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = value

    def _restore_env(self) -> None:
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()

    # -- clients -----------------------------------------------------------------------------
    def client(self, region_name: str | None = None, **client_kwargs: Any) -> Any:
        """A botocore glacier client with fake static credentials (no credential lookup)."""
        self._require_live("make a client")
        client_kwargs.setdefault("aws_access_key_id", FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"])
        client_kwargs.setdefault("aws_secret_access_key", FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        client = shared_session().create_client(
            "glacier", region_name=region_name or self.config.region, **client_kwargs
        )
        self._bind(client)
        return client

    def _bind(self, client: Any) -> None:
        """The client answers to this double only (the local server's clients need not)."""
        from .doors import botocore_door

        botocore_door.bind(client, self)

    # -- identity and time -------------------------------------------------------------------
    @property
    def account_id(self) -> str:
        return self.config.account_id

    @property
    def region(self) -> str:
        return self.config.region

    def now(self) -> dt.datetime:
        """Simulated now (after the double ended: the instant it ended at)."""
        return self._ended_at if self._ended_at is not None else self.backend.now()

    def _settle(self) -> list[dict[str, Any]]:
        """Complete the jobs due by now; an ended double's state is final."""
        return settle(self.backend) if self._ended_at is None else []

    def advance(
        self,
        delta: dt.timedelta | float | None = None,
        *,
        seconds: float = 0,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
    ) -> list[dict[str, Any]]:
        """Move simulated time forward; returns the jobs that completed meanwhile.

        The result holds DescribeJob-shaped dicts in completion order. Jobs that were already
        due before this call (time moved by the user's freezegun, say) complete first and are
        not part of it.
        """
        __tracebackhide__ = True
        self._require_live("advance()")
        step = _step(delta, seconds=seconds, minutes=minutes, hours=hours, days=days)
        return self._move(step, "advance")

    def _move(self, step: dt.timedelta, cause: str) -> list[dict[str, Any]]:
        with self.backend.lock:
            settle(self.backend)
            self._story.clock.advance(step, cause)
            return settle(self.backend)

    def complete_jobs(self) -> list[dict[str, Any]]:
        """Advance to the completion of the last job in progress; returns those completed."""
        self._require_live("complete_jobs()")
        with self.backend.lock:
            settle(self.backend)
            last = self.backend.schedule.last_completion()
            if last is None:
                return []
            return self._move(max(last - self.now(), dt.timedelta()), "complete_jobs")

    # -- faults ------------------------------------------------------------------------------
    inject = AddsRule(FaultRule)
    fail_jobs = AddsRule(JobFaultRule)
    add_latency = AddsRule(LatencyRule)
    inject_network = AddsRule(NetworkRule)

    @property
    def fault_rules(self) -> tuple[Rule, ...]:
        """Every fault rule in the order it is consulted, each with its ``hits``."""
        return tuple(self.faults.rules)

    # -- observation -------------------------------------------------------------------------
    @property
    def calls(self) -> Snapshot[Call]:
        """Every request answered, in order (each retry attempt separately): a read-only
        snapshot, cheap however many calls there were."""
        return Snapshot(self.service.calls)

    @property
    def timeline(self) -> Events:
        """What the double saw, in the order it saw it (``Event`` records with their
        simulated instant): the first and last events when there were very many."""
        return self._story.events(self.now())

    @property
    def sleeps(self) -> tuple[Sleep, ...]:
        """The sleeps code under test spent in simulated time, in the order they began."""
        return tuple(self._sleeps)

    @property
    def notifications(self) -> tuple[Notification, ...]:
        """SNS messages published by job completions, in completion-time order, each once."""
        with self.backend.lock:
            self._settle()
            return tuple(self.backend.schedule.notifications)

    @property
    def s3_objects(self) -> Mapping[str, bytes]:
        """What select jobs wrote to their S3 output locations, ``"s3://bucket/key"`` -> bytes.

        A read-only snapshot as of now (the double has no S3; see docs/select.md).
        """
        with self.backend.lock:
            self._settle()
            return MappingProxyType(dict(self.backend.schedule.s3_objects))

    def jobs(self, vault_name: str, region: str | None = None) -> Mapping[str, dict[str, Any]]:
        """Read-only view of one vault's unexpired jobs as DescribeJob dicts, as of now."""
        with self.backend.lock:
            self._settle()
            now = self.now()
            jobs = self.vaults(region)[vault_name].jobs.values()
            return MappingProxyType(
                {job.job_id: describe(job, now) for job in jobs if not job.expired(now)}
            )

    def vaults(self, region: str | None = None) -> Mapping[str, Vault]:
        """Read-only view of the vaults of ``region`` (default: the configured one)."""
        return MappingProxyType(self.backend.region_state(region or self.region).vaults)

    def archives(self, vault_name: str, region: str | None = None) -> Mapping[str, Archive]:
        """Read-only view of one vault's archives (bytes in ``.data``, ``.tree_hash``)."""
        return MappingProxyType(self.vaults(region)[vault_name].archives)


@functools.cache
def _aiobotocore_door() -> ModuleType | None:
    """The aiobotocore door, when aiobotocore is installed (it is no dependency of ours).

    Looked up once: a process without aiobotocore never imports the door; one with it imports
    aiobotocore at the first double, so clients made later in the test are served too.
    """
    if "aiobotocore" not in sys.modules and importlib.util.find_spec("aiobotocore") is None:
        return None
    try:
        from .doors import aiobotocore_door
    except ImportError as error:  # an aiobotocore release whose internals moved
        warnings.warn(
            f"pytest_glacier cannot serve aiobotocore clients: {error}",
            RuntimeWarning,
            stacklevel=1,
        )
        return None
    return aiobotocore_door


def _time_machine_travelling() -> bool:
    """Whether a ``time_machine.travel`` is active (time-machine's public escape hatch)."""
    time_machine = sys.modules.get("time_machine")
    hatch = getattr(time_machine, "escape_hatch", None)
    return bool(hatch is not None and hatch.is_travelling())


def _step(delta: Any, **units: float) -> dt.timedelta:
    """``advance()``'s arguments as one step forward, or an error naming what is wrong."""
    if delta is None:
        delta = dt.timedelta()
    elif isinstance(delta, int | float) and not isinstance(delta, bool):
        delta = dt.timedelta(seconds=delta)
    if not isinstance(delta, dt.timedelta):
        raise TypeError(
            f"advance() takes a timedelta or a number of seconds, got {delta!r}; "
            "or use advance(seconds=..., minutes=..., hours=..., days=...)"
        )
    try:
        step = delta + dt.timedelta(**units)
    except TypeError:
        raise TypeError(
            f"advance()'s seconds/minutes/hours/days must be numbers, got {units}"
        ) from None
    if step < dt.timedelta():
        raise ValueError(
            f"cannot move simulated time backwards: advance() got {step}. To go back, start "
            "a new double with an earlier start (@pytest.mark.glacier(start=...))."
        )
    return step


def mock_glacier(**config: Any) -> Glacier:
    """The double as a context manager or decorator, for code outside pytest."""
    __tracebackhide__ = True
    return Glacier(GlacierConfig.build(**config))


__all__ = ["Glacier", "InternalError", "mock_glacier"]
