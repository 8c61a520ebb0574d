"""Beside moto: while a double is active, moto's ``before-send`` handler leaves glacier
requests alone.

botocore runs every ``before-send`` handler, not only the first that answers, so moto's would
also process each glacier request the double answers (keeping a second copy of every archive,
and crashing on job ids it never issued). Its ``__call__`` is wrapped at class level while a
double is active and moto is imported: glacier requests get no answer from it, every other
service's go to moto as before, in either order of activation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._compat.moto import stubber_class
from .class_patches import ClassPatches

if TYPE_CHECKING:
    from ..service.engine.dispatch import GlacierService

GLACIER_EVENT = "before-send.glacier"


_found: list[tuple[type, ClassPatches]] = []
#: the doubles this door was opened for (moto may be imported after some started)
_opened: set[GlacierService] = set()


def _patches() -> tuple[type, ClassPatches] | None:
    """moto's handler class and its patch, once moto is imported."""
    if not _found:
        owner = stubber_class()
        if owner is None:
            return None
        _found.append((owner, ClassPatches([(owner, "__call__", _call)])))
    return _found[0]


def _call(self: Any, event_name: str, request: Any, **kwargs: Any) -> Any:
    found = _patches()
    assert found is not None
    owner, patches = found
    if event_name.startswith(GLACIER_EVENT) and patches:
        return None
    return patches.original(owner, "__call__")(self, event_name, request, **kwargs)


def activate(service: GlacierService) -> None:
    found = _patches()
    if found is not None:
        found[1].activate(service)
        _opened.add(service)


def deactivate(service: GlacierService) -> None:
    found = _patches()
    if found is not None and service in _opened:
        _opened.discard(service)
        found[1].deactivate(service)
