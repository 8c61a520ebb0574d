"""Start freezegun per test without paying for its walk over every loaded module.

freezegun's outermost ``start()`` visits every module in ``sys.modules`` and rebinds the
attributes that are the real ``datetime``/``time`` objects (``from time import monotonic``
style imports). It validates a per-module cache by hashing ``dir(module)`` each time, which
costs about 8 ms per start in a process that has boto3 and pytest loaded: 15 times the whole
fixture budget. Only a few dozen modules ever hold such attributes.

This module lets freezegun do exactly its own patching, but shows its walk only the modules
that can matter: those freezegun patched last time, and those that are new or whose
namespace changed since they were last seen. A module is "unchanged" when it is the same
object with the same namespace size and the same last-added name, which notices every change
freezegun's own cache notices (a change of the set of names). Everything freezegun does
besides the walk (the ``datetime``/``time``/``uuid`` globals, its factory stack, ``tick``,
``move_to``, nesting, ``stop``) is untouched, so user freezegun code and pytest-freezer work
as they do with a plain ``freeze_time(...).start()``.

If freezegun's internals are not the ones this relies on, it falls back to a plain start.
Those internals are named in ``pytest_glacier/_compat/freezegun.py``.

The first walk of a process has no cache yet. A module (a plain ``ModuleType``) whose
namespace holds none of freezegun's real time objects is answered with the empty attribute
list, by one identity scan of its values in C instead of freezegun's ``dir()``, ``getattr``
per name and hash. That is freezegun's own answer, with one difference: a module with a
lazy ``__dir__``/``__getattr__`` (dateutil, ``concurrent.futures``, ``unittest``) is not made
to import what it lists but has not loaded (freezegun's ``getattr`` would import
``dateutil.zoneinfo`` and ``tarfile``, ``concurrent.futures.process``...: a fifth of a first
test's cost); an attribute not loaded yet is no binding made at import time. Objects in
``sys.modules`` that are not plain modules (``six.moves``) are freezegun's.

The same walk finds the modules that bound ``time.sleep`` under a name of their own (``from
time import sleep``), so the simulated sleep can be bound there too (``sleep_bindings``).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

#: (module, namespace, size, last name): how a module looked when it was last scanned
_Signature = tuple[Any, dict[str, Any], int, Any]

_lock = threading.Lock()
#: the standard library's own sleep, looked for in module namespaces
REAL_SLEEP = time.sleep
#: looked for in C (``isdisjoint``) before a namespace is searched for the names bound to it
_SLEEP_ID = frozenset({id(REAL_SLEEP)})


def _signature(module: Any) -> _Signature | None:
    namespace = getattr(module, "__dict__", None)
    if type(namespace) is not dict or not namespace:
        return None
    return (module, namespace, len(namespace), next(reversed(namespace)))


def _plain_namespace(module: Any) -> dict[str, Any] | None:
    """The namespace of a plain module: what its loaded attributes are."""
    if type(module) is not ModuleType:
        return None
    namespace = module.__dict__
    return namespace if type(namespace) is dict else None


#: the last name of each namespace, in C: ``dict.__reversed__`` skips ``reversed()``'s lookup
_last_name: Callable[[dict[str, Any]], Any] = dict.__reversed__


def _unchanged(entry: _Signature, module: Any) -> bool:
    namespace = entry[1]
    return (
        entry[0] is module
        and len(namespace) == entry[2]
        and next(reversed(namespace), None) == entry[3]
    )


class ModuleScanCache:
    """Which loaded modules hold real time objects, valid while their namespaces are unchanged."""

    def __init__(
        self,
        ignore: tuple[str, ...] | None = None,
        real_ids: set[int] | frozenset[int] | None = None,
    ) -> None:
        #: freezegun's ignore list the cache was built under (it decides what gets patched)
        self.ignore = ignore
        #: ids of freezegun's real time objects and the real sleep: a module holding none of
        #: them is answered here (None: every module is freezegun's)
        self._watched = None if real_ids is None else frozenset(real_ids) | _SLEEP_ID
        #: id() of the modules of the current walk found holding none of ``_watched``
        self._clean: set[int] = set()
        #: sys.modules key -> signature of a module that freezegun patched nothing in
        self.quiet: dict[str, _Signature] = {}
        #: id(module) -> (signature, the (name, real value) pairs freezegun patched in it)
        self.holders: dict[int, tuple[_Signature, Any]] = {}
        #: the whole of sys.modules at the last start, to skip the per-module loop when equal
        self._modules: list[Any] = []
        self._namespaces: list[dict[str, Any]] = []
        self._sizes: list[int] = []
        self._last_names: list[Any] = []
        self._view: dict[str, Any] = {}
        #: sys.modules key -> (signature, names bound to the real sleep) of every module seen
        self.sleep_names: dict[str, tuple[_Signature, tuple[str, ...]]] = {}
        self._sleep_bindings: list[tuple[Any, str]] = []

    def view(self) -> tuple[dict[str, Any], bool]:
        """The modules freezegun's walk must visit now, and whether anything changed."""
        modules = list(sys.modules.values())
        if modules == self._modules and self._same_namespaces():
            return dict(self._view), False
        view: dict[str, Any] = {}
        quiet = self.quiet.get
        for name, module in list(sys.modules.items()):
            entry = quiet(name)
            if entry is None or not _unchanged(entry, module):
                view[name] = module
        return view, True

    def _same_namespaces(self) -> bool:
        # map() keeps the loops in C; an emptied namespace stops it early, so it never matches
        namespaces = self._namespaces
        return (
            list(map(len, namespaces)) == self._sizes
            and list(map(next, map(_last_name, namespaces))) == self._last_names
        )

    def attributes(self, module: ModuleType, original: Callable[[ModuleType], Any]) -> Any:
        """freezegun's per-module attribute list, from our cache while the module is unchanged."""
        held = self.holders.get(id(module))
        if held is not None and _unchanged(held[0], module):
            return held[1]
        watched = self._watched
        if watched is not None:
            namespace = _plain_namespace(module)
            if namespace is not None and watched.isdisjoint(map(id, namespace.values())):
                self._clean.add(id(module))
                return []
        return original(module)

    def learn(self, view: dict[str, Any], changes: list[tuple[Any, str, Any]]) -> None:
        """Record what the walk over ``view`` patched (freezegun's undo list: module, name,
        real value), then snapshot sys.modules."""
        clean, self._clean = self._clean, set()
        patched: dict[int, list[tuple[str, Any]]] = {}
        for module, attribute, real in changes:
            patched.setdefault(id(module), []).append((attribute, real))
        for name, module in view.items():
            signature = _signature(module)
            if signature is None:
                continue
            if id(module) in patched:
                self.holders[id(module)] = (signature, patched[id(module)])
                self.quiet.pop(name, None)
            else:
                self.quiet[name] = signature
            held: tuple[str, ...] = ()
            if id(module) not in clean and not _SLEEP_ID.isdisjoint(map(id, signature[1].values())):
                held = tuple(key for key, value in signature[1].items() if value is REAL_SLEEP)
            if held:
                self.sleep_names[name] = (signature, held)
            else:
                self.sleep_names.pop(name, None)
        items = list(sys.modules.items())
        self._modules = [module for _, module in items]
        self._view = {
            name: module
            for name, module in items
            if (entry := self.quiet.get(name)) is None or entry[0] is not module
        }
        signatures = [_signature(module) for module in self._modules]
        kept = [s for s in signatures if s is not None]
        self._namespaces = [s[1] for s in kept]
        self._sizes = [s[2] for s in kept]
        self._last_names = [s[3] for s in kept]
        modules = sys.modules
        self._sleep_bindings = [
            (entry[0][0], attribute)
            for name, entry in self.sleep_names.items()
            if modules.get(name) is entry[0][0]
            for attribute in entry[1]
        ]

    def sleep_bindings(self) -> list[tuple[Any, str]]:
        """(module, name) pairs bound to the real sleep, as of the last walk."""
        return list(self._sleep_bindings)


