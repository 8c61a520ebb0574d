"""Every freezegun internal the clock relies on, in one place.

The clock reads freezegun's stack of freezes directly (every request reads the clock), the
fast start narrows freezegun's walk over ``sys.modules`` (``core/freeze.py``), and the
asyncio loops keep freezegun's monotonic time. Each name has its test in
``tests/test_compat.py``; checked from freezegun 1.4 (the declared floor) to the newest.

* ``freezegun.api.freeze_factories``: the live list of active freezes, innermost last. A
  factory called gives that freeze's naive UTC instant; ``tick(delta)`` moves it.
* ``freezegun.api._get_cached_module_attributes(module)``: the per-module list of
  attributes the outermost ``start()`` compares with the real time objects, and
  ``freezegun.api.sys``, the ``sys`` that walk reads ``modules`` from: both are replaced for
  the length of one ``start()`` by ``narrowed_walk``; ``freezegun.api._real_time_object_ids``,
  the ``id()`` of each real time object that lister keeps a module's attributes for.
* A ``freeze_time`` object's ``ignore`` (module prefixes left alone), ``undo_changes``
  (``(module, name, real value)`` for each attribute its start rebound) and
  ``modules_at_start`` (module names its ``stop()`` does not look at again).
* Under a freeze, ``time.monotonic()`` is the frozen instant's POSIX timestamp
  (``monotonic_at``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

import freezegun.api

_api: Any = freezegun.api  # its module globals are replaced for the length of a start


def factories() -> list[Any]:
    """freezegun's stack of active freezes: the live list, innermost last."""
    return _api.freeze_factories  # type: ignore[no-any-return]


def monotonic_at(moment: dt.datetime) -> float:
    """What ``time.monotonic()`` answers under a freeze at ``moment`` (aware or naive UTC)."""
    return calendar.timegm(moment.utctimetuple()) + moment.microsecond / 1e6


def walk_can_be_narrowed() -> bool:
    """Whether the next ``start()`` is the outermost and its walk has the expected shape."""
    return (
        not _api.freeze_factories
        and callable(getattr(_api, "_get_cached_module_attributes", None))
        and getattr(_api, "sys", None) is sys
    )


def real_time_ids() -> set[int] | frozenset[int] | None:
    """The ``id()`` of every real time object freezegun's walk rebinds (None: not known)."""
    ids = getattr(_api, "_real_time_object_ids", None)
    return ids if isinstance(ids, set | frozenset) else None


class _SysView:
    """What freezegun's walk sees as ``sys``: the real module with ``modules`` narrowed."""

    def __init__(self, modules: dict[str, Any]) -> None:
        self.modules = modules

    def __getattr__(self, name: str) -> Any:
        return getattr(sys, name)


@contextmanager
def narrowed_walk(
    modules: dict[str, Any],
    attributes: Callable[[ModuleType, Callable[[ModuleType], Any]], Any],
) -> Iterator[None]:
    """For the block, freezegun's walk visits only ``modules`` and lists a module's attributes
    with ``attributes(module, freezegun's own lister)``."""
    original = _api._get_cached_module_attributes
    _api.sys = _SysView(modules)
    _api._get_cached_module_attributes = lambda module: attributes(module, original)
    try:
        yield
    finally:
        _api.sys = sys
        _api._get_cached_module_attributes = original


def ignored(freezer: Any) -> tuple[str, ...]:
    """The module prefixes a ``freeze_time`` leaves on real time."""
    return tuple(freezer.ignore)


def rebound(freezer: Any) -> list[tuple[Any, str, Any]]:
    """``(module, name, real value)`` for each attribute a started freeze rebound."""
    return list(freezer.undo_changes)


def saw_every_module(freezer: Any) -> None:
    """Tell a started freeze that it saw all of ``sys.modules`` at its start, so that its
    ``stop()`` restores in exactly the modules imported since."""
    freezer.modules_at_start = set(sys.modules)


__all__ = [
    "factories",
    "ignored",
    "monotonic_at",
    "narrowed_walk",
    "real_time_ids",
    "rebound",
    "saw_every_module",
    "walk_can_be_narrowed",
]
