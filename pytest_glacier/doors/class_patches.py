"""Third-party class attributes replaced while any double is active, and the doubles' stack.

The botocore and aiobotocore doors each wrap a few methods of their library's classes at
class level (so clients made before the test are served too). The wrappers stay in place
from the first activation to the last deactivation; the innermost active double answers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..service.engine.dispatch import GlacierService


class ClassPatches:
    """``(class, attribute, replacement)`` triples and the doubles they are in place for."""

    def __init__(self, patches: Iterable[tuple[type, str, Any]]) -> None:
        self._patches = tuple(patches)
        self._lock = threading.Lock()
        #: the active doubles' services, the innermost last (read on every request: a list,
        #: not a method)
        self.active: list[GlacierService] = []
        #: (class, attribute) -> the library's own function, while any double is active
        self._originals: dict[tuple[type, str], Any] = {}

    def __bool__(self) -> bool:
        """Whether any double is active."""
        return bool(self.active)

    def current(self) -> GlacierService | None:
        """The innermost active double, if any."""
        active = self.active
        return active[-1] if active else None

    def original(self, owner: type, name: str) -> Any:
        """The library's own attribute behind a replacement."""
        return self._originals[owner, name]

    def activate(self, service: GlacierService) -> None:
        with self._lock:
            if not self.active:
                for owner, name, replacement in self._patches:
                    self._originals[owner, name] = getattr(owner, name)
                    setattr(owner, name, replacement)
            self.active.append(service)

    def deactivate(self, service: GlacierService) -> None:
        with self._lock:
            self.active.remove(service)
            if not self.active:
                for owner, name, _ in self._patches:
                    setattr(owner, name, self._originals.pop((owner, name)))
