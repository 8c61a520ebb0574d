"""The single "now" of the double.

Time is read at call time through ``datetime.datetime.now`` (looked up on the module each
time) so that freezegun and time-machine both steer it. In ``frozen`` mode the clock starts
freezegun at ``start`` unless a freezegun freeze is already active, in which case that one is
reused and moved. In ``real`` mode the wall clock runs, optionally ``time_scale`` times faster,
and ``advance()`` adds an offset.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

UTC = dt.timezone.utc


@functools.lru_cache(maxsize=4096)
def iso_ms(moment: dt.datetime) -> str:
    """``2012-03-20T17:03:43.221Z``: the service's date format.

    Cached: the same few instants (a vault's creation, its last write, frozen "now") are
    formatted on call after call.
    """
    if moment.tzinfo is None or moment.utcoffset():
        moment = moment.astimezone(UTC)
    # formatted by hand: strftime dominates ListJobs, which formats two dates per job
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
        f"{moment.minute:02d}:{moment.second:02d}.{moment.microsecond // 1000:03d}Z"
    )


def iso_s(moment: dt.datetime) -> str:
    """``2011-12-12T14:19:01Z``: second precision, as in inventory dates."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: dt.datetime | str) -> dt.datetime:
    """An aware UTC datetime from a datetime or an ISO 8601 string (naive means UTC)."""
    moment = (
        value
        if isinstance(value, dt.datetime)
        else dt.datetime.fromisoformat(
            value.replace("Z", "+00:00") if value.endswith("Z") else value
        )
    )
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


#: modules whose classes subclass ``datetime``/``date`` when first imported: imported under a
#: freeze they would subclass freezegun's fakes for the rest of the process (pendulum, and so
#: Airflow, then breaks: ``'datetime.datetime' object has no attribute 'diff'``)
DEFINE_BEFORE_FREEZING = ("pendulum",)
#: modules freezegun must leave on real time: pytest's own timer (``--durations``)
REAL_TIME_MODULES = ["_pytest.timing"]


@functools.cache
def _define_before_freezing() -> None:
    """Import, once, the installed modules of ``DEFINE_BEFORE_FREEZING`` not yet imported."""
    import importlib.util
    import sys

    for name in DEFINE_BEFORE_FREEZING:
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def _freezegun_factories() -> list[Any]:
    """freezegun's live stack of freezes (imports freezegun: frozen mode only)."""
    from .._compat.freezegun import factories

    return factories()


class Clock:
    """Answers ``now()`` and moves simulated time."""

    def __init__(self, mode: str, start: dt.datetime, time_scale: float = 1.0) -> None:
        self.mode = mode
        self.start_at = start
        self.time_scale = time_scale
        self._offset = dt.timedelta()
        self._freezer: Any = None
        self._real_origin: dt.datetime | None = None
        #: freezegun's stack of active freezes (frozen mode): read directly, see ``now``
        self._factories: list[Any] = []

    def start(self) -> bool:
        """Start keeping time; True when this started freezegun (its module walk is fresh)."""
        if self.mode == "frozen":
            self._factories = _freezegun_factories()
            if not self._factories:
                from freezegun import freeze_time

                from .freeze import start as start_freeze

                _define_before_freezing()
                self._freezer = freeze_time(self.start_at, ignore=REAL_TIME_MODULES)
                start_freeze(self._freezer)
                return True
        else:
            self._real_origin = dt.datetime.now(UTC)
        return False

    def stop(self) -> None:
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = None

    def now(self) -> dt.datetime:
        factories = self._factories
        if factories:
            # the innermost freeze's naive UTC instant: what ``datetime.now(UTC)`` answers
            # under freezegun, without building a FakeDatetime (every request reads the clock)
            frozen: dt.datetime = factories[-1]()
            return frozen.replace(tzinfo=UTC) + self._offset
        wall = dt.datetime.now(UTC)
        if self._real_origin is not None and self.time_scale != 1.0:
            wall = self._real_origin + (wall - self._real_origin) * self.time_scale
        return wall + self._offset

    def advance(self, delta: dt.timedelta) -> None:
        if delta < dt.timedelta():
            raise ValueError(f"cannot move simulated time backwards (delta={delta})")
        factories = _freezegun_factories() if self.mode == "frozen" else []
        if factories:
            factories[-1].tick(delta)
        else:
            self._offset += delta
