"""What the double saw, for a failing test's report and ``glacier.timeline``.

The story is recorded off the request path: calls, notifications, sleeps and internal errors
are already kept in grow-only lists, so the recorder turns their new entries into events only
when something else happens (the clock moves, a job ends) or when the timeline is read. The
clock and the schedule the controller hands the backend tell it of those moments; every other
instant is the last one the clock showed, which under the frozen clock is exact.

Hints explain common mistakes; they close the report's section, never a response body: the
client gets exactly what the service would answer.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .core.clock import Clock, iso_ms
from .faults import CALL_SCOPED_CODES, FaultRule, LatencyRule, Rule
from .records import Call, Event, EventLog, Events, Notification, Sleep
from .service.jobs.model import OUTPUT_LIFETIME, Job, Schedule

if TYPE_CHECKING:
    from .config import GlacierConfig
    from .service.engine.dispatch import GlacierService
    from .simulator import Glacier

NOT_AVAILABLE = "InvalidParameterValueException"
#: request parameters a call's line shows: (name, label, an id to shorten)
_SHOWN = (
    ("vaultName", "vault", False),
    ("jobId", "job", True),
    ("archiveId", "archive", True),
    ("uploadId", "upload", True),
    ("Type", "type", False),
    ("Tier", "tier", False),
    ("ArchiveId", "archive", True),
    ("RetrievalByteRange", "range", False),
)
#: events the report shows at most (its first and last ones), by pytest's verbosity
BUDGETS = {0: (15, 25), 1: (150, 250)}


class RecordedClock(Clock):
    """The backend's clock, telling the recorder of each move (who moved it, and when)."""

    def __init__(self, config: GlacierConfig, recorder: Recorder) -> None:
        super().__init__(config.clock, config.start, config.time_scale)
        self._recorder = weakref.ref(recorder)  # the recorder holds the clock: no cycle

    def advance(self, delta: dt.timedelta, cause: str | None = None) -> None:
        """Move by ``delta``; ``cause`` names the mover (None: a fault's latency or a retry's
        backoff, told apart by the latency rules' hits)."""
        before = self.now()
        super().advance(delta)
        recorder = self._recorder()
        if recorder is not None:
            recorder.moved(before, delta, cause)


class RecordedSchedule(Schedule):
    """The backend's schedule, telling the recorder of each job's completion."""

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self._recorder = weakref.ref(recorder)

    def completed(self, job: Job) -> None:
        super().completed(job)
        recorder = self._recorder()
        if recorder is not None:
            recorder.job_completed(job)