_cache = ModuleScanCache()
#: whether the last ``start`` walked through the cache (so its sleep bindings are current)
_walk_learned = False


def sleep_bindings(walked: bool) -> list[tuple[Any, str]]:
    """Module names bound to the real ``time.sleep``, besides ``time.sleep`` itself.

    ``walked``: this process's freezegun start just went through ``start`` below, so the
    walk's findings are current; otherwise (a user's freezegun was already active) every
    module is looked at.
    """
    with _lock:
        if walked and _walk_learned:
            return _cache.sleep_bindings()
    found = []
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if type(namespace) is dict:
            found += [(module, key) for key, value in namespace.items() if value is REAL_SLEEP]
    return found


def start(freezer: Any) -> Any:
    """``freezer.start()``, with freezegun's module walk narrowed when it is the outermost."""
    from .._compat import freezegun as compat

    global _cache, _walk_learned
    if not compat.walk_can_be_narrowed():
        _walk_learned = False
        return freezer.start()
    with _lock:
        _walk_learned = True
        ignore = compat.ignored(freezer)
        if _cache.ignore != ignore:
            _cache = ModuleScanCache(ignore, compat.real_time_ids())
        view, changed = _cache.view()
        with compat.narrowed_walk(view, _cache.attributes):
            factory = freezer.start()
        # freezegun recorded the narrowed view; its stop() needs the real set of modules
        compat.saw_every_module(freezer)
        if changed:
            _cache.learn(view, compat.rebound(freezer))
    return factory
