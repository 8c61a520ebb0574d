"""The narrowed freezegun start patches exactly what a plain ``freeze_time().start()`` does."""

from __future__ import annotations

import datetime as dt
import sys
import time
import types
from collections.abc import Iterator
from typing import Any

import freezegun.api
import pytest
from freezegun import freeze_time

from pytest_glacier.core import freeze

START = dt.datetime(2024, 1, 1)


@pytest.fixture
def module() -> Iterator[Any]:
    """A throw-away module in sys.modules, to play a user module importing time objects."""
    mod = types.ModuleType("pytest_glacier_freeze_probe")
    sys.modules[mod.__name__] = mod
    yield mod
    del sys.modules[mod.__name__]


def _started() -> freezegun.api._freeze_time:
    freezer = freeze_time(START)
    freeze.start(freezer)
    return freezer


def _plain_patches() -> set[tuple[str, str]]:
    freezer = freeze_time(START)
    freezer.start()
    try:
        return {(m.__name__, name) for m, name, _ in freezer.undo_changes}
    finally:
        freezer.stop()


def test_patches_the_same_attributes_as_a_plain_start(module: Any) -> None:
    module.now_class = dt.datetime
    module.clock = time.monotonic
    for _ in range(3):  # the first start fills the cache, later ones use it
        freezer = _started()
        try:
            ours = {(m.__name__, name) for m, name, _ in freezer.undo_changes}
            assert module.now_class is freezegun.api.FakeDatetime
            assert module.clock is freezegun.api.fake_monotonic
        finally:
            freezer.stop()
        assert module.now_class is dt.datetime
        assert module.clock is time.monotonic
        assert ours == _plain_patches()


def test_module_changed_after_caching_is_rescanned(module: Any) -> None:
    _started().stop()  # cached as holding nothing
    module.stamp = time.time  # a new name: the namespace changed
    freezer = _started()
    try:
        assert module.stamp is freezegun.api.fake_time
        assert time.time() == START.replace(tzinfo=dt.timezone.utc).timestamp()
    finally:
        freezer.stop()
    assert module.stamp is time.time


def test_module_imported_after_caching_is_scanned() -> None:
    _started().stop()
    late: Any = types.ModuleType("pytest_glacier_freeze_late")
    late.today = dt.date
    sys.modules[late.__name__] = late
    try:
        freezer = _started()
        try:
            assert late.today is freezegun.api.FakeDate
        finally:
            freezer.stop()
        assert late.today is dt.date
    finally:
        del sys.modules[late.__name__]


def test_nested_start_is_freezeguns_own() -> None:
    outer = _started()
    try:
        inner = freeze_time(START + dt.timedelta(days=1))
        freeze.start(inner)
        assert dt.datetime.now() == START + dt.timedelta(days=1)
        inner.stop()
        assert dt.datetime.now() == START
    finally:
        outer.stop()
    assert dt.datetime.now() > START + dt.timedelta(days=365)


def test_ticks_and_stop_restore_real_time() -> None:
    freezer = freeze_time(START)
    factory = freeze.start(freezer)
    try:
        factory.tick(dt.timedelta(hours=5))
        assert dt.datetime.now() == START + dt.timedelta(hours=5)
    finally:
        freezer.stop()
    assert freezegun.api.freeze_factories == []
    assert sys.modules["time"].time is time.time