class Recorder:
    """The timeline of one double, in bounded memory (``EventLog``)."""

    def __init__(self, config: GlacierConfig) -> None:
        self.clock = RecordedClock(config, self)
        self.schedule = RecordedSchedule(self)
        self.log = EventLog()
        self._lock = threading.RLock()
        self._service: GlacierService | None = None
        self._errors: list[str] = []
        self._sleeps: list[Sleep] = []
        self._rules: list[Rule] = []
        #: how far each source has been read into the log
        self._seen = {"calls": 0, "errors": 0, "sleeps": 0, "notifications": 0}
        #: InitiateJob calls answered 202 so far: the next one created the job of that seq
        self._initiated = 0
        #: fault rule -> the calls already put down to it
        self._answered: dict[Rule, int] = {}
        self._latency_hits = 0
        #: (output expiry, seq, job id): completed jobs whose expiry is still to tell
        self._expiring: list[tuple[dt.datetime, int, str]] = []

    def watch(self, service: GlacierService, rules: list[Rule], sleeps: list[Sleep]) -> None:
        """Read the double's own logs (the lists themselves: they only grow at their end)."""
        self._service = service
        self._errors = service.internal_errors
        self._rules = rules
        self._sleeps = sleeps

    # -- the moments told -------------------------------------------------------------------
    def moved(self, before: dt.datetime, delta: dt.timedelta, cause: str | None) -> None:
        with self._lock:
            self._catch_up(before)
            if cause is None:
                hits = sum(r.hits for r in self._rules if isinstance(r, LatencyRule))
                cause = "latency" if hits > self._latency_hits else "backoff"
                self._latency_hits = hits
            words = {
                "latency": "an add_latency rule moved the clock",
                "backoff": "a client retry's backoff moved the clock",
                "wait": "simulated waits moved the clock",
            }
            after = before + delta
            self._add(
                before,
                cause,
                f"{words.get(cause, cause)} +{delta} to {iso_ms(after)}",
                {"seconds": delta.total_seconds(), "to": iso_ms(after)},
            )

    def job_completed(self, job: Job) -> None:
        outcome = job.outcome
        assert outcome is not None, "the settle step decides the outcome before it completes"
        status = outcome.status
        with self._lock:
            self._catch_up(self.clock.now(), {job.seq: job})
            ended = status if status == "Succeeded" else f"{status}: {outcome.message}"
            tier = f" {job.tier}" if job.tier else ""
            self._add(
                job.completes_at,
                "job",
                f"job {_short(job.job_id)} ({job.action}{tier}, vault {job.vault_name}) {ended}",
                {
                    "job_id": job.job_id,
                    "vault": job.vault_name,
                    "action": job.action,
                    "tier": job.tier,
                    "status": status,
                    "message": outcome.message,
                },
            )
            heapq.heappush(
                self._expiring, (job.completes_at + OUTPUT_LIFETIME, job.seq, job.job_id)
            )

    def events(self, now: dt.datetime) -> Events:
        """The kept events, the logs read up to ``now`` (the double's now, even once ended)."""
        with self._lock:
            self._catch_up(now)
            return self.log.view()

    # -- reading the logs -------------------------------------------------------------------
    def _add(self, at: dt.datetime, kind: str, summary: str, details: Mapping[str, Any]) -> None:
        self.log.append(Event(at, kind, summary, details))

    def _catch_up(self, now: dt.datetime, jobs: Mapping[int, Job] | None = None) -> None:
        """Put down what the logs gained since last time; calls happened at ``now`` as far
        as the recorder can tell (the clock did not move since: it would have said so)."""
        while self._expiring and self._expiring[0][0] <= now:
            expires, _, job_id = heapq.heappop(self._expiring)
            self._add(
                expires,
                "expired",
                f"job {_short(job_id)} output expired (24 h after completion)",
                {"job_id": job_id},
            )
        self._notifications()
        seen = self._seen
        if len(self._errors) < seen["errors"]:  # taken by a test that reports them itself
            seen["errors"] = len(self._errors)
        calls = self._new_calls()
        pending: dict[int, Job] = {}
        if any(call.operation == "InitiateJob" and call.status == 202 for call in calls):
            # the jobs new calls may have made: looked up once a batch, not once a completion
            pending = {job.seq: job for _, _, job in self.schedule.pending}
        pending.update(jobs or {})
        for call in calls:
            self._call(now, call, pending)
            if call.status == 500 and seen["errors"] < len(self._errors):
                self._error(now)
        for sleep in self._sleeps[seen["sleeps"] :]:
            seen["sleeps"] += 1
            self._add(
                sleep.at,
                "sleep",
                f"time.sleep({sleep.seconds:g}) in {sleep.thread}",
                {"seconds": sleep.seconds, "thread": sleep.thread},
            )
        while seen["errors"] < len(self._errors):
            self._error(now)

    def _new_calls(self) -> list[Call]:
        """The calls since the last reading; those the service forgot meanwhile (a server's
        ``calls_kept``) count as dropped events."""
        service, seen = self._service, self._seen
        if service is None:
            return []
        start = seen["calls"] - service.calls_dropped
        if start < 0:
            self.log.dropped += -start
            start = 0
        calls = service.calls[start:]
        seen["calls"] = service.calls_dropped + start + len(calls)
        return calls

    def _notifications(self) -> None:
        notes: Sequence[Notification] = self.schedule.notifications[self._seen["notifications"] :]
        self._seen["notifications"] += len(notes)
        for note in notes:
            message = note.message
            job_id = str(message.get("JobId", ""))
            completed = message.get("CompletionDate")
            at = _instant(completed) if isinstance(completed, str) else self.clock.now()
            self._add(
                at,
                "notification",
                f"SNS to {note.topic}: job {_short(job_id)} {message.get('StatusCode')}",
                {"topic": note.topic, "message": message},
            )

    def _call(self, now: dt.datetime, call: Call, jobs: Mapping[int, Job]) -> None:
        details: dict[str, Any] = {
            "operation": call.operation,
            "status": call.status,
            "error_code": call.error_code,
            "params": call.params,
            "request_id": call.request_id,
        }
        words = [call.operation]
        for key, label, is_id in _SHOWN:
            value = call.params.get(key)
            if value:
                words.append(f"{label}={_short(str(value)) if is_id else value}")
        words.append(f"-> {call.status}")
        if call.error_code is not None:
            words.append(call.error_code)
        if call.operation == "InitiateJob" and call.status == 202:
            job = jobs.get(self._initiated)
            self._initiated += 1
            if job is not None:
                details["job_id"] = job.job_id
                words.append(f"job={_short(job.job_id)}")
        if call.fault is not None:
            details["network_fault"] = call.fault
            words.append(f"(network fault: {call.fault})")
        rule = self._rule_for(call)
        if rule is not None:
            details["fault_rule"] = repr(rule)
            words.append(f"(answered by {rule!r})")
        self._add(now, "call", " ".join(words), details)

    def _rule_for(self, call: Call) -> Rule | None:
        """The fault rule that answered ``call``: the first one of its code and operation
        (and dict match) whose hits are not all put down yet."""
        if call.error_code is None:
            return None
        for rule in self._rules:
            if (
                not isinstance(rule, FaultRule)
                or rule.code != call.error_code
                or rule.operation not in (None, call.operation)
                or rule.hits == 0
            ):
                continue
            match = rule.match
            if isinstance(match, Mapping) and any(
                call.params.get(k) != v for k, v in match.items()
            ):
                continue
            answered = self._answered.get(rule, 0)
            if answered < rule.hits or rule.code in CALL_SCOPED_CODES:
                self._answered[rule] = answered + 1
                return rule
        return None

    def _error(self, now: dt.datetime) -> None:
        text = self._errors[self._seen["errors"]]
        self._seen["errors"] += 1
        last = text.strip().splitlines()[-1] if text.strip() else "?"
        self._add(now, "internal_error", f"internal error: {last}", {"traceback": text})


def _short(value: str) -> str:
    return value if len(value) <= 16 else f"{value[:12]}..."


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- the report -------------------------------------------------------------------------------
def section(double: Glacier, verbosity: int, timeline: bool) -> tuple[str, str] | None:
    """The report's section (title, text): the timeline, its middle cut to the verbosity's
    budget, closed by the hints; only the hints when the timeline is off (None: no hints)."""
    lines = hints(double)
    if not timeline:
        return ("pytest_glacier hints", "\n".join(lines)) if lines else None
    text = _timeline_lines(double.timeline, verbosity)
    if lines:
        text += ["", "pytest_glacier hints:", *lines]
    return "pytest_glacier timeline", "\n".join(text)


def _timeline_lines(events: Events, verbosity: int) -> list[str]:
    if not len(events):
        return ["(the double saw nothing)"]
    origin = events[0].at
    rows: list[str | int] = [_line(event, origin, verbosity) for event in events]
    if events.dropped:
        rows.insert(events.gap, events.dropped)
    budget = BUDGETS[max(verbosity, 0)] if verbosity < len(BUDGETS) else None
    if budget is not None and len(events) > sum(budget):
        first, last = budget
        middle = rows[first : len(rows) - last]
        cut = sum(row if isinstance(row, int) else 1 for row in middle)
        rows = [*rows[:first], cut, *rows[len(rows) - last :]]
    header = f"simulated time since {iso_ms(origin)}; {len(events) + events.dropped} events"
    return [header, *(f"... {row} events cut ..." if isinstance(row, int) else row for row in rows)]


def _line(event: Event, origin: dt.datetime, verbosity: int) -> str:
    text = f"{_elapsed(event.at - origin)}  {event.kind:<14} {event.summary}"
    if verbosity > 0 and event.kind == "call":
        text += f"\n{'':28}params={json.dumps(event.details['params'], default=str)}"
    return text


def _elapsed(delta: dt.timedelta) -> str:
    sign = "-" if delta < dt.timedelta() else "+"
    total = abs(delta)
    days, rest = divmod(total, dt.timedelta(days=1))
    hours, rest = divmod(rest, dt.timedelta(hours=1))
    minutes, rest = divmod(rest, dt.timedelta(minutes=1))
    seconds = rest.total_seconds()
    day = f"{days}d " if days else ""
    return f"{sign}{day}{hours:02d}:{minutes:02d}:{seconds:06.3f}"


def hints(double: Glacier) -> list[str]:
    """One line per explained refusal, in the order the calls came."""
    lines: list[str] = []
    seen: set[str] = set()
    for call in double.calls:
        if call.operation != "GetJobOutput" or call.error_code != NOT_AVAILABLE:
            continue
        job_id = str(call.params.get("jobId", ""))
        vault = double.vaults().get(str(call.params.get("vaultName", "")))
        job = vault.jobs.get(job_id) if vault is not None else None
        if job is None or job_id in seen or job.done(double.now()):
            continue
        seen.add(job_id)
        lines.append(
            f"GetJobOutput of job {job_id[:12]}... was refused while the job was InProgress: "
            f"it completes at {iso_ms(job.completes_at)} simulated time (now "
            f"{iso_ms(double.now())}). Simulated time moves only when the test calls "
            "glacier.advance(...) or glacier.complete_jobs(), or code under test sleeps."
        )
    return lines
